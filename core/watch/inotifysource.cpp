// SPDX-License-Identifier: GPL-2.0-or-later
#include "inotifysource.h"

#include "change.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>
#include <unordered_map>

namespace strata::watch {

namespace {

constexpr uint32_t kEvents = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_MODIFY
    | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK;

std::string wdKey(int wd)
{
    return std::string(reinterpret_cast<const char *>(&wd), sizeof(wd));
}

int wdOf(const std::string &key)
{
    int wd = -1;
    if (key.size() == sizeof(wd))
        std::memcpy(&wd, key.data(), sizeof(wd));
    return wd;
}

} // namespace

long inotifyWatchLimit()
{
    long v = -1;
    if (FILE *f = std::fopen("/proc/sys/fs/inotify/max_user_watches", "re")) {
        if (std::fscanf(f, "%ld", &v) != 1)
            v = -1;
        std::fclose(f);
    }
    return v;
}

Result<std::unique_ptr<InotifySource>> InotifySource::create()
{
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        return fail(sysError(err, "inotify",
                             err == EMFILE ? "cannot create an instance (fs.inotify.max_user_instances reached)"
                                           : "cannot create an instance"));
    }
    std::unique_ptr<InotifySource> s(new InotifySource);
    s->m_fd.reset(fd);
    return s;
}

void InotifySource::addLayer(int layer)
{
    std::lock_guard lock(m_mutex);
    m_layers.push_back(layer);
}

Result<void> InotifySource::addDir(int layer, const std::string &path, int dirFd)
{
    // Through the fd: the directory that was opened beneath the layer root, not
    // whatever its path names by now (so no IN_DONT_FOLLOW: the /proc link is one).
    const std::string proc = "/proc/self/fd/" + std::to_string(dirFd);
    std::lock_guard lock(m_mutex);
    const int wd = ::inotify_add_watch(m_fd.get(), proc.c_str(), kEvents);
    if (wd < 0) {
        const int err = errno;
        if (err == ENOSPC)
            return fail(makeError(path,
                                  "inotify watch limit reached (fs.inotify.max_user_watches = "
                                      + std::to_string(inotifyWatchLimit()) + ", " + std::to_string(m_dirs.size())
                                      + " used by this watcher): raise it with sysctl, or watch as root (fanotify)",
                                  err));
        return fail(sysError(err, path, "cannot add an inotify watch"));
    }
    m_dirs.add(wdKey(wd), layer, path);
    return {};
}

void InotifySource::freeKeys(const std::vector<std::string> &keys)
{
    for (const auto &k : keys)
        ::inotify_rm_watch(m_fd.get(), wdOf(k));
}

void InotifySource::removeDir(int layer, const std::string &path)
{
    std::lock_guard lock(m_mutex);
    freeKeys(m_dirs.removeTree(layer, path));
}

size_t InotifySource::dirCount() const
{
    std::lock_guard lock(m_mutex);
    return m_dirs.size();
}

void InotifySource::read(SourceOutput &out)
{
    alignas(inotify_event) char buf[64 * 1024];
    std::lock_guard lock(m_mutex);
    // A rename is two events tied by a cookie; pairs normally come in one read.
    struct Pending {
        int layer;
        std::string path;
        bool isDir;
        size_t index; // in out.changes
    };
    std::unordered_map<uint32_t, std::vector<Pending>> movedFrom;
    for (;;) {
        const ssize_t n = ::read(m_fd.get(), buf, sizeof(buf));
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            break;
        }
        for (size_t off = 0; off + sizeof(inotify_event) <= static_cast<size_t>(n);) {
            inotify_event ev;
            std::memcpy(&ev, buf + off, sizeof(ev));
            const char *namePtr = buf + off + sizeof(inotify_event);
            off += sizeof(inotify_event) + ev.len;
            if (ev.mask & IN_Q_OVERFLOW) {
                out.overflowed.insert(out.overflowed.end(), m_layers.begin(), m_layers.end());
                continue;
            }
            const std::string key = wdKey(ev.wd);
            if (ev.mask & IN_IGNORED) {
                m_dirs.removeKey(key); // the watch is gone (dir deleted, unmounted)
                continue;
            }
            const std::vector<HandleMap::Dir> *dirs = m_dirs.find(key);
            if (!dirs)
                continue;
            const std::vector<HandleMap::Dir> here = *dirs;
            const std::string name(namePtr, ev.len ? ::strnlen(namePtr, ev.len) : 0);
            const bool isDir = ev.mask & IN_ISDIR;
            if (ev.mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
                // The parent's event names it, except for a layer root.
                for (const auto &d : here)
                    if (d.path.empty() && (ev.mask & IN_DELETE_SELF))
                        out.changes.push_back(RawChange {d.layer, d.path, ChangeDeletedSelf, true, {}});
                continue;
            }
            uint32_t kinds = 0;
            if (ev.mask & IN_CREATE)
                kinds |= ChangeCreated;
            if (ev.mask & IN_DELETE)
                kinds |= ChangeDeleted;
            if (ev.mask & IN_ATTRIB)
                kinds |= ChangeAttrib;
            if (ev.mask & (IN_MODIFY | IN_CLOSE_WRITE))
                kinds |= ChangeModified;
            if (ev.mask & IN_MOVED_FROM)
                kinds |= ChangeMovedFrom;
            if (ev.mask & IN_MOVED_TO)
                kinds |= ChangeMovedTo;
            for (const auto &d : here) {
                const std::string path = joinLayerPath(d.path, name);
                if (ev.mask & IN_MOVED_FROM) {
                    movedFrom[ev.cookie].push_back(Pending {d.layer, path, isDir, out.changes.size()});
                } else if (ev.mask & IN_MOVED_TO) {
                    std::string from;
                    auto &pend = movedFrom[ev.cookie];
                    for (auto it = pend.begin(); it != pend.end(); ++it)
                        if (it->layer == d.layer) {
                            from = it->path;
                            out.changes[it->index].otherPath = path;
                            if (isDir)
                                freeKeys(m_dirs.rename(d.layer, from, path));
                            pend.erase(it);
                            break;
                        }
                    if (pend.empty())
                        movedFrom.erase(ev.cookie);
                    out.changes.push_back(RawChange {d.layer, path, kinds, isDir, from});
                    continue;
                }
                out.changes.push_back(RawChange {d.layer, path, kinds, isDir, {}});
                if (isDir && (ev.mask & IN_DELETE))
                    freeKeys(m_dirs.removeTree(d.layer, path));
            }
        }
    }
    // A dir moved away with no arrival seen: out of the watched tree.
    for (const auto &[cookie, pend] : movedFrom)
        for (const auto &p : pend)
            if (p.isDir)
                freeKeys(m_dirs.removeTree(p.layer, p.path));
}

} // namespace strata::watch
