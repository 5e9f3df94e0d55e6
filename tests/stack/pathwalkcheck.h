// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The paths-only walk (stack/pathwalk.h) against the full merged walk
// (stack/mergedwalk.h) of the same stack: every path with its kind, as sets.

#include "stack/layerstack.h"

#include <string>
#include <vector>

namespace strata::test {

struct PathWalkComparison {
    size_t paths = 0; // what the full walk listed
    std::vector<std::string> diffs; // "only in the full walk: ...", "only in the paths walk: ..."
    std::string error;
};
PathWalkComparison comparePathWalk(const stack::LayerStack &stack, bool includeWhiteouts);

} // namespace strata::test
