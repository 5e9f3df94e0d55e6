// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl tree: the merged view with the layer each entry comes from.
#include "commands.h"
#include "report.h"
#include "stack/entryfilter.h"
#include "stack/factformat.h"
#include "stack/mergedwalk.h"
#include "stackjson.h"
#include "table.h"
#include "textformat.h"
#include "util/displayname.h"

#include <array>

namespace strata::cli {

using namespace strata::stack;

namespace {

constexpr std::array kTreeOptions = {
    OptionSpec {"depth", true}, OptionSpec {"layer", true}, OptionSpec {"changes"},
    OptionSpec {"whiteouts"},   OptionSpec {"no-origins"},
};

void addRow(Table &table, const OutputOptions &out, const std::string &path, const MergedEntry &e)
{
    std::string shown = displayName(path);
    if (e.isDir() && !e.isWhiteout())
        shown += '/';
    const bool wo = e.isWhiteout();
    table.addRow({
        {std::to_string(e.layer), layerColor(e.layer)},
        {orDash(formatStates(e.state)), wo ? kColorDeleted : std::string_view {}},
        {wo ? "-" : std::string(fileTypeName(e.attrs.type))},
        {wo || e.isDir() ? "-" : formatSize(static_cast<uint64_t>(e.attrs.size), out.exactBytes)},
        {formatMode(e.attrs.mode)},
        {formatOwner(e.attrs.uid, e.attrs.gid)},
        {formatTime(e.attrs.mtime)},
        {std::move(shown), wo ? kColorDeleted : layerColor(e.layer)},
    });
}

Table treeTable()
{
    using A = Table::Align;
    return Table(
        {{"LAYER", A::Right}, {"STATE"}, {"TYPE"}, {"SIZE", A::Right}, {"MODE"}, {"OWNER"}, {"MTIME"}, {"PATH"}});
}

} // namespace

const CommandInfo kTreeCommand {
    "tree",
    "tree TARGET [PATH] [--depth N] [--layer N] [--changes] [--whiteouts] [--json]",
    "The merged tree below PATH (default: the root) with the layer each entry comes from.",
    "Options:\n"
    "  --depth N                descend at most N levels (1: PATH's own entries); default: all\n"
    "  --layer N                only what layer N contributes (entries whose visible version\n"
    "                           is in layer N; 0 is the top layer)\n"
    "  --changes                what each layer adds, modifies and deletes relative to the\n"
    "                           layers below it (with --layer N: that layer only)\n"
    "  --whiteouts              also list deleted names (the whiteouts that delete them)\n"
    "  --no-origins             do not decode and resolve origin file handles (faster)\n",
    kTreeOptions,
};

int runTree(std::span<const std::string> argv)
{
    const CommandInfo &info = kTreeCommand;
    auto inv = parseInvocation(info, argv);
    if (!inv)
        return inv.error();

    TreeScope scope;
    if (const std::string *d = inv->args.last("depth")) {
        const auto n = parseCount(*d);
        if (!n || *n == 0)
            return usageError(info, makeError("--depth", "'" + *d + "' is not a positive number"));
        scope.maxDepth = *n;
    }
    std::optional<int> layerFilter;
    if (const std::string *l = inv->args.last("layer")) {
        layerFilter = parseCount(*l);
        if (!layerFilter)
            return usageError(info, makeError("--layer", "'" + *l + "' is not a layer index (0 is the top layer)"));
    }
    const bool changes = inv->args.has("changes");
    if (changes && inv->args.has("whiteouts"))
        return usageError(info, makeError("--whiteouts", "not with --changes, which lists deletions already"));

    auto stack = openStack(info, *inv, 1);
    if (!stack)
        return stack.error();
    const LayerStack &st = **stack;
    if (layerFilter && static_cast<size_t>(*layerFilter) >= st.layers().size())
        return usageError(info,
                          makeError("--layer",
                                    std::to_string(*layerFilter) + ": the stack has "
                                        + std::to_string(st.layers().size()) + " layers (0 to "
                                        + std::to_string(st.layers().size() - 1) + ")"));
    if (!inv->positionals.empty()) {
        auto comps = splitMergedPath(inv->positionals.front());
        if (!comps)
            return usageError(info, comps.error());
        for (const auto &c : *comps)
            scope.root = joinPath(scope.root, c);
    }
    scope.layer = layerFilter.value_or(-1);
    if (changes)
        return runChangesView(*inv, st, scope);

    const MergedTree tree(*stack);
    WalkOptions walk;
    walk.maxDepth = scope.maxDepth;
    walk.list.includeWhiteouts = inv->args.has("whiteouts");
    walk.list.readOrigins = !inv->args.has("no-origins");
    Report report(std::string(info.name));
    report.addStackProblems(st);

    Json entries = Json::array();
    Table table = treeTable();
    // --layer N is the app's "layer only" filter: the same rule (stack/entryfilter.h).
    EntryFilter filter;
    filter.onlyLayer = layerFilter.value_or(-1);
    auto visit = [&](const std::string &path, const MergedEntry &e, int) {
        report.addEntryProblems(e.problems);
        if (!filter.accepts(e, EntryFilter::Dirs::Strict))
            return true;
        if (inv->out.json)
            entries.push_back(entryJson(e, path));
        else
            addRow(table, inv->out, path, e);
        return true;
    };

    // PATH may name a file: then the tree is that one entry.
    bool walked = false;
    if (!scope.root.empty()) {
        auto entry = tree.lookup(scope.root, walk.list);
        if (!entry)
            return commandFailed(info, inv->out, entry.error());
        if (!entry->isDir()) {
            visit(scope.root, *entry, 1);
            walked = true;
        }
    }
    if (!walked) {
        auto result = walkMerged(tree, scope.root, walk, visit);
        if (!result)
            return commandFailed(info, inv->out, result.error());
        report.add(result->problems);
    }

    Json payload;
    payload["layers"] = layerRefsJson(st);
    payload["root"] = pathJson(scope.root);
    payload["view"] = layerFilter ? "layer" : "merged";
    payload["layer"] = layerFilter ? Json(*layerFilter) : Json(nullptr);
    payload["depth"] = scope.maxDepth > 0 ? Json(scope.maxDepth) : Json(nullptr);
    payload["entries"] = std::move(entries);
    return report.print(inv->out.json, payload, [&] { table.print(stdout, inv->out.color); });
}

} // namespace strata::cli
