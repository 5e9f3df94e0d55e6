// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl index: the entries of workdir/index, decoded.
#include "commands.h"
#include "report.h"
#include "stack/indexdir.h"
#include "stackjson.h"
#include "table.h"
#include "textformat.h"
#include "util/displayname.h"

namespace strata::cli {

using namespace strata::stack;

namespace {

Json indexEntryJson(const IndexEntry &e)
{
    Json j;
    j["name"] = pathJson(e.name);
    j["kind"] = indexKindName(e.kind);
    j["status"] = indexStatusName(e.status);
    j["type"] = fileTypeName(fileTypeOf(e.st.st_mode));
    j["nlink"] = static_cast<uint64_t>(e.st.st_nlink);
    j["overlay_nlink"] = e.nlink ? Json(ovl::encodeNlink(*e.nlink)) : Json(nullptr);
    j["union_nlink"] = e.unionNlink ? Json(*e.unionNlink) : Json(nullptr);
    j["handle"] = e.handle ? fileHandleJson(*e.handle) : Json(nullptr);
    j["upper"] = e.upper ? fileHandleJson(*e.upper) : Json(nullptr);
    j["lower_layer"] = e.lowerLayer >= 0 ? Json(e.lowerLayer) : Json(nullptr);
    j["lower_path"] = e.lowerLayer >= 0 ? pathJson(e.lowerPath) : Json(nullptr);
    j["detail"] = e.detail.empty() ? Json(nullptr) : Json(e.detail);
    return j;
}

std::string_view statusColor(IndexEntry::Status s)
{
    switch (s) {
    case IndexEntry::Status::Ok:
        return kColorAdded;
    case IndexEntry::Status::Orphan:
    case IndexEntry::Status::Unverified:
    case IndexEntry::Status::WorkFile:
        return kColorModified;
    case IndexEntry::Status::Stale:
    case IndexEntry::Status::Invalid:
        return kColorDeleted;
    }
    return {};
}

} // namespace

const CommandInfo kIndexCommand {
    "index",
    "index TARGET [--json]",
    "The entries of the index directory (workdir/index, kept with index=on or\n"
    "nfs_export=on): each name decoded as the origin file handle it is, its kind (hard\n"
    "link, directory, whiteout), overlay.nlink, where the handle resolves and its\n"
    "status (ok, orphan, stale, invalid, unverified, work-file: a kernel temporary,\n"
    "as index/ doubles as the work dir). Needs --work for layer stacks.",
    {},
    {},
};

int runIndex(std::span<const std::string> argv)
{
    const CommandInfo &info = kIndexCommand;
    auto inv = parseInvocation(info, argv);
    if (!inv)
        return inv.error();
    auto stack = openStack(info, *inv, 0);
    if (!stack)
        return stack.error();
    if (!(*stack)->workdir())
        return commandFailed(info, inv->out,
                             makeError("stack", "has no work directory, so no index: give --work (and --upper)"));

    auto index = readIndex(**stack);
    if (!index)
        return commandFailed(info, inv->out, index.error());
    Report report(std::string(info.name));
    report.addStackProblems(**stack);
    report.add(index->problems);

    Json entries = Json::array();
    for (const auto &e : index->entries)
        entries.push_back(indexEntryJson(e));
    Json payload;
    payload["layers"] = layerRefsJson(**stack);
    payload["dir"] = pathJson(index->dir);
    payload["present"] = index->present;
    payload["binding"] = index->binding ? fileHandleJson(*index->binding) : Json(nullptr);
    payload["entries"] = std::move(entries);
    return report.print(inv->out.json, payload, [&] {
        if (!index->present) {
            std::printf("no index in %s (the stack was not mounted with index=on)\n", displayName(index->dir).c_str());
            return;
        }
        std::printf("Index: %s, %zu entr%s\n\n", displayName(index->dir).c_str(), index->entries.size(),
                    index->entries.size() == 1 ? "y" : "ies");
        using A = Table::Align;
        Table table({{"KIND"}, {"STATUS"}, {"NLINK", A::Right}, {"LOWER"}, {"NAME"}});
        for (const auto &e : index->entries) {
            std::string lower = "-";
            if (e.lowerLayer >= 0)
                lower = std::to_string(e.lowerLayer) + ":" + displayName(e.lowerPath);
            else if (!e.detail.empty())
                lower = e.detail;
            table.addRow({{std::string(indexKindName(e.kind))},
                          {std::string(indexStatusName(e.status)), statusColor(e.status)},
                          {e.nlink ? ovl::encodeNlink(*e.nlink) : "-"},
                          {std::move(lower)},
                          {displayName(e.name)}});
        }
        table.print(stdout, inv->out.color);
    });
}

} // namespace strata::cli
