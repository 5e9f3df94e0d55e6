// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture.h"

#include "capturefile.h"
#include "captureresolve.h"
#include "fsfacts.h"
#include "ovl/filehandle.h"
#include "ovl/values.h"
#include "ovl/xattrnames.h"
#include "util/hex.h"
#include "util/uniquefd.h"
#include "util/xattrio.h"

#include <libmount.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/stat.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>

namespace strata::mounts {

namespace {

// libblkid (through libmount's cache) for block devices on kernels without
// FS_IOC_GETFSUUID (before 6.9) or filesystems that do not implement it.
std::optional<FsUuid> blkidUuid(const std::string &device)
{
    if (device.rfind("/dev/", 0) != 0)
        return std::nullopt;
    libmnt_cache *cache = ::mnt_new_cache();
    if (!cache)
        return std::nullopt;
    std::optional<FsUuid> out;
    if (char *value = ::mnt_cache_find_tag_value(cache, device.c_str(), "UUID"))
        out = uuidFromHex(value); // owned by the cache
    ::mnt_unref_cache(cache);
    return out;
}

const MountEntry *entryById(std::span<const MountEntry> table, uint64_t id)
{
    for (const auto &e : table)
        if (static_cast<uint64_t>(e.id) == id)
            return &e;
    return nullptr;
}

} // namespace

std::string_view capturedRoleName(CapturedRole r)
{
    switch (r) {
    case CapturedRole::Lower:
        return "lower";
    case CapturedRole::Data:
        return "data";
    case CapturedRole::Upper:
        return "upper";
    case CapturedRole::Work:
        return "work";
    }
    return "lower";
}

bool DirIdentity::sameDirAs(const DirIdentity &other) const
{
    return differenceFrom(other).empty();
}

std::string DirIdentity::differenceFrom(const DirIdentity &captured) const
{
    if (captured.fsUuid || fsUuid) {
        if (!captured.fsUuid || !fsUuid)
            return std::string("the filesystem here has ") + (fsUuid ? "uuid " + ovl::formatUuid(*fsUuid) : "no uuid")
                + ", the captured one " + (captured.fsUuid ? "uuid " + ovl::formatUuid(*captured.fsUuid) : "none");
        if (*captured.fsUuid != *fsUuid)
            return "the filesystem here has uuid " + ovl::formatUuid(*fsUuid) + ", not the captured "
                + ovl::formatUuid(*captured.fsUuid);
    } else if (devMajor != captured.devMajor || devMinor != captured.devMinor) {
        // Without a uuid the device number is all that tells filesystems apart.
        return "the filesystem here (no uuid) is device " + std::to_string(devMajor) + ":" + std::to_string(devMinor)
            + ", not the captured " + std::to_string(captured.devMajor) + ":" + std::to_string(captured.devMinor);
    }
    if (handleType != captured.handleType || handle != captured.handle)
        return "a different directory of that filesystem (its file handle " + toHex(handle) + " is not the captured "
            + toHex(captured.handle) + ")";
    return {};
}

std::vector<const CapturedLayer *> CapturedMount::layersOf(CapturedRole role) const
{
    std::vector<const CapturedLayer *> out;
    for (const auto &l : layers)
        if (l.role == role)
            out.push_back(&l);
    return out;
}

std::string CapturedMount::describeLayer(size_t index) const
{
    if (index >= layers.size())
        return "layer " + std::to_string(index);
    const auto &l = layers[index];
    size_t n = 0;
    for (size_t i = 0; i < index; ++i)
        n += layers[i].role == l.role;
    std::string out(capturedRoleName(l.role));
    if (l.role == CapturedRole::Lower || l.role == CapturedRole::Data)
        out += " " + std::to_string(n + 1);
    return out + " '" + l.path + "'";
}

Result<DirIdentity> identifyDir(int fd, std::span<const MountEntry> table)
{
    DirIdentity id;
    // A layer that is an overlay mount (one overlay stacked on another) has only an
    // identifying handle: enough to tell it is the same directory, not to open it.
    auto fh = ovl::handleOfFd(fd, false, -1, true);
    if (!fh && fh.error().code == EACCES)
        // A directory the caller may reach but not open (a root-only layer seen by a
        // user's restore): its filesystem's uuid is asked through that mount's root.
        if (const uint64_t legacyId = tableMountIdOf(fd))
            if (const MountEntry *e = entryById(table, legacyId)) {
                const UniqueFd root(::open(e->target.c_str(), O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC));
                if (root)
                    fh = ovl::handleOfFd(fd, false, root.get(), true);
            }
    if (!fh)
        return fail(fh.error());
    id.handleType = fh->type;
    id.handle = fh->fid;
    if (!fh->nullUuid()) {
        FsUuid u {};
        std::copy(fh->uuid.begin(), fh->uuid.end(), u.begin());
        id.fsUuid = u;
        id.uuidSource = "ioctl";
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return fail(sysError(errno, "fd " + std::to_string(fd), "fstat"));
    id.devMajor = major(st.st_dev);
    id.devMinor = minor(st.st_dev);
    id.mountId = mountIdOf(fd);
    if (const uint64_t tableId = tableMountIdOf(fd))
        if (const MountEntry *e = entryById(table, tableId)) {
            id.fsType = e->fstype;
            id.fsMountPoint = e->target;
            if (!id.fsUuid)
                if ((id.fsUuid = blkidUuid(e->source)))
                    id.uuidSource = "blkid";
        }
    return id;
}

namespace {

Result<UpperFacts> upperFactsOf(int upperFd, const OverlayOptions &opts)
{
    UpperFacts f;
    const auto ns = opts.has("userxattr") ? ovl::Namespace::User : ovl::Namespace::Trusted;
    f.xattrNamespace = std::string(ovl::namespaceLabel(ns));
    f.index = opts.value("index") == std::optional<std::string>("on");
    auto uuid = getXattrAt(upperFd, "", ovl::name(ns, ovl::Attr::Uuid));
    if (!uuid)
        return fail(uuid.error());
    if (*uuid && (*uuid)->size() == 16) {
        FsUuid u {};
        std::memcpy(u.data(), (*uuid)->data(), 16);
        f.overlayUuid = u;
    }
    auto origin = getXattrAt(upperFd, "", ovl::name(ns, ovl::Attr::Origin));
    if (!origin)
        return fail(origin.error());
    if (*origin)
        f.rootOrigin = std::vector<uint8_t>((*origin)->begin(), (*origin)->end());
    return f;
}

} // namespace

Result<CapturedMount> captureMount(const MountEntry &entry, std::span<const MountEntry> table)
{
    CapturedMount m;
    m.mountPoint = entry.target;
    m.fsType = entry.fstype;
    m.source = entry.source;
    m.superOptions = entry.fsOptions;
    m.mountOptions = entry.vfsOptions;

    auto sources = layerSourcesOf(entry);
    if (!sources)
        return fail(sources.error());
    m.backend = sources->backend;
    const OverlayOptions &opts = sources->options;
    m.options = opts.others;

    auto add = [&](CapturedRole role, const std::string &path) { m.layers.push_back({role, path, {}, {}}); };
    for (const auto &l : opts.lowers)
        add(CapturedRole::Lower, l);
    for (const auto &l : opts.dataLayers)
        add(CapturedRole::Data, l);
    if (opts.upper)
        add(CapturedRole::Upper, *opts.upper);
    if (opts.work)
        add(CapturedRole::Work, *opts.work);

    std::vector<std::string> paths;
    for (const auto &l : m.layers)
        paths.push_back(l.path);
    auto resolved = resolveLayerPaths(paths, *sources);
    for (size_t i = 0; i < m.layers.size(); ++i) {
        auto &layer = m.layers[i];
        const auto &r = resolved[i];
        if (!r)
            return fail(makeError(m.mountPoint, m.describeLayer(i) + ": " + r.error().reason, r.error().code));
        layer.resolvedPath = r->path;
        auto id = identifyDir(r->fd.get(), table);
        if (!id)
            return fail(makeError(m.mountPoint, m.describeLayer(i) + ": " + id.error().message(), id.error().code));
        layer.id = std::move(*id);
        if (layer.role == CapturedRole::Upper) {
            auto facts = upperFactsOf(r->fd.get(), opts);
            if (!facts)
                return fail(
                    makeError(m.mountPoint, m.describeLayer(i) + ": " + facts.error().message(), facts.error().code));
            m.upper = std::move(*facts);
        }
    }
    return m;
}

Result<void> sortByDependencies(std::vector<CapturedMount> &mounts)
{
    std::vector<CapturedMount> out;
    std::vector<bool> placed(mounts.size(), false);
    while (out.size() < mounts.size()) {
        bool progress = false;
        for (size_t i = 0; i < mounts.size(); ++i) {
            if (placed[i])
                continue;
            const bool ready = std::ranges::all_of(mounts[i].stacksOn, [&](const std::string &dep) {
                return std::ranges::any_of(out, [&](const CapturedMount &m) { return m.mountPoint == dep; })
                    || std::ranges::none_of(mounts, [&](const CapturedMount &m) { return m.mountPoint == dep; });
            });
            if (!ready)
                continue;
            out.push_back(mounts[i]);
            placed[i] = progress = true;
        }
        if (!progress) {
            for (size_t i = 0; i < mounts.size(); ++i)
                if (!placed[i])
                    return fail(makeError(mounts[i].mountPoint,
                                          "stacks on mounts that (directly or not) stack on it: no order to "
                                          "restore them in",
                                          EINVAL));
        }
    }
    mounts = std::move(out);
    return {};
}

Result<Capture> captureMounts(std::span<const std::string> mountPoints)
{
    auto table = readMountTable();
    if (!table)
        return fail(table.error());
    std::vector<MountEntry> chosen;
    if (mountPoints.empty()) {
        for (const auto &e : *table)
            if (e.fstype == "overlay" || e.fstype == "fuse.strata-fuse")
                chosen.push_back(e);
    } else {
        for (const auto &mp : mountPoints) {
            auto e = findMount(mp);
            if (!e)
                return fail(e.error());
            if (e->fstype != "overlay" && e->fstype != "fuse.strata-fuse")
                return fail(
                    makeError(mp, "neither an overlay nor a strata-fuse mount (it is " + e->fstype + ")", EINVAL));
            chosen.push_back(*e);
        }
    }
    Capture cap;
    struct utsname u {};
    if (::uname(&u) == 0)
        cap.kernel = u.release;
    for (const auto &e : chosen) {
        auto m = captureMount(e, *table);
        if (!m)
            return fail(m.error());
        cap.mounts.push_back(std::move(*m));
    }
    // A layer reached through another captured mount makes this mount depend on it.
    for (auto &m : cap.mounts)
        for (const auto &l : m.layers)
            for (const auto &other : cap.mounts)
                if (&other != &m && l.id.fsMountPoint == other.mountPoint
                    && std::ranges::find(m.stacksOn, other.mountPoint) == m.stacksOn.end())
                    m.stacksOn.push_back(other.mountPoint);
    if (auto r = sortByDependencies(cap.mounts); !r)
        return fail(r.error());
    return cap;
}

} // namespace strata::mounts
