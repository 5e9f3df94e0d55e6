// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "entry.h"
#include "layerstack.h"

#include <string>
#include <sys/stat.h>
#include <vector>

namespace strata::stack {

// A lower version of the same entry that an origin may point at (the versions
// beneath it in the merged view), used to verify an origin without privileges.
struct OriginCandidate {
    int layer;
    std::string path;
    struct stat st;
};

// Decodes an overlay.origin value and finds the lower file it names:
//  - with CAP_DAC_READ_SEARCH: open_by_handle_at on each lower layer whose fs uuid
//    matches, then the path of what it opened, located in its layer;
//  - without: the fid's inode number (FILEID_INO32_GEN family) compared with the
//    candidates, accepted only on the same device as the handle's layer.
// Never guesses: what cannot be checked is "unresolved", with the reason.
OriginInfo resolveOrigin(const LayerStack &stack, std::string_view value,
                         const std::vector<OriginCandidate> &candidates);

// Finds which lower layer holds the object a handle names (open_by_handle_at on each
// lower whose fs uuid matches) and its path there. Needs CAP_DAC_READ_SEARCH.
// Returns false with `why` set (ESTALE: "Stale file handle" for a deleted object).
struct HandleLocation {
    int layer = -1;
    std::string path;
    struct stat st {};
};
bool locateHandle(const LayerStack &stack, const ovl::FileHandle &fh, HandleLocation &where, std::string &why,
                  int &err);

// Whether open_by_handle_at is available to this process (CAP_DAC_READ_SEARCH).
bool canOpenByHandle();

} // namespace strata::stack
