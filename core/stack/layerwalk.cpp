// SPDX-License-Identifier: GPL-2.0-or-later
#include "layerwalk.h"

#include "dirreader.h"

#include <vector>

namespace strata::stack {

LayerWalkResult walkLayer(const Layer &layer, const std::string &path, const LayerVisitor &visit,
                          const std::set<std::string> &skip, const std::atomic<bool> *cancel)
{
    LayerWalkResult res;
    // An explicit stack: layer trees can be deeper than a thread's stack allows.
    std::vector<std::string> todo {path};
    while (!todo.empty()) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            res.cancelled = true;
            return res;
        }
        const std::string dir = std::move(todo.back());
        todo.pop_back();
        auto fd = openLayerDir(layer.fd.get(), dir, true);
        if (!fd) {
            Error e = fd.error();
            e.subject = layer.path + (dir.empty() ? "" : "/" + dir);
            res.problems.push_back(e);
            continue;
        }
        auto entries = readLayerDir(fd->get(), layer.path + (dir.empty() ? "" : "/" + dir));
        if (!entries) {
            res.problems.push_back(entries.error());
            continue;
        }
        for (const RawEntry &e : *entries) {
            const std::string rel = dir.empty() ? e.name : dir + "/" + e.name;
            ++res.entries;
            const bool descend = visit(fd->get(), e.name, rel, e.st);
            if (descend && S_ISDIR(e.st.st_mode) && !skip.contains(rel))
                todo.push_back(rel);
        }
    }
    return res;
}

} // namespace strata::stack
