// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl whiteouts: every whiteout the merged view meets, and what it hides.
#include "commands.h"
#include "report.h"
#include "stack/whiteoutreport.h"
#include "stackjson.h"
#include "table.h"
#include "textformat.h"
#include "util/displayname.h"

namespace strata::cli {

using namespace strata::stack;

namespace {

Json foundJson(const WhiteoutInfo &w)
{
    Json hides = Json::array();
    for (const auto &h : w.hides)
        hides.push_back(Json {{"layer", h.layer}, {"path", pathJson(h.path)}, {"type", fileTypeName(h.type)}});
    return Json {{"path", pathJson(w.path)},
                 {"layer", w.layer},
                 {"layer_path", pathJson(w.layerPath)},
                 {"kind", w.xattr ? "xattr" : "0/0"},
                 {"shared", w.shared()},
                 {"nlink", static_cast<uint64_t>(w.nlink)},
                 {"in_effect", w.inEffect()},
                 {"covered_by", w.inEffect() ? Json(nullptr) : Json(w.coveredBy)},
                 {"hides", std::move(hides)}};
}

std::string hidesText(const WhiteoutInfo &w)
{
    if (w.hides.empty())
        return "nothing";
    std::string out;
    for (const auto &h : w.hides) {
        if (!out.empty())
            out += ", ";
        out += std::string(fileTypeName(h.type)) + " in layer " + std::to_string(h.layer);
    }
    return out;
}

} // namespace

const CommandInfo kWhiteoutsCommand {
    "whiteouts",
    "whiteouts TARGET [--json]",
    "Every whiteout the merged view meets: 0/0 devices and xattr whiteouts, shared\n"
    "(hard-linked) whiteout inodes, whether a higher layer made the name again, and the\n"
    "versions in lower layers each one hides. Whiteouts inside a directory that is\n"
    "itself deleted or hidden by an opaque directory are not reached.",
    {},
    {},
};

int runWhiteouts(std::span<const std::string> argv)
{
    const CommandInfo &info = kWhiteoutsCommand;
    auto inv = parseInvocation(info, argv);
    if (!inv)
        return inv.error();
    auto stack = openStack(info, *inv, 0);
    if (!stack)
        return stack.error();

    const MergedTree tree(*stack);
    Report report(std::string(info.name));
    report.addStackProblems(**stack);
    auto collected = collectWhiteouts(tree);
    if (!collected)
        return commandFailed(info, inv->out, collected.error());
    report.add(collected->problems);
    report.addEntryProblems(collected->entryProblems);
    const std::vector<WhiteoutInfo> &found = collected->whiteouts;

    Json list = Json::array();
    for (const auto &w : found)
        list.push_back(foundJson(w));
    Json payload;
    payload["layers"] = layerRefsJson(**stack);
    payload["whiteouts"] = std::move(list);
    return report.print(inv->out.json, payload, [&] {
        using A = Table::Align;
        Table table({{"LAYER", A::Right}, {"KIND"}, {"SHARED"}, {"STATUS"}, {"HIDES"}, {"PATH"}});
        for (const auto &w : found) {
            table.addRow({{std::to_string(w.layer), layerColor(w.layer)},
                          {w.xattr ? "xattr" : "0/0"},
                          {w.shared() ? "yes (" + std::to_string(w.nlink) + " links)" : "no"},
                          {w.inEffect() ? "deletes" : "covered by layer " + std::to_string(w.coveredBy)},
                          {hidesText(w)},
                          {displayName(w.path), w.inEffect() ? kColorDeleted : kColorDim}});
        }
        table.print(stdout, inv->out.color);
    });
}

} // namespace strata::cli
