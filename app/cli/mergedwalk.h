// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Depth-first walk of the merged view for the commands, with a depth limit and
// every listing problem kept: a subdirectory that cannot be read makes the result
// partial, it does not end the walk. (core's walkMerged has no depth limit and does
// not hand out the problems of the listings it walks.)

#include "report.h"
#include "stack/mergedtree.h"

#include <functional>
#include <string>

namespace strata::cli {

struct WalkLimits {
    int maxDepth = 0; // 0: unlimited; 1: the directory's own entries only
    stack::ListOptions list;
};

// `visit(path, entry, depth)`: path is the merged path ("a/b"), depth 1 for the
// entries of `root`. Directories come before their children, names in bytewise
// order. Fails only when `root` itself cannot be listed.
using WalkVisitor = std::function<void(const std::string &path, const stack::MergedEntry &entry, int depth)>;
Result<void> walkTree(const stack::MergedTree &tree, const std::string &root, const WalkLimits &limits, Report &report,
                      const WalkVisitor &visit);

std::string joinPath(const std::string &parent, const std::string &name);

} // namespace strata::cli
