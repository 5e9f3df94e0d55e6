// SPDX-License-Identifier: GPL-2.0-or-later
#include "overlaymount.h"

#include "preflight.h"
#include "util/uniquefd.h"

// glibc >= 2.36 declares fsopen/fsconfig/fsmount/move_mount and their constants here;
// <linux/mount.h> redefines the same enums and must not be included with it.
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace strata::mounts {

// The fs_context keeps a queue of messages ("e overlay: ..."); each read() returns
// one and ENODATA ends the queue.
std::vector<std::string> readFsContextMessages(int fsfd)
{
    std::vector<std::string> out;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fsfd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        std::string line(buf, static_cast<size_t>(n));
        while (!line.empty() && line.back() == '\n')
            line.pop_back();
        out.push_back(std::move(line));
    }
    return out;
}

namespace {

std::vector<std::string> drainMessages(int fsfd)
{
    return readFsContextMessages(fsfd);
}

std::string joined(const std::vector<std::string> &lines)
{
    std::string out;
    for (const auto &l : lines)
        out += (out.empty() ? "" : "; ") + l;
    return out;
}

// The reason of a failed step: the kernel's messages if it gave any, else what the
// preflight finds wrong, else only the step and errno.
Error mountError(int err, int fsfd, const std::string &subject, const std::string &step, const OverlayOptions &spec)
{
    std::string reason = step;
    if (const auto messages = drainMessages(fsfd); !messages.empty()) {
        reason += ": " + joined(messages);
    } else {
        std::string findings;
        for (const auto &f : checkLayers(spec))
            if (f.severity == Severity::Error)
                findings += (findings.empty() ? "" : "; ") + f.describe();
        reason += findings.empty() ? ": the kernel gave no message (its log may say more)"
                                   : ": the kernel gave no message; preflight: " + findings;
    }
    return makeError(subject, reason, err);
}

// upperdir/workdir strings go through ovl_unescape in the kernel even with fsconfig,
// so a backslash in the path must be escaped; the escaped form is what mountinfo
// then shows, and what parseOverlayOptions undoes.
int setString(int fsfd, const char *key, const std::string &value)
{
    return ::fsconfig(fsfd, FSCONFIG_SET_STRING, key, value.c_str(), 0);
}

} // namespace

Result<MountReport> mountOverlay(const OverlayOptions &spec, const std::string &target, unsigned mountAttrs)
{
    if (spec.lowers.empty())
        return fail(makeError(target, "an overlay needs at least one regular lower layer", EINVAL));
    for (const auto &o : spec.others)
        if (auto ok = checkOverlayOption(o); !ok)
            return fail(ok.error());

    UniqueFd fsfd(::fsopen("overlay", FSOPEN_CLOEXEC));
    if (!fsfd)
        return fail(sysError(errno, target, "fsopen(\"overlay\") failed; is overlayfs available?"));

    for (const auto &[key, layers] : {std::pair {"lowerdir+", &spec.lowers}, std::pair {"datadir+", &spec.dataLayers}})
        for (const auto &layer : *layers)
            if (setString(fsfd.get(), key, layer) != 0)
                return fail(mountError(errno, fsfd.get(), layer, std::string("the kernel refused ") + key, spec));
    for (const auto &[key, path] : {std::pair {"upperdir", &spec.upper}, std::pair {"workdir", &spec.work}})
        if (*path && setString(fsfd.get(), key, escapeLayerPath(**path)) != 0)
            return fail(mountError(errno, fsfd.get(), **path, std::string("the kernel refused ") + key, spec));
    for (const auto &o : spec.others) {
        const int rc = o.value ? setString(fsfd.get(), o.key.c_str(), *o.value)
                               : ::fsconfig(fsfd.get(), FSCONFIG_SET_FLAG, o.key.c_str(), nullptr, 0);
        if (rc != 0)
            return fail(mountError(errno, fsfd.get(), o.key, "the kernel refused the option", spec));
    }
    if (::fsconfig(fsfd.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0)
        return fail(mountError(errno, fsfd.get(), target, "the kernel refused to create the overlay", spec));

    MountReport report;
    report.kernelMessages = drainMessages(fsfd.get());
    UniqueFd mnt(::fsmount(fsfd.get(), FSMOUNT_CLOEXEC, mountAttrs));
    if (!mnt)
        return fail(sysError(errno, target, "fsmount failed"));
    if (::move_mount(mnt.get(), "", AT_FDCWD, target.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0)
        return fail(sysError(errno, target, "cannot attach the overlay here (move_mount)"));
    return report;
}

Result<void> mountOverlayLegacy(const OverlayOptions &spec, const std::string &target)
{
    auto data = formatLegacyMountData(spec);
    if (!data)
        return fail(data.error());
    if (::mount("overlay", target.c_str(), "overlay", 0, data->c_str()) != 0)
        return fail(sysError(errno, target, "mount(2) of the overlay failed"));
    return {};
}

Result<void> unmount(const std::string &target, bool lazy)
{
    if (::umount2(target.c_str(), UMOUNT_NOFOLLOW | (lazy ? MNT_DETACH : 0)) != 0)
        return fail(sysError(errno, target, "cannot unmount"));
    return {};
}

} // namespace strata::mounts
