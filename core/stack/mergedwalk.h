// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The one depth-first walk of the merged view, for everything that reads the whole
// tree (stratactl tree, the whiteout report, the wasted-space summary): directories
// before their children, names in bytewise order, with a depth limit, cancellation,
// and every listing problem collected. A subdirectory that cannot be listed makes the
// result partial; it does not end the walk.

#include "mergedtree.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace strata::stack {

struct WalkOptions {
    ListOptions list;
    int maxDepth = 0; // 0: unlimited; 1: the root's own entries only
    const std::atomic<bool> *cancel = nullptr; // checked before every entry
    // Read the next directories' listings ahead on a second thread (stack/listahead.h)
    // while the visitor consumes the current one: the same entries in the same order.
    bool readAhead = true;
};

struct WalkResult {
    uint64_t entries = 0; // visited
    std::vector<Error> problems; // listings that failed or were incomplete (partial)
    bool cancelled = false; // stopped on `cancel` (partial)
    bool stopped = false; // the visitor returned false
};

// `visit(path, entry, depth)`: `path` is the merged path ("a/b"), depth 1 for the
// entries of `root`. Returning false stops the walk. The entry's own problems are the
// visitor's to collect.
using Visitor = std::function<bool(const std::string &path, const MergedEntry &entry, int depth)>;

// Fails only when `root` itself cannot be listed.
Result<WalkResult> walkMerged(const MergedTree &tree, const std::string &root, const WalkOptions &opts,
                              const Visitor &visit);

std::string joinPath(const std::string &parent, const std::string &name); // "" + "a" is "a"

} // namespace strata::stack
