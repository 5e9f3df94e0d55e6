// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The per-directory facts readdir's rules ask about one merged dir (ovl/mergerules.h:
// readdirFiltersWhiteouts, readdirLooksUp), each read from the layers the first time
// it is asked for: a listing that has no whiteout candidate in it (no device, no
// empty file where xattr whiteouts count) never reads them. Shared by the listing
// (EntryBuilder) and the paths-only walk (walkMergedPaths), so both see one rule.

#include "layerstack.h"
#include "lookup.h"
#include "ovl/mergerules.h"

#include <optional>
#include <vector>

namespace strata::stack {

class ReaddirRules {
public:
    // `dirs`: the merged dir's layer dirs, top first; `topFd`: the first one, open
    // for reading (-1 when it could not be opened).
    ReaddirRules(const LayerStack &stack, const std::vector<OpenDir> &dirs, int topFd);

    // inode.c ovl_get_inode(): whether readdir drops whiteouts here at all (a dir
    // merged from several layers, one whose real dir has overlay.origin, the root).
    bool filtersWhiteouts() const;
    // Whether readdirHides() can be true for a name whose top-most version is `o` in
    // any dir (a 0/0 device, an empty regular file): for every other name it is
    // false whatever the dir's facts, so they need not be read.
    static bool mayHide(const ovl::LayerObject &o);
    // Whether the kernel's listing looks up the entry read in layer position `pos`
    // (ovl::readdirLooksUp: the upper dir's impure xattr, the layers' devices).
    bool looksUp(size_t pos) const;

private:
    const LayerStack &m_stack;
    const std::vector<OpenDir> &m_dirs;
    int m_topFd;
    mutable std::optional<bool> m_filters;
    mutable std::optional<bool> m_upperImpure;
    mutable bool m_sameDev = false;
};

} // namespace strata::stack
