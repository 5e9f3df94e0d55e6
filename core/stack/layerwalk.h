// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "layerstack.h"

#include <atomic>
#include <functional>
#include <set>
#include <string>
#include <sys/stat.h>

namespace strata::stack {

// Depth-first walk of ONE layer's own tree (not merged), below `path`. `visit` gets
// the layer-relative path and lstat of every entry and an fd of its parent directory
// (for xattr reads); returning false skips descending into that directory. Paths in
// `skip` (layer-relative) are not entered. Fails on the first unreadable directory
// only when `strict`; otherwise collects the problem and goes on.
struct LayerWalkResult {
    uint64_t entries = 0;
    std::vector<Error> problems;
    bool cancelled = false;
};
using LayerVisitor
    = std::function<bool(int parentFd, const std::string &name, const std::string &path, const struct stat &st)>;
LayerWalkResult walkLayer(const Layer &layer, const std::string &path, const LayerVisitor &visit,
                          const std::set<std::string> &skip = {}, const std::atomic<bool> *cancel = nullptr);

} // namespace strata::stack
