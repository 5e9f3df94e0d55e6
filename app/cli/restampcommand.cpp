// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl restamp: after a filesystem uuid change, write the new uuid into the
// upper layer's and the index's file handles, offline and journaled
// (core/stack/restamp.h).
#include "commands.h"
#include "mounts/capturefile.h"
#include "ovl/values.h"
#include "report.h"
#include "stack/restamp.h"
#include "util/displayname.h"
#include "util/hex.h"

#include <array>

namespace strata::cli {

using namespace strata::stack;

namespace {

constexpr std::array kRestampOptions = {
    OptionSpec {"to-uuid", true},
    OptionSpec {"from-uuid", true},
    OptionSpec {"dry-run"},
    OptionSpec {"rollback"},
};

Json changeJson(const RestampChange &c)
{
    Json j;
    const bool rename = c.kind == RestampChange::Kind::Rename;
    j["kind"] = rename ? "rename" : "set_xattr";
    j["root"] = c.root == RestampChange::Root::Upper ? "upper" : "work";
    j["path"] = pathJson(c.path);
    j["xattr"] = rename ? Json(nullptr) : Json(c.xattr);
    j["before"] = rename ? pathJson(c.before)
                         : Json(toHex({reinterpret_cast<const uint8_t *>(c.before.data()), c.before.size()}));
    j["after"]
        = rename ? pathJson(c.after) : Json(toHex({reinterpret_cast<const uint8_t *>(c.after.data()), c.after.size()}));
    j["description"] = c.describe();
    return j;
}

} // namespace

const CommandInfo kRestampCommand {
    "restamp",
    "restamp TARGET --to-uuid NEW [--from-uuid OLD] [--dry-run] [--rollback] [--json]",
    "After a filesystem uuid change (a copied image, tune2fs -U), rewrite the uuid in\n"
    "every overlay file handle of the upper layer and the index, and rename the index\n"
    "entries, so index=on mounts work again with everything they recorded. Offline.",
    "Options:\n"
    "  --to-uuid NEW            the filesystem's uuid now (required)\n"
    "  --from-uuid OLD          the uuid the handles carry (default: the one the upper\n"
    "                           root's origin records)\n"
    "  --dry-run                list every change and change nothing\n"
    "  --rollback               undo an interrupted run (from its journal)\n"
    "\n"
    "Refused while the stack is mounted, and when more than the uuid differs (the\n"
    "upper root's origin must name lower layer 1's root with the new uuid). Every change\n"
    "is written to workdir/strata-restamp.journal first: a run that was killed is\n"
    "finished by running it again, or undone with --rollback.\n",
    kRestampOptions,
};

int runRestamp(std::span<const std::string> argv)
{
    const CommandInfo &info = kRestampCommand;
    auto inv = parseInvocation(info, argv);
    if (!inv)
        return inv.error();
    RestampOptions opts;
    opts.dryRun = inv->args.has("dry-run");
    opts.rollback = inv->args.has("rollback");
    const std::string *to = inv->args.last("to-uuid");
    if (!to && !opts.rollback)
        return usageError(info, makeError("--to-uuid", "missing: the filesystem's uuid now"));
    if (to) {
        auto u = uuidFromHex(*to);
        if (!u)
            return usageError(info, makeError("--to-uuid", "'" + *to + "' is not a uuid"));
        opts.to = *u;
    }
    if (const std::string *from = inv->args.last("from-uuid")) {
        auto u = uuidFromHex(*from);
        if (!u)
            return usageError(info, makeError("--from-uuid", "'" + *from + "' is not a uuid"));
        opts.from = *u;
    }
    auto stack = openStack(info, *inv, 0);
    if (!stack)
        return stack.error();

    auto res = restamp(**stack, opts);
    if (!res)
        return commandFailed(info, inv->out, res.error());

    Report report(std::string(info.name));
    Json payload;
    payload["dry_run"] = opts.dryRun;
    payload["from_uuid"] = ovl::formatUuid(res->from);
    payload["to_uuid"] = ovl::formatUuid(res->to);
    payload["journal"] = pathJson(res->journal);
    payload["resumed"] = res->resumed;
    payload["rolled_back"] = res->rolledBack;
    payload["applied"] = res->applied;
    Json changes = Json::array();
    for (const auto &c : res->changes)
        changes.push_back(changeJson(c));
    payload["changes"] = std::move(changes);
    return report.print(inv->out.json, payload, [&] {
        for (const auto &c : res->changes)
            std::printf("%s%s\n", opts.dryRun ? "would " : "", displayName(c.describe()).c_str());
        if (opts.dryRun)
            std::printf("%zu changes planned (%s -> %s); nothing changed\n", res->changes.size(),
                        ovl::formatUuid(res->from).c_str(), ovl::formatUuid(res->to).c_str());
        else
            std::printf("%s: %zu of %zu changes made (%s -> %s)\n",
                        res->rolledBack    ? "rolled back"
                            : res->resumed ? "resumed and finished"
                                           : "restamped",
                        res->applied, res->changes.size(), ovl::formatUuid(res->from).c_str(),
                        ovl::formatUuid(res->to).c_str());
    });
}

} // namespace strata::cli
