// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl repair --volatile: reuse a volatile upper only when nothing can have
// been lost (same boot, same mount of the upper fs, no writeback error), else say
// why and offer --discard-upper (listing what goes) or --force.
#include "commands.h"
#include "doctortarget.h"
#include "json.h"
#include "mounts/volatile.h"
#include "util/displayname.h"

#include <cstring>

namespace strata::cli {

using namespace strata::mounts;

namespace {

constexpr std::array kRepairOptions
    = {OptionSpec {"volatile"}, OptionSpec {"dry-run"}, OptionSpec {"discard-upper"}, OptionSpec {"force"}};

Json checkpointJson(const std::optional<VolatileCheckpoint> &cp)
{
    if (!cp)
        return nullptr;
    return Json {{"backend", cp->backend},
                 {"boot_id", cp->bootId},
                 {"upper_uuid", cp->upperUuid},
                 {"upper_dev", cp->upperDev},
                 {"upper_mnt_id", cp->upperMntId},
                 {"time", cp->time},
                 {"state", cp->state},
                 {"note", cp->note.empty() ? Json(nullptr) : Json(cp->note)}};
}

} // namespace

const CommandInfo kRepairCommand {
    "repair",
    "repair TARGET --volatile [--dry-run] [--discard-upper|--force] [--json]",
    "Reuse a volatile upper only when nothing can have been lost",
    "Clears the kernel's volatile marker (WORKDIR/work/incompat/volatile) when the\n"
    "upper is known intact: Strata's checkpoint beside the upper shows the same boot\n"
    "and the same mount of the upper filesystem, and a syncfs of it reports no\n"
    "writeback error (or strata-fuse synced it cleanly at unmount). Otherwise it\n"
    "refuses (exit 6) and says why. --discard-upper empties the upper and work/ (the\n"
    "list of what is removed is printed); --force clears the marker regardless.\n"
    "--dry-run changes nothing on disk but still runs the syncfs, which decides;\n"
    "an error it finds is recorded in the checkpoint (state tainted).",
    kRepairOptions,
};

int runRepair(std::span<const std::string> argv)
{
    const CommandInfo &info = kRepairCommand;
    auto inv = parseInvocation(info, argv);
    if (!inv)
        return inv.error();
    if (!inv->args.has("volatile"))
        return usageError(info, makeError("repair", "say what to repair: --volatile"));
    if (inv->args.has("discard-upper") && inv->args.has("force"))
        return usageError(info, makeError("--force", "contradicts --discard-upper"));
    auto target = doctorTarget(inv->args, inv->positionals);
    if (!target)
        return commandError(info, inv->out, target.error());
    int code = ExitOk;
    if (!checkPositionals(info, *inv, 0, code))
        return code;
    const auto &spec = target->spec;
    if (!spec.upper || !spec.work)
        return commandFailed(info, inv->out,
                             makeError("stack", "has no upper and workdir: nothing volatile to repair"));
    const std::string upper = *spec.upper, work = *spec.work;
    const bool dryRun = inv->args.has("dry-run");
    const VolatileRepairMode mode = inv->args.has("discard-upper") ? VolatileRepairMode::DiscardUpper
        : inv->args.has("force")                                   ? VolatileRepairMode::Force
                                                                   : VolatileRepairMode::IfSafe;
    auto repaired = repairVolatile(upper, work, mode, dryRun);
    if (!repaired)
        return commandFailed(info, inv->out, repaired.error());
    const VolatileAssessment &a = repaired->assessment;
    const VolatileAction action = repaired->action;
    const std::vector<std::string> &removed = repaired->removed;

    if (inv->out.json) {
        Json doc;
        doc["schema"] = kJsonSchemaVersion;
        doc["command"] = info.name;
        doc["complete"] = true;
        doc["upper"] = pathJson(upper);
        doc["work"] = pathJson(work);
        doc["marker"] = a.marker;
        doc["checkpoint"] = checkpointJson(a.checkpoint);
        doc["same_boot"] = a.sameBoot;
        doc["same_mount"] = a.sameMount;
        doc["clean_checkpoint"] = a.cleanCheckpoint;
        doc["synced"] = a.synced;
        doc["sync_error"] = a.syncError ? Json(std::strerror(a.syncError)) : Json(nullptr);
        doc["safe"] = a.safe;
        doc["reasons"] = a.reasons;
        doc["action"] = volatileActionName(action);
        doc["dry_run"] = dryRun;
        Json list = Json::array();
        for (const auto &r : removed)
            list.push_back(pathJson(r));
        doc["removed"] = std::move(list);
        printJson(doc);
        return action == VolatileAction::Refused ? ExitRefused : ExitOk;
    }
    const char *would = dryRun ? "would be " : "";
    if (!a.marker) {
        std::printf("no volatile marker in %s: nothing to repair\n", displayName(work).c_str());
        return ExitOk;
    }
    if (action == VolatileAction::Refused) {
        std::fprintf(stderr, "stratactl: %s: not safe to reuse this volatile upper: writes may have been lost\n",
                     displayName(upper).c_str());
        for (const auto &r : a.reasons)
            std::fprintf(stderr, "  - %s\n", r.c_str());
        const std::string again = "stratactl repair " + targetArgs(target->source) + " --volatile";
        std::fprintf(stderr,
                     "Start over with `%s --discard-upper` (lists what it removes; try --dry-run first), or keep "
                     "the upper as it is with `%s --force`.\n",
                     again.c_str(), again.c_str());
        return ExitRefused;
    }
    if (action == VolatileAction::Discarded) {
        std::printf("%zu entr%s %sremoved:\n", removed.size(), removed.size() == 1 ? "y" : "ies", would);
        for (const auto &r : removed)
            std::printf("  %s\n", displayName(r).c_str());
    }
    if (action == VolatileAction::Forced && !a.reasons.empty()) {
        std::fprintf(stderr, "stratactl: clearing the marker although:\n");
        for (const auto &r : a.reasons)
            std::fprintf(stderr, "  - %s\n", r.c_str());
    }
    std::printf("volatile marker %scleared in %s\n", would, displayName(work).c_str());
    return ExitOk;
}

} // namespace strata::cli
