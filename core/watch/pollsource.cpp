// SPDX-License-Identifier: GPL-2.0-or-later
#include "pollsource.h"

#include "change.h"
#include "handlemap.h"
#include "stack/dirreader.h"

#include <cerrno>
#include <sys/stat.h>

namespace strata::watch {

namespace {

bool sameTime(const timespec &a, const timespec &b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

} // namespace

PollSource::PollSource(std::unordered_map<int, int> layerFds)
    : m_layerFds(std::move(layerFds))
{ }

Result<PollSource::Snapshot> PollSource::snapshot(int dirFd, const std::string &path)
{
    auto entries = stack::readLayerDir(dirFd, path);
    if (!entries)
        return fail(entries.error());
    Snapshot s;
    for (auto &e : *entries)
        s.emplace(std::move(e.name), Seen {e.st.st_ino, e.st.st_mode, e.st.st_size, e.st.st_mtim, e.st.st_ctim});
    return s;
}

Result<void> PollSource::addDir(int layer, const std::string &path, int dirFd)
{
    auto s = snapshot(dirFd, path);
    if (!s)
        return fail(s.error());
    std::lock_guard lock(m_mutex);
    m_dirs.insert_or_assign({layer, path}, std::move(*s));
    return {};
}

void PollSource::removeDir(int layer, const std::string &path)
{
    std::lock_guard lock(m_mutex);
    std::erase_if(m_dirs, [&](const auto &kv) { return kv.first.first == layer && isWithin(kv.first.second, path); });
}

size_t PollSource::dirCount() const
{
    std::lock_guard lock(m_mutex);
    return m_dirs.size();
}

void PollSource::read(SourceOutput &out)
{
    std::lock_guard lock(m_mutex);
    std::vector<std::pair<int, std::string>> gone;
    for (auto &[key, old] : m_dirs) {
        const auto &[layer, path] = key;
        const auto root = m_layerFds.find(layer);
        if (root == m_layerFds.end())
            continue;
        auto fd = stack::openLayerDir(root->second, path, true);
        Result<Snapshot> now = fd ? snapshot(fd->get(), path) : fail(fd.error());
        if (!now) {
            if (now.error().code == ENOENT || now.error().code == ENOTDIR) {
                // The directory itself went: its entries went with it (the parent's
                // re-listing reports the directory).
                for (const auto &[name, seen] : old)
                    out.changes.push_back(
                        RawChange {layer, joinLayerPath(path, name), ChangeDeleted, S_ISDIR(seen.mode), {}});
                if (path.empty())
                    out.changes.push_back(RawChange {layer, path, ChangeDeletedSelf, true, {}});
                gone.push_back(key);
            } else {
                out.problems.push_back(now.error());
            }
            continue;
        }
        auto a = old.begin();
        auto b = now->begin();
        while (a != old.end() || b != now->end()) {
            if (b == now->end() || (a != old.end() && a->first < b->first)) {
                out.changes.push_back(
                    RawChange {layer, joinLayerPath(path, a->first), ChangeDeleted, S_ISDIR(a->second.mode), {}});
                ++a;
            } else if (a == old.end() || b->first < a->first) {
                out.changes.push_back(
                    RawChange {layer, joinLayerPath(path, b->first), ChangeCreated, S_ISDIR(b->second.mode), {}});
                ++b;
            } else {
                const Seen &x = a->second;
                const Seen &y = b->second;
                uint32_t kinds = 0;
                if (x.ino != y.ino || (x.mode & S_IFMT) != (y.mode & S_IFMT))
                    kinds = ChangeDeleted | ChangeCreated; // replaced by another object
                else if (S_ISDIR(y.mode)) {
                    // A dir's mtime and ctime move with every entry added or removed
                    // (reported by its own listing); ctime alone: mode, owner, xattrs.
                    if (x.mode != y.mode || (!sameTime(x.ctime, y.ctime) && sameTime(x.mtime, y.mtime)))
                        kinds |= ChangeAttrib;
                } else {
                    if (x.size != y.size || !sameTime(x.mtime, y.mtime))
                        kinds |= ChangeModified;
                    if (x.mode != y.mode || !sameTime(x.ctime, y.ctime))
                        kinds |= ChangeAttrib;
                }
                if (kinds)
                    out.changes.push_back(RawChange {layer, joinLayerPath(path, b->first), kinds, S_ISDIR(y.mode), {}});
                ++a;
                ++b;
            }
        }
        old = std::move(*now);
    }
    for (const auto &k : gone)
        m_dirs.erase(k);
}

} // namespace strata::watch
