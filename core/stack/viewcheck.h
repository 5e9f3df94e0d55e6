// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Does a mount show what its layers say it should? The merged view the inspector
// computes from the layer directories (MergedTree) against a walk through the
// mount itself: names, types, modes, owners, sizes and symlink targets. restore
// runs it before it reports success. (`stratactl verify`, written elsewhere, is the
// full check; this is the small core comparison restore needs.)

#include "util/error.h"

#include <string>
#include <vector>

namespace strata::stack {

struct ViewDifference {
    std::string path; // merged path ("" for the root)
    std::string what; // "only in the mount", "type dir in the layers, file in the mount", ...
};

struct ViewComparison {
    size_t entries = 0; // entries compared
    std::vector<ViewDifference> differences; // at most `maxDifferences`
};

// Fails when the mount cannot be opened as a stack or walked at all.
Result<ViewComparison> compareMountView(const std::string &mountpoint, size_t maxDifferences = 20);

} // namespace strata::stack
