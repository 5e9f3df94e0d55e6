// SPDX-License-Identifier: GPL-2.0-or-later
#include "overlaymount.h"

#include "mountsequence.h"
#include "preflight.h"
#include "volatile.h"

// glibc >= 2.36 declares fsopen/fsconfig/fsmount/move_mount and their constants here;
// <linux/mount.h> redefines the same enums and must not be included with it.
#include <sys/mount.h>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace strata::mounts {

namespace {

// Where the kernel gives no reason (many overlayfs refusals go to dmesg only): the
// preflight's findings.
std::string preflightSays(const OverlayOptions &spec)
{
    std::string findings;
    for (const auto &f : checkLayers(spec))
        if (f.severity == Severity::Error)
            findings += (findings.empty() ? "" : "; ") + f.describe();
    return findings.empty() ? std::string() : "preflight: " + findings;
}

} // namespace

Result<MountReport> mountOverlay(const OverlayOptions &spec, const std::string &target, unsigned mountAttrs)
{
    for (const auto &o : spec.others)
        if (auto ok = checkOverlayOption(o); !ok)
            return fail(ok.error());
    OverlayLayers layers = layersByPath(spec);
    layers.subject = target;
    auto made = createOverlay(layers, mountAttrs, [&spec] { return preflightSays(spec); });
    if (!made)
        return fail(made.error());
    if (auto ok = attachMount(made->mount.get(), AT_FDCWD, target, target); !ok)
        return fail(ok.error());
    return MountReport {std::move(made->kernelMessages)};
}

Result<void> mountOverlayLegacy(const OverlayOptions &spec, const std::string &target)
{
    auto data = formatLegacyMountData(spec);
    if (!data)
        return fail(data.error());
    if (::mount("overlay", target.c_str(), "overlay", 0, data->c_str()) != 0)
        return fail(sysError(errno, target, "mount(2) of the overlay failed"));
    // What createOverlay does for the new mount API (mountsequence.h).
    if (spec.isVolatile() && spec.upper && spec.work)
        (void)recordVolatileMount(*spec.upper, *spec.work, "kernel");
    return {};
}

Result<void> unmount(const std::string &target, bool lazy)
{
    if (::umount2(target.c_str(), UMOUNT_NOFOLLOW | (lazy ? MNT_DETACH : 0)) != 0)
        return fail(sysError(errno, target, "cannot unmount"));
    return {};
}

} // namespace strata::mounts
