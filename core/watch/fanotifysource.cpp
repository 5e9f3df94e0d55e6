// SPDX-License-Identifier: GPL-2.0-or-later
#include "fanotifysource.h"

#include "change.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace strata::watch {

namespace {

#ifndef AT_HANDLE_FID
#define AT_HANDLE_FID 0x200 // linux/fcntl.h, 6.5: encode a fid even where handles cannot be opened
#endif

constexpr uint64_t kEvents = FAN_CREATE | FAN_DELETE | FAN_RENAME | FAN_ATTRIB | FAN_MODIFY | FAN_CLOSE_WRITE
    | FAN_DELETE_SELF | FAN_MOVE_SELF | FAN_ONDIR;

constexpr size_t kMaxHandle = 128; // MAX_HANDLE_SZ

std::string fsidKey(const struct statfs &sfs)
{
    return std::string(reinterpret_cast<const char *>(&sfs.f_fsid), sizeof(sfs.f_fsid));
}

// fsid + handle type + handle bytes: the same bytes fanotify reports in a fid record.
std::string handleKey(const std::string &fsid, int type, const unsigned char *bytes, size_t len)
{
    std::string key = fsid;
    key.append(reinterpret_cast<const char *>(&type), sizeof(type));
    key.append(reinterpret_cast<const char *>(bytes), len);
    return key;
}

std::string errnoName(int err)
{
    switch (err) {
    case ENODEV:
        return "ENODEV: the filesystem reports a zero fsid (FUSE and the like)";
    case EXDEV:
        return "EXDEV: a filesystem with a zero or non-unique fsid (FUSE, a btrfs subvolume)";
    case EOPNOTSUPP:
        return "EOPNOTSUPP: the filesystem cannot report file handles";
    case EINVAL:
        return "EINVAL: filesystem marks are not supported here (overlayfs allows inode marks only)";
    case EPERM:
        return "EPERM: needs CAP_SYS_ADMIN in the initial user namespace";
    default:
        return std::strerror(err);
    }
}

} // namespace

Result<std::unique_ptr<FanotifySource>> FanotifySource::create()
{
    const int fd = ::fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME_TARGET,
                                   O_RDONLY | O_LARGEFILE | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        return fail(makeError("fanotify", "cannot create a notification group: " + errnoName(err), err));
    }
    std::unique_ptr<FanotifySource> s(new FanotifySource);
    s->m_fd.reset(fd);
    return s;
}

Result<void> FanotifySource::addLayer(int layer, int layerFd)
{
    // fanotify_mark wants a real file: the layer's O_PATH fd is refused (EBADF).
    UniqueFd dir(::openat(layerFd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir)
        return fail(sysError(errno, "layer " + std::to_string(layer), "cannot open the layer root"));
    struct stat st {};
    struct statfs sfs {};
    if (::fstat(dir.get(), &st) != 0 || ::fstatfs(dir.get(), &sfs) != 0)
        return fail(sysError(errno, "layer " + std::to_string(layer), "cannot stat the layer root"));
    std::lock_guard lock(m_mutex);
    if (!m_markedFs.contains(st.st_dev)) {
        if (::fanotify_mark(m_fd.get(), FAN_MARK_ADD | FAN_MARK_FILESYSTEM, kEvents, dir.get(), nullptr) != 0) {
            const int err = errno;
            return fail(makeError("layer " + std::to_string(layer),
                                  "fanotify refused a filesystem mark: " + errnoName(err), err));
        }
        m_markedFs[st.st_dev] = fsidKey(sfs);
    }
    m_layers.push_back(layer);
    return {};
}

Result<void> FanotifySource::addDir(int layer, const std::string &path, int dirFd)
{
    struct {
        struct file_handle fh;
        unsigned char bytes[kMaxHandle];
    } h {};
    h.fh.handle_bytes = kMaxHandle;
    int mountId = 0;
    if (::name_to_handle_at(dirFd, "", &h.fh, &mountId, AT_EMPTY_PATH | AT_HANDLE_FID) != 0
        && ::name_to_handle_at(dirFd, "", &h.fh, &mountId, AT_EMPTY_PATH) != 0)
        return fail(sysError(errno, path, "cannot encode a file handle for the directory"));
    struct stat st {};
    if (::fstat(dirFd, &st) != 0)
        return fail(sysError(errno, path, "cannot stat the directory"));
    std::lock_guard lock(m_mutex);
    const auto fs = m_markedFs.find(st.st_dev);
    if (fs == m_markedFs.end())
        return fail(makeError(path, "not on a filesystem this fanotify group marks", EXDEV));
    m_dirs.add(handleKey(fs->second, h.fh.handle_type, h.fh.f_handle, h.fh.handle_bytes), layer, path);
    return {};
}

void FanotifySource::removeDir(int layer, const std::string &path)
{
    std::lock_guard lock(m_mutex);
    m_dirs.removeTree(layer, path);
}

size_t FanotifySource::dirCount() const
{
    std::lock_guard lock(m_mutex);
    return m_dirs.size();
}

void FanotifySource::read(SourceOutput &out)
{
    alignas(fanotify_event_metadata) char buf[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(m_fd.get(), buf, sizeof(buf));
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return; // EAGAIN: drained
        }
        decode(buf, static_cast<size_t>(n), out);
    }
}

