// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl restore: rebuilds captured mounts, each layer found again by identity
// (core/mounts/restore.h), in dependency order. As root without a system bus the
// kernel overlay is mounted here with every layer passed by fd; otherwise through
// strata-helper with the found paths, where every helper rule applies. Before it
// reports success every new mount is read back: its layers must be the captured
// directories and its view must equal its layers' merged view.
#include "commands.h"
#include "helpermounter.h"
#include "json.h"
#include "mounterrun.h"
#include "mounts/capturefile.h"
#include "mounts/overlayoptions.h"
#include "mounts/restore.h"
#include "report.h"
#include "usermounter.h"
#include "util/displayname.h"
#include "util/xattrio.h"
#include "watch/mountverify.h"
#include "watchjson.h"

#include <QCoreApplication>

#include <array>
#include <climits>
#include <cstdlib>

namespace strata::cli {

using namespace strata::mounts;

namespace {

constexpr std::array kRestoreOptions = {OptionSpec {"dry-run"}};

struct Outcome {
    const CapturedMount *mount = nullptr;
    MountPlan plan;
    bool restored = false;
    std::string via; // "direct" | "helper" | "engine"
    std::vector<std::string> kernelMessages;
    // The new mount against its layers' merged view (watch::verifyMount, as
    // `stratactl verify`): names compared, the first discrepancies found.
    struct View {
        size_t entries = 0;
        size_t discrepancies = 0;
        std::vector<watch::Discrepancy> first; // at most kMaxViewDifferences
    };
    std::optional<View> view;
};

constexpr size_t kMaxViewDifferences = 20;

std::string canonicalOr(const std::string &p)
{
    char *r = ::realpath(p.c_str(), nullptr);
    if (!r)
        return p;
    std::string out(r);
    std::free(r);
    return out;
}

app::MountRequest requestFor(const MountPlan &plan)
{
    const CapturedMount &m = *plan.mount;
    app::MountRequest req;
    for (size_t i = 0; i < m.layers.size(); ++i) {
        const std::string &p = plan.layers[i].foundPath;
        switch (m.layers[i].role) {
        case CapturedRole::Lower:
            req.spec.lower.push_back(p);
            break;
        case CapturedRole::Data:
            req.spec.data.push_back(p);
            break;
        case CapturedRole::Upper:
            req.spec.upper = p;
            break;
        case CapturedRole::Work:
            req.spec.work = p;
            break;
        }
    }
    // The overlay options Strata passes (the helper's allow-list); the engine's own
    // (allow_other, fsname=, ...) are the mounter's to set.
    for (const auto &o : m.options)
        if (o.key != "userxattr" && o.key != "rw" && o.key != "ro" && checkOverlayOption(o))
            req.spec.options.emplace_back(o.key, o.value);
    if (m.upper && m.upper->xattrNamespace == "user")
        req.spec.xattrNamespace = ovl::Namespace::User;
    req.mountpoint = QString::fromUtf8(plan.target.data(), static_cast<qsizetype>(plan.target.size()));
    req.backend = m.backend == "overlay" ? app::Backend::Kernel : app::Backend::StrataFuse;
    return req;
}

// Mounts one planned mount: directly by fd (root, no bus), else through a mounter.
Result<void> mountOne(Outcome &o)
{
    const CapturedMount &m = *o.mount;
    if (m.backend == "overlay" && !useHelper()) {
        auto r = mountPlanned(o.plan);
        if (!r)
            return fail(r.error());
        o.via = "direct";
        o.kernelMessages = r->kernelMessages;
        return {};
    }
    const app::MountRequest req = requestFor(o.plan);
    app::MountResult r;
    if (useHelper()) {
        app::HelperMounter helper;
        r = runOne(helper, [&] { return helper.mount(req); });
        o.via = "helper";
    } else {
        app::UserMounter engine;
        r = runOne(engine, [&] { return engine.mount(req); });
        o.via = "engine";
    }
    if (!r.ok)
        return fail(makeError(m.mountPoint, r.message.toStdString(), r.code == 4 || r.code == 5 ? EACCES : EIO));
    return {};
}

// Identity, then the view: the new mount must be what was captured.
Result<void> checkOne(Outcome &o, Report &report)
{
    if (auto r = checkRestored(*o.mount, o.plan.target); !r)
        return fail(r.error());
    if (o.mount->backend != "overlay")
        return {};
    // Without CAP_SYS_ADMIN the layers' trusted.overlay.* facts are unknown, and a
    // merged view computed without them would differ from the kernel's for no fault
    // of the mount: say the view was not compared instead of failing the restore.
    const bool userNamespace = o.mount->upper
        ? o.mount->upper->xattrNamespace == "user"
        : std::ranges::any_of(o.mount->options, [](const OverlayOption &opt) { return opt.key == "userxattr"; });
    if (!userNamespace && !canReadTrustedXattrs()) {
        report.add(makeError(o.plan.target,
                             "the view was not compared with the layers': reading trusted.overlay.* "
                             "xattrs needs CAP_SYS_ADMIN (the layers' identities were checked)"));
        return {};
    }
    auto stack = stack::LayerStack::fromMount(o.plan.target);
    if (!stack) {
        report.add(makeError(o.plan.target, "the view was not compared: " + stack.error().message()));
        return {};
    }
    Outcome::View view;
    auto sum = watch::verifyMount(o.plan.target, *stack, [&](const watch::Discrepancy &d) {
        if (view.first.size() < kMaxViewDifferences)
            view.first.push_back(d);
    });
    if (!sum) {
        report.add(makeError(o.plan.target, "the view was not compared: " + sum.error().message()));
        return {};
    }
    report.add(sum->problems);
    view.entries = sum->entries;
    view.discrepancies = sum->discrepancies;
    o.view = std::move(view);
    if (o.view->discrepancies != 0)
        return fail(makeError(o.plan.target,
                              "the restored mount does not show its layers' merged view ("
                                  + std::to_string(o.view->discrepancies)
                                  + " discrepancies; first: " + discrepancyText(o.view->first.front()) + ")",
                              EIO));
    return {};
}

Json outcomeJson(const Outcome &o)
{
    const CapturedMount &m = *o.mount;
    Json j;
    j["mountpoint"] = pathJson(o.plan.target);
    j["backend"] = m.backend;
    j["restored"] = o.restored;
    j["via"] = o.via.empty() ? Json(nullptr) : Json(o.via);
    Json layers = Json::array();
    for (size_t i = 0; i < m.layers.size(); ++i) {
        const auto &f = o.plan.layers[i];
        Json l;
        l["role"] = capturedRoleName(m.layers[i].role);
        l["path"] = pathJson(m.layers[i].path);
        l["captured_path"] = pathJson(m.layers[i].resolvedPath);
        l["verdict"] = verdictKey(f.verdict);
        l["found_path"] = f.foundPath.empty() ? Json(nullptr) : pathJson(f.foundPath);
        l["why"] = f.why.empty() ? Json(nullptr) : Json(f.why);
        layers.push_back(std::move(l));
    }
    j["layers"] = std::move(layers);
    j["kernel_messages"] = o.kernelMessages;
    if (o.view) {
        Json diffs = Json::array();
        for (const auto &d : o.view->first)
            diffs.push_back(discrepancyJson(d));
        j["view"] = Json {
            {"entries", o.view->entries}, {"discrepancies", o.view->discrepancies}, {"differences", std::move(diffs)}};
    } else {
        j["view"] = nullptr;
    }
    return j;
}

void printPlan(const Outcome &o, bool dryRun)
{
    const CapturedMount &m = *o.mount;
    std::printf("%s  %s%s\n", displayName(o.plan.target).c_str(), m.backend.c_str(),
                dryRun ? "" : (o.restored ? ", restored" : ", not restored"));
    for (size_t i = 0; i < m.layers.size(); ++i) {
        const auto &f = o.plan.layers[i];
        std::printf("  %-44s %s", displayName(m.describeLayer(i)).c_str(), std::string(verdictName(f.verdict)).c_str());
        if (f.verdict == LayerVerdict::ByHandle)
            std::printf(" at %s", displayName(f.foundPath).c_str());
        else if (!f.why.empty())
            std::printf(": %s", displayName(f.why).c_str());
        std::printf("\n");
    }
    if (o.view)
        std::printf("  view: %zu entries, as the layers say\n", o.view->entries);
}

void unmountAll(std::vector<Outcome> &outcomes)
{
    for (auto it = outcomes.rbegin(); it != outcomes.rend(); ++it)
        if (it->restored && unmount(it->plan.target, true))
            it->restored = false;
}

} // namespace

const CommandInfo kRestoreCommand {
    "restore",
    "restore FILE [MOUNTPOINT...] [--dry-run] [--json]",
    "Rebuild the mounts of a capture file (all, or the ones named), each layer found\n"
    "again by its filesystem uuid and root file handle.",
    "Options:\n"
    "  --dry-run                print the plan: each layer found at its path, found by\n"
    "                           handle at a new path, or missing (and why)\n"
    "\n"
    "Each layer is looked for at its captured path (it must still be the same\n"
    "directory), else on whichever mounted filesystem has its uuid (open_by_handle_at,\n"
    "needs CAP_DAC_READ_SEARCH). Mounts are restored in dependency order; if one\n"
    "fails, those restored before it are unmounted again. As root without a system bus\n"
    "overlays are mounted directly with every layer passed by file descriptor;\n"
    "otherwise through strata-helper (polkit, every helper rule). Each new mount is\n"
    "checked: the captured layers, the captured options, the layers' merged view.\n",
    kRestoreOptions,
    false,
};

int runRestore(std::span<const std::string> argv)
{
    const CommandInfo &info = kRestoreCommand;
    auto inv = parseInvocation(info, argv);
    if (!inv)
        return inv.error();
    if (inv->positionals.empty())
        return usageError(info, makeError("FILE", "missing: the capture file to restore"));
    const bool dryRun = inv->args.has("dry-run");
    const std::string file = inv->positionals.front();
    auto capture = readCaptureFile(file);
    if (!capture)
        return commandFailed(info, inv->out, capture.error());
    if (auto r = sortByDependencies(capture->mounts); !r)
        return commandFailed(info, inv->out, r.error());

    std::vector<const CapturedMount *> chosen;
    for (size_t i = 1; i < inv->positionals.size(); ++i) {
        const std::string &want = inv->positionals[i];
        const auto it = std::ranges::find_if(capture->mounts, [&](const CapturedMount &m) {
            return m.mountPoint == want || m.mountPoint == canonicalOr(want);
        });
        if (it == capture->mounts.end())
            return commandFailed(info, inv->out, makeError(want, "is not a mount point of " + file, ENOENT));
        chosen.push_back(&*it);
    }
    if (inv->positionals.size() == 1)
        for (const auto &m : capture->mounts)
            chosen.push_back(&m);
    // Keep the file's dependency order whatever order they were named in; a mount
    // named twice is restored once.
    std::ranges::sort(chosen);
    chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());

