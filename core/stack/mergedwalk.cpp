// SPDX-License-Identifier: GPL-2.0-or-later
#include "mergedwalk.h"

#include "listahead.h"

#include <optional>

namespace strata::stack {

std::string joinPath(const std::string &parent, const std::string &name)
{
    return parent.empty() ? name : parent + "/" + name;
}

namespace {

// Whether the walk lists the entry's directory after visiting it (`depth`: the entry's).
bool descends(const MergedEntry &e, int depth, const WalkOptions &opts)
{
    return e.isDir() && !e.isWhiteout() && !(opts.maxDepth > 0 && depth >= opts.maxDepth);
}

} // namespace

Result<WalkResult> walkMerged(const MergedTree &tree, const std::string &root, const WalkOptions &opts,
                              const Visitor &visit)
{
    std::optional<ListAhead> ahead;
    if (opts.readAhead)
        ahead.emplace(
            tree, opts.list, [&opts](const MergedEntry &e, int depth) { return descends(e, depth, opts); },
            opts.cancel);
    auto listDir = [&](const std::string &path) { return ahead ? ahead->list(path) : tree.list(path, opts.list); };
    auto first = ahead ? ahead->root(root) : tree.list(root, opts.list);
    if (!first)
        return fail(first.error());
    WalkResult result;
    // The listings of the directories on the current path, each with the position of
    // its next entry: an explicit stack, so a deep tree cannot exhaust the thread's.
    struct Frame {
        Listing listing;
        size_t next = 0;
    };
    std::vector<Frame> path;
    auto enter = [&](Listing &&l) {
        result.problems.insert(result.problems.end(), l.problems.begin(), l.problems.end());
        path.push_back(Frame {std::move(l), 0});
    };
    enter(std::move(*first));
    std::string childPath;
    while (!path.empty()) {
        Frame &top = path.back();
        if (top.next == top.listing.entries.size()) {
            path.pop_back();
            continue;
        }
        if (opts.cancel && opts.cancel->load(std::memory_order_relaxed)) {
            result.cancelled = true;
            break;
        }
        const MergedEntry &e = top.listing.entries[top.next++];
        const int depth = static_cast<int>(path.size());
        // One buffer for every entry's path: no allocation per entry once it is long enough.
        childPath.assign(top.listing.path);
        if (!childPath.empty())
            childPath += '/';
        childPath += e.name;
        ++result.entries;
        if (!visit(childPath, e, depth)) {
            result.stopped = true;
            break;
        }
        if (!descends(e, depth, opts))
            continue;
        auto sub = listDir(childPath);
        if (!sub) {
            result.problems.push_back(sub.error());
            continue;
        }
        enter(std::move(*sub)); // `top` is not used past here: the vector may move
    }
    return result;
}

} // namespace strata::stack
