// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A walk of the merged view that wants only its paths (the app's whole-tree search):
// every name the full listing (MergedTree::list) shows, and nothing else, for a
// fraction of its cost. Names and kinds come from getdents (d_type); readdir's
// whiteout rules read a stat or an xattr only for the names they can concern (a
// character device, an empty regular file where xattr whiteouts count), and only
// directories are looked up (their opaque and redirect decide where the walk goes
// next), through the same Lookup the listing uses. No MergedEntry is built.

#include "mergedtree.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::stack {

enum class PathKind : uint8_t {
    File, // anything listed that is not a directory
    Dir,
    Whiteout, // a deleted name (only with includeWhiteouts): a listing's StateWhiteout entry
};

struct PathWalkOptions {
    bool includeWhiteouts = false; // as ListOptions::includeWhiteouts
    const std::atomic<bool> *cancel = nullptr; // checked once per directory
};

struct PathWalkResult {
    uint64_t entries = 0; // visited
    std::vector<Error> problems; // layer dirs that could not be read, dirs that could not be entered
    bool cancelled = false;
    bool stopped = false; // the visitor returned false
};

// `visit(path, kind)`: the merged path ("a/b"; valid only during the call). Each
// directory's names come in bytewise order, all of them before any of its
// subdirectories' (which follow in the same order). Returning false stops the walk.
using PathVisitor = std::function<bool(std::string_view path, PathKind kind)>;

// Fails only when `root` itself is not a merged directory.
Result<PathWalkResult> walkMergedPaths(const MergedTree &tree, const std::string &root, const PathWalkOptions &opts,
                                       const PathVisitor &visit);

} // namespace strata::stack
