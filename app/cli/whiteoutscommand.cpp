// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl whiteouts: every whiteout the merged view meets, and what it hides.
#include "commands.h"
#include "mergedwalk.h"
#include "stackjson.h"
#include "table.h"
#include "textformat.h"
#include "util/displayname.h"

namespace strata::cli {

using namespace strata::stack;

namespace {

struct Hidden {
    int layer;
    std::string path;
    FileType type;
};

struct Found {
    std::string path; // merged path
    int layer;
    std::string layerPath;
    bool xattr; // overlay.whiteout on an empty file, not a 0/0 device
    nlink_t nlink; // > 1: a shared (hard-linked) whiteout inode
    int coveredBy = -1; // a higher layer made the name again: this whiteout is not in effect
    std::vector<Hidden> hides; // versions in the layers below it
};

std::vector<Hidden> hiddenBelow(const MergedEntry &e, int layer)
{
    std::vector<Hidden> out;
    for (const auto &s : e.shadowed)
        if (s.layer > layer && s.kind != ShadowKind::Whiteout)
            out.push_back(Hidden {s.layer, s.path, s.attrs.type});
    return out;
}

Json foundJson(const Found &w)
{
    Json hides = Json::array();
    for (const auto &h : w.hides)
        hides.push_back(Json {{"layer", h.layer}, {"path", pathJson(h.path)}, {"type", fileTypeName(h.type)}});
    return Json {{"path", pathJson(w.path)},
                 {"layer", w.layer},
                 {"layer_path", pathJson(w.layerPath)},
                 {"kind", w.xattr ? "xattr" : "0/0"},
                 {"shared", w.nlink > 1},
                 {"nlink", static_cast<uint64_t>(w.nlink)},
                 {"in_effect", w.coveredBy < 0},
                 {"covered_by", w.coveredBy >= 0 ? Json(w.coveredBy) : Json(nullptr)},
                 {"hides", std::move(hides)}};
}

std::string hidesText(const Found &w)
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
    WalkLimits limits;
    limits.list.includeWhiteouts = true;
    limits.list.readOrigins = false;

    std::vector<Found> found;
    auto visit = [&](const std::string &path, const MergedEntry &e, int) {
        if (e.isWhiteout()) {
            found.push_back(Found {path, e.layer, e.layerPath, (e.state & StateXattrWhiteout) != 0, e.attrs.nlink, -1,
                                   hiddenBelow(e, e.layer)});
        }
        // Whiteouts under a name a higher layer made again.
        for (const auto &s : e.shadowed)
            if (s.kind == ShadowKind::Whiteout)
                found.push_back(Found {path, s.layer, s.path, false, s.attrs.nlink, e.layer, hiddenBelow(e, s.layer)});
    };
    if (auto r = walkTree(tree, "", limits, report, visit); !r)
        return commandFailed(info, inv->out, r.error());

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
                          {w.nlink > 1 ? "yes (" + std::to_string(w.nlink) + " links)" : "no"},
                          {w.coveredBy < 0 ? "deletes" : "covered by layer " + std::to_string(w.coveredBy)},
                          {hidesText(w)},
                          {displayName(w.path), w.coveredBy < 0 ? kColorDeleted : kColorDim}});
        }
        table.print(stdout, inv->out.color);
    });
}

} // namespace strata::cli
