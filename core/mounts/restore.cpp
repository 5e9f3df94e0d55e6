// SPDX-License-Identifier: GPL-2.0-or-later
#include "restore.h"

#include "capturefile.h"
#include "captureresolve.h"
#include "fsfacts.h"
#include "mountsequence.h"
#include "ovl/values.h"

// glibc >= 2.36 declares the new mount API here (see overlaymount.cpp).
#include <sys/mount.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace strata::mounts {

std::string_view verdictName(LayerVerdict v)
{
    switch (v) {
    case LayerVerdict::AtPath:
        return "found at path";
    case LayerVerdict::ByHandle:
        return "found by handle";
    case LayerVerdict::Pending:
        return "on a mount restored first";
    case LayerVerdict::Missing:
        return "missing";
    }
    return "missing";
}

std::string_view verdictKey(LayerVerdict v)
{
    switch (v) {
    case LayerVerdict::AtPath:
        return "at_path";
    case LayerVerdict::ByHandle:
        return "by_handle";
    case LayerVerdict::Pending:
        return "pending";
    case LayerVerdict::Missing:
        return "missing";
    }
    return "missing";
}

bool MountPlan::ready() const
{
    return std::ranges::all_of(layers, [](const LayerFinding &f) {
        return f.verdict == LayerVerdict::AtPath || f.verdict == LayerVerdict::ByHandle;
    });
}

std::optional<Error> MountPlan::problem() const
{
    for (size_t i = 0; i < layers.size(); ++i)
        if (layers[i].verdict == LayerVerdict::Missing || layers[i].verdict == LayerVerdict::Pending)
            return makeError(mount->mountPoint, mount->describeLayer(i) + ": " + layers[i].why, ENOENT);
    return std::nullopt;
}

