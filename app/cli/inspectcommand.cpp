// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl inspect: the stack, its layers, and per-layer and wasted-space figures.
#include "commands.h"
#include "mounts/captureresolve.h"
#include "report.h"
#include "stack/factformat.h"
#include "stack/identitycheck.h"
#include "stack/summary.h"
#include "stackjson.h"
#include "table.h"
#include "textformat.h"
#include "util/displayname.h"
#include "watch/enginereport.h"

#include <array>

namespace strata::cli {

using namespace strata::stack;

namespace {

constexpr std::array kInspectOptions = {
    OptionSpec {"no-summary"},
    OptionSpec {"top", true},
};

Json layerSummaryJson(const LayerSummary &s)
{
    Json j;
    j["layer"] = s.layer;
    j["entries"] = s.entries;
    j["dirs"] = s.dirs;
    j["files"] = s.files;
    j["bytes"] = s.bytes;
    j["xattrs_read"] = s.xattrsRead;
    // Counts that need the overlay xattrs are unknown (null) when they could not be read.
    auto known = [&](uint64_t v) { return s.xattrsRead ? Json(v) : Json(nullptr); };
    j["whiteouts"] = known(s.whiteouts);
    j["opaque_dirs"] = known(s.opaqueDirs);
    j["redirects"] = known(s.redirects);
    j["metacopy"] = known(s.metacopy);
    j["copied_up"] = known(s.copiedUp);
    j["problems"] = errorsJson(s.problems);
    return j;
}

Json summaryJson(const StackSummary &s)
{
    Json j;
    j["merged_entries"] = s.mergedEntries;
    j["merged_bytes"] = s.mergedBytes;
    j["wasted_bytes"] = s.wastedBytes;
    j["wasted_entries"] = s.wastedEntries;
    Json top = Json::array();
    for (const auto &w : s.topWasted)
        top.push_back(Json {{"path", pathJson(w.path)}, {"layer", w.layer}, {"bytes", w.bytes}, {"why", w.why}});
    j["top_wasted"] = std::move(top);
    Json layers = Json::array();
    for (const auto &l : s.layers)
        layers.push_back(layerSummaryJson(l));
    j["layers"] = std::move(layers);
    return j;
}

void printStackText(const LayerStack &stack, const StackSummary *summary, const OutputOptions &out)
{
    const StackSpec &spec = stack.spec();
    std::string source = spec.sourceKind;
    if (!spec.mountpoint.empty())
        source += " " + displayName(spec.mountpoint) + " (" + spec.fstype + ")";
    std::printf("Stack:           %s\n", source.c_str());
    if (!spec.name.empty())
        std::printf("Name:            %s\n", displayName(spec.name).c_str());
    std::printf("Xattr namespace: %s.overlay.* (%s)\n",
                std::string(ovl::namespaceLabel(stack.xattrNamespace())).c_str(),
                stack.canReadOverlayXattrs() ? "readable" : "NOT readable: needs CAP_SYS_ADMIN");
    std::printf("Work dir:        %s\n", stack.workdir() ? displayName(*stack.workdir()).c_str() : "-");
    std::string options;
    for (const auto &[key, value] : spec.options)
        options += (options.empty() ? "" : ",") + key + (value ? "=" + displayName(*value) : "");
    std::printf("Options:         %s\n", options.empty() ? "-" : options.c_str());
    std::printf("Redirects:       %s; metacopy: %s\n\n", stack.redirectFollow() ? "followed" : "not followed",
                stack.metacopyEnabled() ? "on" : "off");

    using A = Table::Align;
    std::vector<Table::Column> cols = {{"LAYER", A::Right}, {"ROLE"}, {"FS"}, {"DEVICE"}, {"UUID"}, {"FLAGS"}};
    if (summary) {
        for (const char *c : {"ENTRIES", "FILES", "SIZE", "WHITEOUTS", "OPAQUE"})
            cols.push_back({c, A::Right});
    }
    cols.push_back({"PATH"});
    Table table(std::move(cols));
    for (const auto &l : stack.layers()) {
        std::vector<Table::Cell> row = {
            {std::to_string(l.index), layerColor(l.index)},  {std::string(roleName(l.role))},
            {l.fs.fsType.empty() ? "?" : l.fs.fsType},       {formatDevice(l.fs.dev)},
            {l.fs.uuid ? ovl::formatUuid(*l.fs.uuid) : "-"}, {orDash(formatLayerFlags(l.fs))},
        };
        if (summary) {
            const LayerSummary *s = nullptr;
            for (const auto &ls : summary->layers)
                if (ls.layer == l.index)
                    s = &ls;
            auto num = [&](uint64_t v, bool needsXattrs = false) -> Table::Cell {
                if (!s || (needsXattrs && !s->xattrsRead))
                    return {"?"};
                return {std::to_string(v)};
            };
            row.push_back(num(s ? s->entries : 0));
            row.push_back(num(s ? s->files : 0));
            row.push_back(s ? Table::Cell {formatSize(s->bytes, out.exactBytes)} : Table::Cell {"?"});
            row.push_back(num(s ? s->whiteouts : 0, true));
            row.push_back(num(s ? s->opaqueDirs : 0, true));
        }
        row.push_back({displayName(l.path), layerColor(l.index)});
        table.addRow(std::move(row));
    }
    table.print(stdout, out.color);
    if (!summary)
        return;
    std::printf("\nMerged view:     %llu entries, %s\n", static_cast<unsigned long long>(summary->mergedEntries),
                formatSize(summary->mergedBytes, out.exactBytes).c_str());
    std::printf("Wasted space:    %s in %llu entries (stored in a layer, hidden by a higher one)\n",
                formatSize(summary->wastedBytes, out.exactBytes).c_str(),
                static_cast<unsigned long long>(summary->wastedEntries));
    if (summary->topWasted.empty())
        return;
    std::printf("\n");
    Table wasted({{"SIZE", A::Right}, {"LAYER", A::Right}, {"WHY"}, {"PATH"}});
    for (const auto &w : summary->topWasted)
        wasted.addRow({{formatSize(w.bytes, out.exactBytes)},
                       {std::to_string(w.layer), layerColor(w.layer)},
                       {w.why},
                       {displayName(w.path)}});
    wasted.print(stdout, out.color);
}

// The stack's recorded identity against its filesystems (a uuid that changed).
Json identityJson(const IdentityVerdict &v)
{
    Json j;
    j["state"] = identityStateName(v.state);
    j["reason"] = v.reason.empty() ? Json(nullptr) : Json(v.reason);
    j["index"] = v.indexOn;
    j["created_with_uuid_off"] = v.createdWithUuidOff;
    j["recorded_uuid"] = v.recordedUuid ? Json(uuidString(*v.recordedUuid)) : Json(nullptr);
    j["current_uuid"] = v.currentUuid ? Json(uuidString(*v.currentUuid)) : Json(nullptr);
    j["restampable"] = v.restampable;
    j["stale_index_entries"] = v.staleIndexEntries;
    Json findings = Json::array();
    for (const auto &f : v.findings)
        findings.push_back(Json {{"subject", pathJson(f.subject)},
                                 {"recorded_uuid", uuidString(f.recorded)},
                                 {"current_uuid", f.current ? Json(uuidString(*f.current)) : Json(nullptr)},
                                 {"only_uuid_differs", f.onlyUuidDiffers},
                                 {"what", f.what}});
    j["findings"] = std::move(findings);
    j["kernel_will"] = v.kernelWill.empty() ? Json(nullptr) : Json(v.kernelWill);
    Json ways = Json::array();
    for (const auto &w : v.waysOut)
        ways.push_back(Json {{"action", w.action}, {"consequence", w.consequence}, {"applicable", w.applicable}});
    j["ways_out"] = std::move(ways);
    return j;
}

void printIdentityText(const IdentityVerdict &v)
{
    if (v.state != IdentityState::Drifted)
        return;
    std::printf("\nIdentity:        DRIFTED: a filesystem uuid changed since the stack was written\n");
    for (const auto &f : v.findings)
        std::printf("  %s: %s\n", displayName(f.subject).c_str(), f.what.c_str());
    if (v.staleIndexEntries > 5)
        std::printf("  ... %zu index entries in all name a uuid no layer has\n", v.staleIndexEntries);
    std::printf("Kernel:          %s\n", v.kernelWill.c_str());
    std::printf("Ways out:\n");
    for (const auto &w : v.waysOut)
        std::printf("  %s %s: %s\n", w.applicable ? "-" : "x", w.action.c_str(), w.consequence.c_str());
}

// A strata-fuse mount: how its daemon watches each lower (-o lowerwatch), as the
// daemon published it at start-up (watch/enginereport.h). nullopt for other stacks.
std::optional<watch::EngineReport> engineWatchOf(const LayerStack &st, bool *off)
{
    const StackSpec &spec = st.spec();
    if (spec.fstype != "fuse.strata-fuse" || spec.mountpoint.empty())
        return std::nullopt;
    auto entry = mounts::findMount(spec.mountpoint);
    if (!entry)
        return std::nullopt;
    auto sources = mounts::layerSourcesOf(*entry);
    if (!sources || !sources->enginePid)
        return std::nullopt;
    *off = sources->options.value("lowerwatch") == "off";
    return watch::readEngineReport(sources->enginePid);
}

Json engineWatchJson(const std::optional<watch::EngineReport> &r, bool off)
{
    Json j;
    j["enabled"] = !off;
    Json layers = Json::array();
    if (r)
        for (const auto &l : r->layers)
            layers.push_back(Json {
                {"lower", l.layer + 1}, {"method", std::string(watch::methodName(l.method))}, {"reason", l.reason}});
    j["layers"] = r ? std::move(layers) : Json(nullptr);
    return j;
}

void printEngineWatchText(const std::optional<watch::EngineReport> &r, bool off)
{
    if (off) {
        std::printf("\nLower watch:     off (-o lowerwatch=off): changes made on the lowers may not show\n");
        return;
    }
    if (!r) {
        std::printf("\nLower watch:     not reported by the daemon\n");
        return;
    }
    std::printf("\nLower watch:\n");
    for (const auto &l : r->layers)
        std::printf("  lower %d by %s: %s\n", l.layer + 1, std::string(watch::methodName(l.method)).c_str(),
                    l.reason.c_str());
}

} // namespace

const CommandInfo kInspectCommand {
    "inspect",
    "inspect TARGET [--no-summary] [--top N] [--json]",
    "The stack: its layers top to bottom (role, path, filesystem, device, uuid,\n"
    "read-only and remote flags), xattr namespace and options, and per layer the\n"
    "entries, files, bytes, whiteouts and opaque dirs, plus the wasted space: bytes a\n"
    "layer stores that a higher layer replaced or deleted.",
    "Options:\n"
    "  --no-summary             the stack only, without scanning the layers\n"
    "  --top N                  how many of the most wasteful paths to list (default 10)\n",
    kInspectOptions,
};

int runInspect(std::span<const std::string> argv)
{
    const CommandInfo &info = kInspectCommand;
    auto inv = parseInvocation(info, argv);
    if (!inv)
        return inv.error();
    ScanControl ctl;
    ctl.topWasted = 10;
    if (const std::string *t = inv->args.last("top")) {
        const auto n = parseCount(*t);
        if (!n)
            return usageError(info, makeError("--top", "'" + *t + "' is not a number"));
        ctl.topWasted = static_cast<size_t>(*n);
    }
    auto stack = openStack(info, *inv, 0);
    if (!stack)
        return stack.error();
    const LayerStack &st = **stack;

    Report report(std::string(info.name));
    report.addStackProblems(st);
    std::optional<StackSummary> summary;
    if (!inv->args.has("no-summary")) {
        auto s = summarizeStack(st, ctl);
        if (!s)
            return commandFailed(info, inv->out, s.error());
        report.add(s->problems);
        for (const auto &l : s->layers)
            report.addEntryProblems(l.problems);
        summary = std::move(*s);
    }

    const IdentityVerdict identity = checkIdentity(st);
    bool watchOff = false;
    const auto engineWatch = engineWatchOf(st, &watchOff);
    const bool isEngine = st.spec().fstype == "fuse.strata-fuse";
    Json payload;
    payload["stack"] = stackJson(st);
    payload["summary"] = summary ? summaryJson(*summary) : Json(nullptr);
    payload["identity"] = identityJson(identity);
    payload["lowerwatch"] = isEngine ? engineWatchJson(engineWatch, watchOff) : Json(nullptr);
    return report.print(inv->out.json, payload, [&] {
        printStackText(st, summary ? &*summary : nullptr, inv->out);
        printIdentityText(identity);
        if (isEngine)
            printEngineWatchText(engineWatch, watchOff);
    });
}

} // namespace strata::cli
