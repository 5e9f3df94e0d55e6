// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl mount / umount: through strata-helper (HelperMounter: KAuth, polkit
// decides) whenever the system bus is there; as root without a system bus directly
// (kernel overlayfs through core/mounts, strata-fuse started as UserMounter does).
// The only commands that need Qt: they run one request on a QCoreApplication loop.
#include "commands.h"
#include "helpermounter.h"
#include "json.h"
#include "mounterrun.h"
#include "mounts/overlaymount.h"
#include "stack/mountoptions.h"
#include "usermounter.h"
#include "util/displayname.h"

#include <QCoreApplication>
#include <QDBusConnection>

#include <array>
#include <filesystem>
#include <functional>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::cli {

using app::Backend;
using app::MountResult;

namespace {

constexpr std::array kMountOptions = {OptionSpec {"backend", true}};

std::string absolutePath(const std::string &p)
{
    std::filesystem::path path(p);
    if (path.is_relative())
        path = std::filesystem::current_path() / path;
    std::string out = path.lexically_normal().string();
    while (out.size() > 1 && out.back() == '/')
        out.pop_back();
    return out;
}

QString qs(const std::string &s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

MountResult directKernelMount(const app::MountRequest &req)
{
    const mounts::OverlayOptions o = stack::overlayOptionsFor(req.spec);
    auto r = mounts::mountOverlay(o, req.mountpoint.toStdString(), MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
    if (!r)
        return {false, 1, qs(r.error().message()), req.mountpoint};
    // A volatile mount's checkpoint is recorded by the mount sequence itself.
    return {true, 0, QStringLiteral("mounted"), req.mountpoint};
}

// 0 ok, ExitNotAuthorized for polkit's no (KAuth 4) or a cancelled prompt (5),
// ExitFailed for everything else.
int exitCodeFor(const MountResult &r)
{
    if (r.ok)
        return ExitOk;
    return r.code == 4 || r.code == 5 ? ExitNotAuthorized : ExitFailed;
}

int report(const CommandInfo &info, const OutputOptions &out, const MountResult &r, bool viaHelper, const char *backend)
{
    const std::string mp = r.mountpoint.toStdString();
    const std::string message = r.message.toStdString();
    if (out.json) {
        Json doc;
        doc["schema"] = kJsonSchemaVersion;
        doc["command"] = info.name;
        doc["complete"] = r.ok;
        doc["mountpoint"] = pathJson(mp);
        doc["via"] = viaHelper ? "helper" : "direct";
        if (backend)
            doc["backend"] = backend;
        doc["code"] = r.code;
        doc["message"] = message;
        if (!r.ok)
            doc["error"] = errorJson(makeError(mp, message));
        printJson(doc);
    }
    if (!r.ok)
        std::fprintf(stderr, "stratactl: %s: %s\n", displayName(mp).c_str(), message.c_str());
    else if (!out.json)
        std::printf("%s %s%s%s (%s)\n", info.name == "mount" ? "mounted" : "unmounted", displayName(mp).c_str(),
                    backend ? " with " : "", backend ? backend : "",
                    viaHelper ? "through strata-helper" : "directly, as root");
    return exitCodeFor(r);
}

// On a QCoreApplication loop: `start` on HelperMounter when useHelper(), else
// `direct`; then the report and the exit code.
int execute(const CommandInfo &info, const OutputOptions &out, const char *backend,
            const std::function<quint64(app::Mounter &)> &start, const std::function<MountResult()> &direct)
{
    int argc = 1;
    char name[] = "stratactl";
    char *args[] = {name, nullptr};
    QCoreApplication app(argc, args);
    const bool viaHelper = useHelper();
    MountResult r;
    if (viaHelper) {
        app::HelperMounter helper;
        r = runOne(helper, [&] { return start(helper); });
    } else {
        r = direct();
    }
    return report(info, out, r, viaHelper, backend);
}

} // namespace

const CommandInfo kMountCommand {
    "mount",
    "mount TARGET-LAYERS MOUNTPOINT [--backend kernel|fuse] [--json]",
    "Mount the stack at MOUNTPOINT. TARGET-LAYERS are the layer options or a stack file.",
    "Options:\n"
    "  --backend kernel|fuse    kernel overlayfs (default) or strata-fuse\n"
    "\n"
    "Without root, through strata-helper after polkit authorization; as root, through\n"
    "it too when the system bus is available, else directly. Relative paths are made\n"
    "absolute (symlinks are not resolved: the helper refuses them). Exit 4: polkit did\n"
    "not authorize the request.\n",
    kMountOptions,
};

const CommandInfo kUmountCommand {
    "umount",
    "umount MOUNTPOINT [--json]",
    "Unmount a stack mounted by `stratactl mount` (or the GUI).",
    "Without root, through strata-helper after polkit authorization (only the user who\n"
    "mounted it, or root, may); as root, through it too when the system bus is\n"
    "available, else directly. Exit 4: polkit did not authorize the request.\n",
    {},
    false,
};

int runMount(std::span<const std::string> argv)
{
    const CommandInfo &info = kMountCommand;
    auto inv = parseInvocation(info, argv);
    if (!inv)
        return inv.error();
    Backend backend = Backend::Kernel;
    if (const std::string *b = inv->args.last("backend")) {
        if (*b == "fuse" || *b == "strata-fuse")
            backend = Backend::StrataFuse;
        else if (*b != "kernel")
            return usageError(info, makeError("--backend", "'" + *b + "' is not a backend (kernel or fuse)"));
    }
    if (!hasLayerOptions(inv->args)) {
        struct stat st {};
        if (inv->positionals.empty() || ::stat(inv->positionals.front().c_str(), &st) != 0 || !S_ISREG(st.st_mode))
            return usageError(info,
                              makeError(inv->positionals.empty() ? "TARGET-LAYERS" : inv->positionals.front(),
                                        "give the layers with --lower/--upper/--work, --layout DIR or a stack file"));
    }
    auto stack = openStack(info, *inv, 1);
    if (!stack)
        return stack.error();
    if (inv->positionals.empty())
        return usageError(info, makeError("MOUNTPOINT", "missing: where to mount the stack"));

    app::MountRequest req;
    req.spec = (*stack)->spec();
    req.spec.xattrNamespace = (*stack)->xattrNamespace();
    for (auto *list : {&req.spec.lower, &req.spec.data})
        for (auto &p : *list)
            p = absolutePath(p);
    for (auto *single : {&req.spec.upper, &req.spec.work})
        if (*single)
            **single = absolutePath(**single);
    req.mountpoint = qs(absolutePath(inv->positionals.front()));
    req.backend = backend;
    const char *backendName = backend == Backend::Kernel ? "kernel" : "strata-fuse";

    return execute(
        info, inv->out, backendName, [&](app::Mounter &helper) { return helper.mount(req); },
        [&] {
            if (backend == Backend::Kernel)
                return directKernelMount(req);
            app::UserMounter mounter;
            return runOne(mounter, [&] { return mounter.mount(req); });
        });
}

int runUmount(std::span<const std::string> argv)
{
    const CommandInfo &info = kUmountCommand;
    auto inv = parseInvocation(info, argv);
    if (!inv)
        return inv.error();
    int exitCode = ExitOk;
    if (inv->positionals.empty())
        return usageError(info, makeError("MOUNTPOINT", "missing: the mount point to unmount"));
    if (!checkPositionals(info, *inv, 1, exitCode))
        return exitCode;
    const std::string mp = absolutePath(inv->positionals.front());

    return execute(
        info, inv->out, nullptr, [&](app::Mounter &helper) { return helper.unmount(qs(mp)); },
        [&] {
            if (auto done = mounts::unmount(mp); !done)
                return MountResult {false, 1, qs(done.error().message()), qs(mp)};
            return MountResult {true, 0, QStringLiteral("unmounted"), qs(mp)};
        });
}

} // namespace strata::cli