namespace {

// Checks the captured path: it must still be a directory (not a symlink put in its
// place) and the same one.
Result<UniqueFd> openAtPath(const CapturedLayer &layer, std::span<const MountEntry> table)
{
    const std::string &p = layer.resolvedPath;
    UniqueFd fd(::open(p.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd)
        return fail(sysError(errno, p, "not there"));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        return fail(sysError(errno, p, "cannot stat"));
    if (S_ISLNK(st.st_mode)) {
        char buf[4096];
        const ssize_t n = ::readlink(p.c_str(), buf, sizeof buf);
        return fail(makeError(p,
                              "is now a symlink to '" + std::string(buf, n > 0 ? static_cast<size_t>(n) : 0)
                                  + "', not the captured directory",
                              ELOOP));
    }
    if (!S_ISDIR(st.st_mode))
        return fail(makeError(p, "is no longer a directory", ENOTDIR));
    auto id = identifyDir(fd.get(), table);
    if (!id)
        return fail(id.error());
    if (const auto diff = id->differenceFrom(layer.id); !diff.empty())
        return fail(makeError(p, diff, ESTALE));
    return fd;
}

// Whether the path the kernel shows for `fd` is that directory here.
bool reachableAtItsPath(int fd)
{
    auto path = pathOfFd(fd);
    struct stat at {}, st {};
    return path && ::stat(path->c_str(), &at) == 0 && ::fstat(fd, &st) == 0 && at.st_dev == st.st_dev
        && at.st_ino == st.st_ino;
}

} // namespace

Result<UniqueFd> openByIdentity(const DirIdentity &id, std::span<const MountEntry> table)
{
    std::vector<unsigned char> buf(sizeof(file_handle) + id.handle.size());
    auto *h = reinterpret_cast<file_handle *>(buf.data());
    h->handle_bytes = static_cast<unsigned>(id.handle.size());
    h->handle_type = id.handleType;
    std::memcpy(h->f_handle, id.handle.data(), id.handle.size());

    // Whole-filesystem mounts first: a handle outside a bind mount's root opens
    // but has no path under it.
    std::vector<const MountEntry *> order;
    for (const auto &e : table)
        order.push_back(&e);
    std::ranges::stable_sort(
        order, [](const MountEntry *a, const MountEntry *b) { return (a->root == "/") > (b->root == "/"); });
    std::vector<std::pair<unsigned, unsigned>> tried;
    std::string lastWhy = "no mounted filesystem has "
        + (id.fsUuid ? "uuid " + ovl::formatUuid(*id.fsUuid)
                     : "device " + std::to_string(id.devMajor) + ":" + std::to_string(id.devMinor));
    int lastErr = ENOENT;
    for (const MountEntry *e : order) {
        // Only filesystems of the captured type are asked: a uuid names one
        // filesystem, and opening other mount points could hang on a dead FUSE
        // daemon or trigger an automount.
        if (!id.fsType.empty() ? e->fstype != id.fsType
                               : e->fstype.starts_with("fuse") || e->fstype == "overlay" || e->fstype == "autofs")
            continue;
        if (std::ranges::find(tried, std::pair {e->devMajor, e->devMinor}) != tried.end())
            continue;
        if (!id.fsUuid && (e->devMajor != id.devMajor || e->devMinor != id.devMinor))
            continue;
        UniqueFd mfd(::open(e->target.c_str(), O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC));
        if (!mfd)
            continue;
        if (id.fsUuid) {
            auto u = fsUuidOf(mfd.get());
            if (!u) {
                if (auto i = identifyDir(mfd.get(), table))
                    u = i->fsUuid; // blkid for filesystems without the ioctl
            }
            if (!u || *u != *id.fsUuid)
                continue;
        }
        UniqueFd fd(::open_by_handle_at(mfd.get(), h, O_PATH | O_DIRECTORY | O_CLOEXEC));
        const int openErr = fd ? 0 : errno;
        if (fd && !reachableAtItsPath(fd.get())) {
            // Through a bind mount whose root does not hold the directory the handle
            // still opens, but the path it shows is not one of this namespace: ask
            // the filesystem's next mount.
            lastErr = ENOENT;
            lastWhy = "the handle opens through '" + e->target + "', but not below that mount's root";
            continue;
        }
        tried.emplace_back(e->devMajor, e->devMinor);
        if (!fd) {
            lastErr = openErr;
            lastWhy = "the filesystem with that uuid is mounted at '" + e->target + "', but its handle does not open ("
                + std::strerror(openErr)
                + (openErr == ESTALE      ? ": the directory was deleted"
                       : openErr == EPERM ? ": needs CAP_DAC_READ_SEARCH"
                                          : "")
                + ")";
            continue;
        }
        return fd;
    }
    return fail(makeError("", lastWhy, lastErr));
}

MountPlan planMount(const CapturedMount &m, std::span<const MountEntry> table, const std::string &target)
{
    MountPlan plan;
    plan.mount = &m;
    plan.target = target.empty() ? m.mountPoint : target;
    for (const auto &layer : m.layers) {
        LayerFinding f;
        if (std::ranges::find(m.stacksOn, layer.id.fsMountPoint) != m.stacksOn.end()
            && !std::ranges::any_of(table, [&](const MountEntry &e) { return e.target == layer.id.fsMountPoint; })) {
            f.verdict = LayerVerdict::Pending;
            f.why = "on '" + layer.id.fsMountPoint + "', which is restored first";
            plan.layers.push_back(std::move(f));
            continue;
        }
        auto at = openAtPath(layer, table);
        if (at) {
            f.verdict = LayerVerdict::AtPath;
            f.foundPath = layer.resolvedPath;
            f.fd = std::move(*at);
            plan.layers.push_back(std::move(f));
            continue;
        }
        auto byHandle = openByIdentity(layer.id, table);
        if (byHandle) {
            if (auto path = pathOfFd(byHandle->get()); path) {
                f.verdict = LayerVerdict::ByHandle;
                f.foundPath = *path;
                f.fd = std::move(*byHandle);
                plan.layers.push_back(std::move(f));
                continue;
            }
        }
        f.why = "at its path: " + at.error().message()
            + "; by handle: " + (byHandle ? "opened but has no path" : byHandle.error().reason);
        plan.layers.push_back(std::move(f));
    }
    return plan;
}

unsigned mountAttrsOf(const std::string &mountOptions)
{
    unsigned attrs = 0;
    size_t start = 0;
    while (start <= mountOptions.size()) {
        const size_t comma = std::min(mountOptions.find(',', start), mountOptions.size());
        const std::string_view o(mountOptions.data() + start, comma - start);
        if (o == "ro")
            attrs |= MOUNT_ATTR_RDONLY;
        else if (o == "nosuid")
            attrs |= MOUNT_ATTR_NOSUID;
        else if (o == "nodev")
            attrs |= MOUNT_ATTR_NODEV;
        else if (o == "noexec")
            attrs |= MOUNT_ATTR_NOEXEC;
        else if (o == "noatime")
            attrs = (attrs & ~MOUNT_ATTR__ATIME) | MOUNT_ATTR_NOATIME;
        else if (o == "strictatime")
            attrs = (attrs & ~MOUNT_ATTR__ATIME) | MOUNT_ATTR_STRICTATIME;
        else if (o == "nodiratime")
            attrs |= MOUNT_ATTR_NODIRATIME;
        start = comma + 1;
    }
    return attrs;
}

Result<MountReport> mountPlanned(const MountPlan &plan)
{
    const CapturedMount &m = *plan.mount;
    if (auto p = plan.problem())
        return fail(*p);
    if (m.backend != "overlay")
        return fail(makeError(m.mountPoint, "a " + m.backend + " mount is restored through the engine", EINVAL));
    for (const auto &o : m.options)
        if (auto ok = checkOverlayOption(o); !ok)
            return fail(makeError(m.mountPoint, "option " + ok.error().message(), EINVAL));

    // Every layer by fd (the one mount sequence falls back to /proc/self/fd/N before
    // 6.13): a short string whatever the layer's real path.
    OverlayLayers layers;
    layers.subject = m.mountPoint;
    layers.options = m.options;
    for (size_t i = 0; i < m.layers.size(); ++i) {
        LayerRef ref = LayerRef::byFd(plan.layers[i].fd.get(), m.describeLayer(i));
        switch (m.layers[i].role) {
        case CapturedRole::Lower:
            layers.lowers.push_back(std::move(ref));
            break;
        case CapturedRole::Data:
            layers.dataLayers.push_back(std::move(ref));
            break;
        case CapturedRole::Upper:
            layers.upper = std::move(ref);
            break;
        case CapturedRole::Work:
            layers.work = std::move(ref);
            break;
        }
    }
    // Errors name the mount first, then the layer or option the kernel refused.
    const auto ofMount
        = [&](const Error &e) { return e.subject == m.mountPoint ? e : makeError(m.mountPoint, e.message(), e.code); };
    auto made = createOverlay(layers, mountAttrsOf(m.mountOptions));
    if (!made)
        return fail(ofMount(made.error()));
    if (auto at = attachMount(made->mount.get(), AT_FDCWD, plan.target, plan.target); !at)
        return fail(at.error());
    MountReport report;
    report.kernelMessages = std::move(made->kernelMessages);
    return report;
}

Result<void> checkRestored(const CapturedMount &m, const std::string &target)
{
    auto table = readMountTable();
    if (!table)
        return fail(table.error());
    auto entry = findMount(target);
    if (!entry)
        return fail(entry.error());
    auto now = captureMount(*entry, *table);
    if (!now)
        return fail(now.error());
    if (now->layers.size() != m.layers.size())
        return fail(makeError(target,
                              "the new mount has " + std::to_string(now->layers.size()) + " layers, the capture "
                                  + std::to_string(m.layers.size()),
                              EIO));
    for (size_t i = 0; i < m.layers.size(); ++i) {
        if (now->layers[i].role != m.layers[i].role)
            return fail(makeError(target,
                                  m.describeLayer(i) + ": is a " + std::string(capturedRoleName(now->layers[i].role))
                                      + " layer in the new mount",
                                  EIO));
        if (const auto diff = now->layers[i].id.differenceFrom(m.layers[i].id); !diff.empty())
            return fail(makeError(
                target, m.describeLayer(i) + ": the new mount's layer is not the captured one: " + diff, EIO));
    }
    // strata-fuse is restored through the engine or the helper, which add their own
    // options; only the kernel's options must come back as captured.
    if (m.backend == "overlay" && now->options != m.options)
        return fail(makeError(target,
                              "the new mount's options ('" + now->superOptions + "') are not the captured ones ('"
                                  + m.superOptions + "')",
                              EIO));
    return {};
}

} // namespace strata::mounts
