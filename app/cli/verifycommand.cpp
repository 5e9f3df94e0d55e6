// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl verify: what a mounted stack shows through its mount point against what
// its layers say now (ghosts, missing names, stale facts).
#include "commands.h"
#include "report.h"
#include "textformat.h"
#include "util/displayname.h"
#include "watch/mountverify.h"
#include "watchjson.h"

namespace strata::cli {

using namespace strata::watch;

const CommandInfo kVerifyCommand {
    "verify",
    "verify MOUNTPOINT [--json]",
    "Compare what a mounted stack shows with what its layers say now: ghosts, missing, stale.",
    "MOUNTPOINT is a kernel overlay mount (its layers are read from the mount table), or\n"
    "any mount of a stack given by layer options or a stack file:\n"
    "  stratactl verify --lower L --upper U --work W MOUNTPOINT\n"
    "  stratactl verify STACKFILE MOUNTPOINT\n"
    "Lists every ghost (shown by the mount, not justified by the layers), every missing\n"
    "entry (justified, not shown) and every stale fact (type, size, mode, origin layer\n"
    "where inode numbers tell it). Exit 0 when they agree, 5 when they differ.\n",
    {},
};

int runVerify(std::span<const std::string> argv)
{
    const CommandInfo &info = kVerifyCommand;
    auto inv = parseInvocation(info, argv);
    if (!inv)
        return inv.error();
    // The mount point is the target itself (a kernel overlay), or the positional
    // after the layers (options or a stack file).
    std::string mountpoint;
    if (hasLayerOptions(inv->args)) {
        if (inv->positionals.empty())
            return usageError(info, makeError("MOUNTPOINT", "missing: name the mount to verify"));
        mountpoint = inv->positionals.back();
    } else if (!inv->positionals.empty()) {
        mountpoint = inv->positionals.back();
    }
    auto stack = openStack(info, *inv, 1);
    if (!stack)
        return stack.error();
    if (mountpoint.empty())
        return usageError(info, makeError("MOUNTPOINT", "missing: name the mount to verify"));

    Report report(std::string(info.name));
    report.addStackProblems(**stack);
    Json list = Json::array();
    size_t ghosts = 0, missing = 0, stale = 0;
    auto sink = [&](const Discrepancy &d) {
        switch (d.kind) {
        case Discrepancy::Kind::Ghost:
            ++ghosts;
            break;
        case Discrepancy::Kind::Missing:
            ++missing;
            break;
        case Discrepancy::Kind::Stale:
            ++stale;
            break;
        }
        if (inv->out.json) {
            list.push_back(discrepancyJson(d));
            return;
        }
        // Text goes out as found: a huge tree is never held.
        const std::string line = discrepancyText(d);
        std::puts(
            colored(line, d.kind == Discrepancy::Kind::Stale ? kColorModified : kColorDeleted, inv->out.color).c_str());
    };
    auto sum = verifyMount(mountpoint, *stack, sink);
    if (!sum)
        return commandFailed(info, inv->out, sum.error());
    report.add(sum->problems);

    Json payload;
    payload["mountpoint"] = pathJson(mountpoint);
    payload["agree"] = sum->discrepancies == 0;
    payload["dirs"] = sum->dirs;
    payload["entries"] = sum->entries;
    payload["ghosts"] = ghosts;
    payload["missing"] = missing;
    payload["stale"] = stale;
    payload["discrepancies"] = std::move(list);
    const int code = report.print(inv->out.json, payload, [&] {
        std::printf("%s: %zu directories, %zu names compared: %s\n", displayName(mountpoint).c_str(), sum->dirs,
                    sum->entries,
                    sum->discrepancies == 0 ? "the mount agrees with its layers"
                                            : (std::to_string(ghosts) + " ghosts, " + std::to_string(missing)
                                               + " missing, " + std::to_string(stale) + " stale")
                                                  .c_str());
    });
    return sum->discrepancies ? ExitDiffers : code;
}

} // namespace strata::cli
