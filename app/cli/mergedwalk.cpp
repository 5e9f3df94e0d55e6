// SPDX-License-Identifier: GPL-2.0-or-later
#include "mergedwalk.h"

namespace strata::cli {

std::string joinPath(const std::string &parent, const std::string &name)
{
    return parent.empty() ? name : parent + "/" + name;
}

namespace {

void walkDir(const stack::MergedTree &tree, const stack::Listing &listing, int depth, const WalkLimits &limits,
             Report &report, const WalkVisitor &visit)
{
    report.add(listing.problems);
    for (const auto &e : listing.entries) {
        const std::string path = joinPath(listing.path, e.name);
        report.addEntryProblems(e.problems);
        visit(path, e, depth);
        if (!e.isDir() || e.isWhiteout() || (limits.maxDepth > 0 && depth >= limits.maxDepth))
            continue;
        auto sub = tree.list(path, limits.list);
        if (!sub) {
            report.add(sub.error());
            continue;
        }
        walkDir(tree, *sub, depth + 1, limits, report, visit);
    }
}

} // namespace

Result<void> walkTree(const stack::MergedTree &tree, const std::string &root, const WalkLimits &limits, Report &report,
                      const WalkVisitor &visit)
{
    auto listing = tree.list(root, limits.list);
    if (!listing)
        return fail(listing.error());
    walkDir(tree, *listing, 1, limits, report, visit);
    return {};
}

} // namespace strata::cli
