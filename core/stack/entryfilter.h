// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Which merged entries a view shows: the whiteout, state and layer filters of the
// app's tree, applied by its browsing proxy (over the model's rows) and by its
// whole-tree search (over core's entries), so the two never disagree on a rule.

#include "entry.h"

#include <cstdint>
#include <span>

namespace strata::stack {

// The facts of one entry the filters look at.
struct FilterFacts {
    bool whiteout = false;
    bool dir = false;
    int layer = -1; // the layer of the visible version
    uint32_t state = 0; // State bits
    std::span<const int> dirLayers; // a merged dir's layers
    static FilterFacts of(const MergedEntry &e);
};

struct EntryFilter {
    bool showWhiteouts = true;
    uint32_t stateMask = 0; // any of these State bits; 0: any state
    int layer = -1; // visible version from this layer, or a dir it contributes to
    int onlyLayer = -1; // visible version from exactly this layer (dive's "layer only")

    // Browsing keeps every directory under the state filter (it may still hold a
    // match further down); a search wants the directory itself to carry the state.
    enum class Dirs : uint8_t { KeepOpen, Strict };
    bool accepts(const FilterFacts &facts, Dirs dirs) const;
    bool accepts(const MergedEntry &e, Dirs dirs) const { return accepts(FilterFacts::of(e), dirs); }
};

} // namespace strata::stack