void FanotifySource::decode(const char *buf, size_t len, SourceOutput &out)
{
    std::lock_guard lock(m_mutex);
    size_t off = 0;
    while (off + sizeof(fanotify_event_metadata) <= len) {
        fanotify_event_metadata meta;
        std::memcpy(&meta, buf + off, sizeof(meta));
        if (meta.event_len < sizeof(meta) || off + meta.event_len > len)
            break;
        const char *ev = buf + off;
        off += meta.event_len;
        if (meta.fd >= 0)
            ::close(meta.fd); // FID groups report no fd; be safe
        if (meta.mask & FAN_Q_OVERFLOW) {
            out.overflowed.insert(out.overflowed.end(), m_layers.begin(), m_layers.end());
            continue;
        }
        // The records: a dir fid + name (the parent and the entry), old/new dir fid
        // + name (FAN_RENAME), a plain fid (the object itself, or the target).
        struct Named {
            const std::vector<HandleMap::Dir> *dirs = nullptr;
            std::string name;
        };
        Named dfid, oldDfid, newDfid;
        const std::vector<HandleMap::Dir> *self = nullptr;
        size_t roff = meta.metadata_len;
        while (roff + sizeof(fanotify_event_info_header) <= meta.event_len) {
            fanotify_event_info_header hdr;
            std::memcpy(&hdr, ev + roff, sizeof(hdr));
            if (hdr.len < sizeof(hdr) || roff + hdr.len > meta.event_len)
                break;
            const char *rec = ev + roff;
            const size_t recLen = hdr.len;
            roff += hdr.len;
            const bool named = hdr.info_type == FAN_EVENT_INFO_TYPE_DFID_NAME
                || hdr.info_type == FAN_EVENT_INFO_TYPE_OLD_DFID_NAME
                || hdr.info_type == FAN_EVENT_INFO_TYPE_NEW_DFID_NAME;
            if (!named && hdr.info_type != FAN_EVENT_INFO_TYPE_FID && hdr.info_type != FAN_EVENT_INFO_TYPE_DFID)
                continue;
            const size_t fhOff = sizeof(fanotify_event_info_header) + sizeof(__kernel_fsid_t);
            if (recLen < fhOff + sizeof(file_handle))
                continue;
            file_handle fh;
            std::memcpy(&fh, rec + fhOff, sizeof(fh));
            const size_t bytesOff = fhOff + sizeof(file_handle);
            if (bytesOff + fh.handle_bytes > recLen)
                continue;
            const std::string fsid(rec + sizeof(fanotify_event_info_header), sizeof(__kernel_fsid_t));
            const std::string key = handleKey(fsid, fh.handle_type,
                                              reinterpret_cast<const unsigned char *>(rec + bytesOff), fh.handle_bytes);
            const std::vector<HandleMap::Dir> *dirs = m_dirs.find(key);
            std::string name;
            if (named) {
                const char *p = rec + bytesOff + fh.handle_bytes;
                name.assign(p, ::strnlen(p, recLen - bytesOff - fh.handle_bytes));
            }
            switch (hdr.info_type) {
            case FAN_EVENT_INFO_TYPE_DFID_NAME:
            case FAN_EVENT_INFO_TYPE_DFID:
                dfid = {dirs, std::move(name)};
                break;
            case FAN_EVENT_INFO_TYPE_OLD_DFID_NAME:
                oldDfid = {dirs, std::move(name)};
                break;
            case FAN_EVENT_INFO_TYPE_NEW_DFID_NAME:
                newDfid = {dirs, std::move(name)};
                break;
            default:
                self = dirs;
                break;
            }
        }
        const bool isDir = meta.mask & FAN_ONDIR;

        if (meta.mask & FAN_RENAME) {
            // One event, both sides. A side outside the registered dirs is a move
            // in or out of view: only the known side is reported.
            const auto side = [](const Named &n, int layer) -> std::optional<std::string> {
                if (!n.dirs)
                    return std::nullopt;
                for (const auto &d : *n.dirs)
                    if (d.layer == layer)
                        return joinLayerPath(d.path, n.name);
                return std::nullopt;
            };
            std::vector<int> layers;
            for (const Named *n : {&oldDfid, &newDfid})
                if (n->dirs)
                    for (const auto &d : *n->dirs)
                        if (std::find(layers.begin(), layers.end(), d.layer) == layers.end())
                            layers.push_back(d.layer);
            for (const int layer : layers) {
                const auto from = side(oldDfid, layer);
                const auto to = side(newDfid, layer);
                if (from)
                    out.changes.push_back(RawChange {layer, *from, ChangeMovedFrom, isDir, to.value_or("")});
                if (to)
                    out.changes.push_back(RawChange {layer, *to, ChangeMovedTo, isDir, from.value_or("")});
                if (isDir) {
                    if (from && to)
                        m_dirs.rename(layer, *from, *to);
                    else if (from)
                        m_dirs.removeTree(layer, *from);
                }
            }
        }
        uint32_t kinds = 0;
        if (meta.mask & FAN_CREATE)
            kinds |= ChangeCreated;
        if (meta.mask & FAN_DELETE)
            kinds |= ChangeDeleted;
        if (meta.mask & FAN_ATTRIB)
            kinds |= ChangeAttrib;
        if (meta.mask & (FAN_MODIFY | FAN_CLOSE_WRITE))
            kinds |= ChangeModified;
        if (kinds && dfid.dirs) {
            for (const auto &d : *dfid.dirs) {
                const std::string path = joinLayerPath(d.path, dfid.name);
                out.changes.push_back(RawChange {d.layer, path, kinds, isDir, {}});
                if ((kinds & ChangeDeleted) && isDir)
                    m_dirs.removeTree(d.layer, path);
            }
        }
        if ((meta.mask & FAN_DELETE_SELF) && isDir) {
            // A directory is gone: its handle will never come again. Events with a name
            // "." name it through the dir record, otherwise through the object's fid.
            const std::vector<HandleMap::Dir> *gone = self ? self : (dfid.name == "." ? dfid.dirs : nullptr);
            if (gone) {
                const std::vector<HandleMap::Dir> copy = *gone;
                for (const auto &d : copy) {
                    if (d.path.empty())
                        out.changes.push_back(RawChange {d.layer, d.path, ChangeDeletedSelf, true, {}});
                    m_dirs.removeTree(d.layer, d.path);
                }
            }
        }
    }
}

} // namespace strata::watch
