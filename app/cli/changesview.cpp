// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl tree --changes: dive's per-layer view, what each layer adds, modifies
// and deletes relative to everything below it.
#include "commands.h"
#include "report.h"
#include "stack/summary.h"
#include "stackjson.h"
#include "table.h"
#include "textformat.h"
#include "util/displayname.h"

#include <algorithm>

namespace strata::cli {

using namespace strata::stack;

namespace {

// Whether `path` lies below `root` within `maxDepth` levels.
bool inScope(const std::string &path, const TreeScope &scope)
{
    std::string_view rest = path;
    if (!scope.root.empty()) {
        if (!rest.starts_with(scope.root) || rest.size() <= scope.root.size() || rest[scope.root.size()] != '/')
            return false;
        rest.remove_prefix(scope.root.size() + 1);
    }
    if (scope.maxDepth <= 0)
        return true;
    return std::count(rest.begin(), rest.end(), '/') < scope.maxDepth;
}

std::string_view changeColor(Change c)
{
    switch (c) {
    case Change::Added:
        return kColorAdded;
    case Change::Modified:
        return kColorModified;
    case Change::Deleted:
        return kColorDeleted;
    }
    return {};
}

} // namespace

int runChangesView(const Invocation &inv, const LayerStack &stack, const TreeScope &scope)
{
    const CommandInfo &info = kTreeCommand;
    Report report(std::string(info.name));
    report.addStackProblems(stack);

    if (scope.layer >= static_cast<int>(stack.mergedLayerCount()))
        return usageError(
            info,
            makeError("--layer",
                      std::to_string(scope.layer) + ": a data-only layer changes nothing in the merged view"));
    std::vector<int> layers;
    if (scope.layer >= 0)
        layers.push_back(scope.layer);
    else
        for (size_t i = 0; i < stack.mergedLayerCount(); ++i)
            layers.push_back(static_cast<int>(i));

    Json perLayer = Json::array();
    bool first = true;
    for (const int layer : layers) {
        auto changes = layerChanges(stack, layer);
        if (!changes)
            return commandFailed(info, inv.out, changes.error());
        const Layer &l = stack.layers()[static_cast<size_t>(layer)];
        uint64_t counts[3] = {0, 0, 0};
        Json entries = Json::array();
        using A = Table::Align;
        Table table({{"CHANGE"}, {"TYPE"}, {"SIZE", A::Right}, {"PATH"}});
        for (const auto &c : *changes) {
            if (!inScope(c.path, scope))
                continue;
            ++counts[static_cast<size_t>(c.change)];
            if (inv.out.json) {
                entries.push_back(Json {{"path", pathJson(c.path)},
                                        {"change", changeName(c.change)},
                                        {"type", fileTypeName(c.type)},
                                        {"size", c.size}});
            } else {
                const bool deleted = c.change == Change::Deleted;
                table.addRow(
                    {{std::string(changeName(c.change)), changeColor(c.change)},
                     {std::string(fileTypeName(c.type))},
                     {deleted || c.type == FileType::Directory ? "-" : formatSize(c.size, inv.out.exactBytes)},
                     {displayName(c.path) + (c.type == FileType::Directory ? "/" : ""), changeColor(c.change)}});
            }
        }
        if (inv.out.json) {
            perLayer.push_back(Json {{"layer", layer},
                                     {"role", roleName(l.role)},
                                     {"path", pathJson(l.path)},
                                     {"added", counts[0]},
                                     {"modified", counts[1]},
                                     {"deleted", counts[2]},
                                     {"entries", std::move(entries)}});
            continue;
        }
        if (!first)
            std::fputc('\n', stdout);
        first = false;
        const std::string title = "Layer " + std::to_string(layer) + " (" + std::string(roleName(l.role)) + ", "
            + displayName(l.path) + "): " + std::to_string(counts[0]) + " added, " + std::to_string(counts[1])
            + " modified, " + std::to_string(counts[2]) + " deleted";
        std::printf("%s\n", colored(title, layerColor(layer), inv.out.color).c_str());
        if (!table.empty())
            table.print(stdout, inv.out.color);
    }
    Json payload;
    payload["layers"] = layerRefsJson(stack);
    payload["root"] = pathJson(scope.root);
    payload["view"] = "changes";
    payload["layer"] = scope.layer >= 0 ? Json(scope.layer) : Json(nullptr);
    payload["depth"] = scope.maxDepth > 0 ? Json(scope.maxDepth) : Json(nullptr);
    payload["changes"] = std::move(perLayer);
    return report.print(inv.out.json, payload, [] { }); // the text went out layer by layer
}

} // namespace strata::cli