    auto table = readMountTable();
    if (!table)
        return commandFailed(info, inv->out, table.error());
    std::vector<Outcome> outcomes;
    for (const CapturedMount *m : chosen) {
        Outcome o;
        o.mount = m;
        o.plan = planMount(*m, *table);
        outcomes.push_back(std::move(o));
    }

    Report report(std::string(info.name));
    auto document = [&] {
        Json payload;
        payload["file"] = pathJson(file);
        payload["dry_run"] = dryRun;
        Json arr = Json::array();
        for (const auto &o : outcomes)
            arr.push_back(outcomeJson(o));
        payload["mounts"] = std::move(arr);
        return payload;
    };
    auto failed = [&](const Error &e) {
        unmountAll(outcomes);
        if (inv->out.json) {
            Json doc = report.document(document());
            doc["complete"] = false;
            doc["error"] = errorJson(e);
            printJson(doc);
        }
        std::fprintf(stderr, "stratactl: %s\n", e.message().c_str());
        return ExitFailed;
    };

    // Everything that can be known before mounting is checked first, so that a bad
    // capture mounts nothing.
    for (const auto &o : outcomes) {
        if (const auto busy = mountAt(*table, o.plan.target); busy && isUnionFsType(busy->fstype) && !dryRun)
            return failed(
                makeError(o.plan.target, "is already a " + busy->fstype + " mount point; unmount it first", EBUSY));
        for (const auto &f : o.plan.layers)
            if (f.verdict == LayerVerdict::Missing) {
                if (dryRun) {
                    if (!inv->out.json)
                        for (const auto &p : outcomes)
                            printPlan(p, true);
                    return failed(*o.plan.problem());
                }
                return failed(*o.plan.problem());
            }
    }
    if (dryRun)
        return report.print(inv->out.json, document(), [&] {
            for (const auto &o : outcomes)
                printPlan(o, true);
        });

    int argc = 1;
    char name[] = "stratactl";
    char *args[] = {name, nullptr};
    QCoreApplication app(argc, args);
    for (auto &o : outcomes) {
        if (!o.plan.ready()) { // waited for a mount restored earlier in this run
            auto now = readMountTable();
            if (!now)
                return failed(now.error());
            o.plan = planMount(*o.mount, *now);
            if (auto p = o.plan.problem())
                return failed(*p);
        }
        if (auto r = mountOne(o); !r)
            return failed(r.error());
        o.restored = true;
        if (auto r = checkOne(o, report); !r)
            return failed(r.error());
    }
    return report.print(inv->out.json, document(), [&] {
        for (const auto &o : outcomes)
            printPlan(o, false);
    });
}

} // namespace strata::cli
