// SPDX-License-Identifier: GPL-2.0-or-later
#include "pathwalkcheck.h"

#include "stack/mergedwalk.h"
#include "stack/pathwalk.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <set>

namespace strata::test {

namespace {

const char *kindName(stack::PathKind k)
{
    switch (k) {
    case stack::PathKind::Dir:
        return "dir";
    case stack::PathKind::Whiteout:
        return "whiteout";
    case stack::PathKind::File:
        break;
    }
    return "file";
}

} // namespace

PathWalkComparison comparePathWalk(const stack::LayerStack &layers, bool includeWhiteouts)
{
    PathWalkComparison out;
    // Each walk on its own tree: neither may profit from what the other resolved.
    auto shared = std::shared_ptr<const stack::LayerStack>(&layers, [](const stack::LayerStack *) { });
    const stack::MergedTree full(shared), lean(shared);
    std::set<std::string> expected, got;
    stack::WalkOptions wo;
    wo.list.includeWhiteouts = includeWhiteouts;
    auto fw = stack::walkMerged(full, "", wo, [&](const std::string &path, const stack::MergedEntry &e, int) {
        const auto kind = e.isWhiteout() ? stack::PathKind::Whiteout
            : e.isDir()                  ? stack::PathKind::Dir
                                         : stack::PathKind::File;
        expected.insert(path + " " + kindName(kind));
        return true;
    });
    stack::PathWalkOptions po;
    po.includeWhiteouts = includeWhiteouts;
    auto pw = stack::walkMergedPaths(lean, "", po, [&](std::string_view path, stack::PathKind kind) {
        got.insert(std::string(path) + " " + kindName(kind));
        return true;
    });
    if (!fw || !pw) {
        out.error = !fw ? fw.error().message() : pw.error().message();
        return out;
    }
    if (fw->problems.size() != pw->problems.size())
        out.diffs.push_back("problems: full walk " + std::to_string(fw->problems.size()) + ", paths walk "
                            + std::to_string(pw->problems.size()));
    if (pw->entries != got.size())
        out.diffs.push_back("the paths walk visited a path twice");
    out.paths = expected.size();
    std::vector<std::string> missing, extra;
    std::set_difference(expected.begin(), expected.end(), got.begin(), got.end(), std::back_inserter(missing));
    std::set_difference(got.begin(), got.end(), expected.begin(), expected.end(), std::back_inserter(extra));
    for (const auto &m : missing)
        out.diffs.push_back("only in the full walk: " + m);
    for (const auto &e : extra)
        out.diffs.push_back("only in the paths walk: " + e);
    return out;
}

} // namespace strata::test
