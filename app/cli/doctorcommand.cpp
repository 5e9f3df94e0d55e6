// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl doctor: why a stack will not mount, and what to do about it.
#include "commands.h"
#include "doctortarget.h"
#include "json.h"
#include "textformat.h"
#include "util/displayname.h"

#include <cstring>

namespace strata::cli {

using namespace strata::mounts;

namespace {

constexpr std::array kDoctorOptions = {OptionSpec {"backend", true}, OptionSpec {"no-try-mount"}};

Json tryMountJson(const TryMount &t)
{
    Json j;
    j["attempted"] = t.attempted;
    j["not_attempted"] = t.attempted ? Json(nullptr) : Json(t.notAttempted);
    j["mounted"] = t.mounted;
    j["errno"] = t.err;
    j["error"] = t.err ? Json(std::strerror(t.err)) : Json(nullptr);
    j["step"] = t.step;
    j["messages"] = t.messages;
    return j;
}

// Whether the try-mount shows the finding's kernel message: null when it cannot tell.
Json confirmedJson(const DoctorFinding &f, const TryMount &t)
{
    if (!t.attempted || f.kernelMessage.empty() || !f.atMount)
        return nullptr;
    return kernelSaid(t.messages, f.kernelMessage);
}

Json findingJson(const DoctorFinding &f, const TryMount &t, const DoctorTarget &target)
{
    Json j;
    j["code"] = f.code;
    j["severity"] = severityName(f.severity);
    j["role"] = layerKeyName(f.role);
    j["index"] = f.role == LayerRole::Lower || f.role == LayerRole::Data ? Json(f.index) : Json(nullptr);
    j["layer"] = f.layer.empty() ? Json(nullptr) : pathJson(f.layer);
    j["kernel_message"] = f.kernelMessage.empty() ? Json(nullptr) : Json(f.kernelMessage);
    j["logged_at"] = f.kernelMessage.empty() ? Json(nullptr) : Json(f.atMount ? "mount" : "lookup");
    j["cause"] = f.cause;
    j["fix"] = f.fix;
    j["kernel_refuses"] = f.kernelRefuses;
    j["fuse_refuses"] = f.fuseRefuses;
    j["repair"] = f.repair.empty() ? Json(nullptr) : Json(withTarget(f.repair, target));
    j["confirmed"] = confirmedJson(f, t);
    return j;
}

std::string_view severityColor(Severity s)
{
    return s == Severity::Error ? kColorDeleted : s == Severity::Warning ? kColorModified : kColorDim;
}

} // namespace

const CommandInfo kDoctorCommand {
    "doctor",
    "doctor TARGET [--backend kernel|fuse] [--no-try-mount] [--json]",
    "Why a stack will not mount: every refusal, the kernel's message, the fix",
    "Every reason kernel overlayfs (or strata-fuse, --backend fuse) would refuse or\n"
    "degrade the stack, each with a stable code, the kernel's own message, the cause\n"
    "and the fix. TARGET may also be a layer directory (Docker/Podman layer dir,\n"
    "lowerN/upper/work). The upper filesystem's features are tried in a scratch\n"
    "directory of the workdir. As root the verdicts are confirmed by a real try-mount\n"
    "in a private mount namespace (nothing stays mounted) and the kernel's messages are\n"
    "shown next to them. Exit 0: it would mount; 6: it would be refused.",
    kDoctorOptions,
};

int runDoctor(std::span<const std::string> argv)
{
    const CommandInfo &info = kDoctorCommand;
    auto inv = parseInvocation(info, argv);
    if (!inv)
        return inv.error();
    DoctorOptions opts;
    if (const std::string *b = inv->args.last("backend")) {
        if (*b == "fuse" || *b == "strata-fuse")
            opts.backend = Backend::Fuse;
        else if (*b != "kernel")
            return usageError(info, makeError("--backend", "'" + *b + "' is not a backend (kernel or fuse)"));
    }
    auto target = doctorTarget(inv->args, inv->positionals);
    if (!target)
        return commandError(info, inv->out, target.error());
    int code = ExitOk;
    if (!checkPositionals(info, *inv, 0, code))
        return code;
    opts.extraChecks = stackChecks();

    // The try-mount comes first: the doctor's syncfs marks an unseen writeback error
    // seen, after which the kernel would no longer refuse a volatile mount for it.
    TryMount tried, legacy;
    const bool wantTry = opts.backend == Backend::Kernel && !inv->args.has("no-try-mount");
    if (wantTry) {
        tried = tryMount(target->spec);
        if (!formatLegacyMountData(target->spec) && !target->spec.lowers.empty())
            legacy = tryMount(target->spec, true);
    } else {
        tried.notAttempted
            = opts.backend == Backend::Fuse ? "--backend fuse: the try-mount asks kernel overlayfs" : "--no-try-mount";
    }
    const Diagnosis d = diagnose(target->spec, opts);
    const bool refused = d.refused(opts.backend);

    if (inv->out.json) {
        Json doc;
        doc["schema"] = kJsonSchemaVersion;
        doc["command"] = info.name;
        doc["complete"] = true;
        doc["backend"] = backendName(opts.backend);
        doc["target"]
            = {{"kind", target->kind}, {"path", target->name.empty() ? Json(nullptr) : pathJson(target->name)}};
        doc["refused"] = refused;
        Json findings = Json::array();
        for (const auto &f : d.findings)
            findings.push_back(
                findingJson(f, f.code == "options-too-long" && legacy.attempted ? legacy : tried, *target));
        doc["findings"] = std::move(findings);
        doc["try_mount"] = tryMountJson(tried);
        doc["try_mount_legacy"] = legacy.attempted ? tryMountJson(legacy) : Json(nullptr);
        doc["agrees"] = tried.attempted ? Json(tried.mounted == !d.refused(Backend::Kernel)) : Json(nullptr);
        printJson(doc);
        return refused ? ExitRefused : ExitOk;
    }

    const bool color = inv->out.color;
    auto paint = [&](std::string_view c, const std::string &s) {
        return color ? "\033[" + std::string(c) + "m" + s + "\033[0m" : s;
    };
    const char *who = opts.backend == Backend::Kernel ? "kernel overlayfs" : "strata-fuse";
    std::printf("%s: %s\n", who,
                refused ? paint(kColorDeleted, "would REFUSE this stack").c_str()
                        : paint(kColorAdded, "would mount this stack").c_str());
    for (const auto &f : d.findings) {
        std::string where = f.layer.empty() ? "" : "  " + std::string(layerKeyName(f.role));
        if (f.role == LayerRole::Lower || f.role == LayerRole::Data)
            where += " " + std::to_string(f.index + 1);
        if (!f.layer.empty())
            where += " " + displayName(f.layer);
        std::string sev(severityName(f.severity));
        for (auto &c : sev)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        std::printf("\n%s %s%s\n", paint(severityColor(f.severity), sev).c_str(), f.code.c_str(), where.c_str());
        if (!f.kernelMessage.empty()) {
            const TryMount &t = f.code == "options-too-long" && legacy.attempted ? legacy : tried;
            const Json c = confirmedJson(f, t);
            std::printf("  kernel says: %s%s\n", f.kernelMessage.c_str(),
                        c.is_null()         ? ""
                            : c.get<bool>() ? "  [seen in the try-mount]"
                                            : "  [not in the try-mount]");
        }
        std::printf("  cause: %s\n  fix:   %s\n", f.cause.c_str(), f.fix.c_str());
        if (!f.repair.empty())
            std::printf("  repair: %s\n", withTarget(f.repair, *target).c_str());
    }
    auto printTry = [&](const char *label, const TryMount &t) {
        if (!t.attempted) {
            std::printf("\n%s: not attempted (%s)\n", label, t.notAttempted.c_str());
            return;
        }
        std::printf("\n%s: %s", label, t.mounted ? "the kernel mounted it" : "the kernel refused it");
        if (!t.mounted)
            std::printf(" at %s: %s", t.step.c_str(), std::strerror(t.err));
        std::printf("\n");
        for (const auto &m : t.messages)
            std::printf("  %s\n", m.c_str());
    };
    printTry("try-mount (private mount namespace, fsconfig)", tried);
    if (legacy.attempted)
        printTry("try-mount (mount(2), one option string)", legacy);
    return refused ? ExitRefused : ExitOk;
}

} // namespace strata::cli
