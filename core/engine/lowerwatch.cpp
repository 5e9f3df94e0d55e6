// SPDX-License-Identifier: GPL-2.0-or-later
#include "lowerwatch.h"

#include "fdbudget.h"
#include "fs.h"
#include "libfuse318.h"
#include "mounts/captureresolve.h"
#include "resolve.h"
#include "stack/layerstack.h"
#include "watch/enginereport.h"
#include "watch/stackwatcher.h"

#include <cstdio>
#include <map>
#include <mutex>
#include <poll.h>
#include <sys/eventfd.h>
#include <syslog.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

namespace strata::engine {

namespace {

using Key = std::pair<dev_t, ino_t>;

// An inode kept alive across unlocked work: a child reference, as a child holds
// on its parent. Fs::table held to pin; unpin() takes it.
struct Pin {
    Inode *inode = nullptr;
    fuse_ino_t id = 0;
};

void unpin(Fs &f, const Pin &p)
{
    if (!p.inode || p.inode == &f.root)
        return;
    {
        std::lock_guard g(f.table);
        --p.inode->childRefs;
    }
    forgetInode(f, *p.inode, 0); // frees it when nothing else refers to it
}

// A line for the person who started the daemon: on `fd` (stderr, or without -f a
// copy of the caller's stderr kept across fuse_daemonize), and without -f also in
// the system log, where a daemon's later messages are found.
void say(const Fs &f, const std::string &line, int fd)
{
    if (fd >= 0)
        (void)!::dprintf(fd, "strata-fuse: %s\n", line.c_str());
    if (!f.config.foreground)
        ::syslog(LOG_INFO, "%s", line.c_str());
}

} // namespace

struct LowerWatch::Impl {
    Fs &f;
    std::unique_ptr<watch::StackWatcher> watcher;
    std::vector<std::string> roots; // each lower root's path, as /proc/self/fd shows it
    // Serialises registering and releasing layer dirs with the watcher, so a dir
    // released by one forgotten union dir and registered again for another stays
    // watched. Taken before `mutex`, never with an engine lock held by its taker
    // except Fs::tree (note() runs under it).
    std::mutex watchMutex;
    // Leaf lock: never held while taking an engine lock or calling the watcher.
    std::mutex mutex;
    std::unordered_set<Key, KeyHash> noted; // union directories already registered
    std::map<std::pair<int, std::string>, std::vector<Key>> dirsAt; // (lower, path in it) -> union dirs
    std::unordered_map<Key, std::vector<std::pair<int, std::string>>, KeyHash> placesOf; // the reverse
    std::vector<std::pair<int, std::string>> released; // no union dir uses them now: unwatch
    UniqueFd stopFd;
    UniqueFd wakeFd; // `released` has entries
    std::string reportPath; // published for stratactl inspect; removed at the end
    std::thread thread;

    explicit Impl(Fs &fs)
        : f(fs)
    { }

    void note(const Inode &dir, bool again);
    void forget(const Key &key);
    void unwatchReleased();
    void run();
    void nameChanged(int layer, const std::string &path);
    void refresh(const Key &dirKey, const std::string &name);
    void refreshDir(const Key &key); // re-resolves a known union dir by its parent and name
    void overflowed();

    // What one refresh found, acted on once the tree lock is dropped.
    struct Work {
        std::vector<Pin> pins; // unpinned at the end
        std::vector<Pin> restacked; // known dirs given a new lower stack
        std::vector<std::pair<Pin, std::string>> entries; // (dir, name) whose dentry to drop
        std::vector<std::unique_ptr<Inode>> fresh; // resolved, not interned: parents for deeper names
    };
    Pin pin(Inode &i, Work &w); // Fs::table held
    std::vector<Pin> knownChildDirs(Inode &parent, Work &w);
    void restack(Inode &resolveIn, const Pin &oldParent, Inode *old, const std::string &name, Work &w, int depth);
};

void LowerWatch::Impl::note(const Inode &dir, bool again)
{
    if (!dir.isDir())
        return;
    const Key key {dir.keyDev, dir.keyIno};
    {
        std::lock_guard g(mutex);
        if (noted.contains(key) && !again)
            return;
    }
    std::vector<std::pair<int, std::string>> toWatch;
    for (const LowerDir &ld : dir.lowers) {
        if (ld.layer < 0 || static_cast<size_t>(ld.layer) >= roots.size() || !ld.fd.valid())
            continue;
        const auto p = mounts::pathOfFd(ld.fd.get());
        const std::string &root = roots[static_cast<size_t>(ld.layer)];
        // A directory reached through a redirect is watched where it really is.
        if (!p || p->compare(0, root.size(), root) != 0 || (p->size() > root.size() && (*p)[root.size()] != '/'))
            continue;
        toWatch.emplace_back(ld.layer, p->size() > root.size() ? p->substr(root.size() + 1) : std::string());
    }
    std::lock_guard w(watchMutex);
    {
        std::lock_guard g(mutex);
        noted.insert(key);
        auto &places = placesOf[key];
        for (const auto &place : toWatch) {
            auto &keys = dirsAt[place];
            if (std::find(keys.begin(), keys.end(), key) == keys.end())
                keys.push_back(key);
            if (std::find(places.begin(), places.end(), place) == places.end())
                places.push_back(place);
        }
    }
    for (const auto &[layer, path] : toWatch)
        (void)watcher->watchDir(layer, path); // a failure is also queued as a Problem event
}

void LowerWatch::Impl::forget(const Key &key)
{
    std::lock_guard g(mutex);
    noted.erase(key);
    auto it = placesOf.find(key);
    if (it == placesOf.end())
        return;
    bool any = false;
    for (const auto &place : it->second) {
        auto at = dirsAt.find(place);
        if (at == dirsAt.end())
            continue;
        std::erase(at->second, key);
        if (at->second.empty()) {
            dirsAt.erase(at);
            released.push_back(place);
            any = true;
        }
    }
    placesOf.erase(it);
    if (any) {
        const uint64_t one = 1;
        (void)!::write(wakeFd.get(), &one, sizeof(one));
    }
}

void LowerWatch::Impl::unwatchReleased()
{
    uint64_t n = 0;
    (void)!::read(wakeFd.get(), &n, sizeof(n));
    std::lock_guard w(watchMutex);
    std::vector<std::pair<int, std::string>> places;
    {
        std::lock_guard g(mutex);
        places.swap(released);
        // Registered again since (another union dir lies there): keep watching.
        std::erase_if(places, [&](const auto &place) { return dirsAt.contains(place); });
    }
    for (const auto &[layer, path] : places)
        watcher->unwatchDir(layer, path);
    // unwatchDir drops the registrations below too: a dir still used there (a
    // redirect can place one under another's lower dir) is registered again.
    std::vector<std::pair<int, std::string>> again;
    {
        std::lock_guard g(mutex);
        for (const auto &[place, keys] : dirsAt)
            for (const auto &[layer, path] : places)
                if (place.first == layer && place.second.size() > path.size()
                    && place.second.compare(0, path.size(), path) == 0
                    && (path.empty() || place.second[path.size()] == '/')) {
                    again.push_back(place);
                    break;
                }
    }
    for (const auto &[layer, path] : again)
        (void)watcher->watchDir(layer, path);
}

void LowerWatch::Impl::run()
{
    for (;;) {
        pollfd p[3] = {{watcher->notifyFd(), POLLIN, 0}, {stopFd.get(), POLLIN, 0}, {wakeFd.get(), POLLIN, 0}};
        if (::poll(p, 3, -1) < 0 && errno != EINTR)
            return;
        if (p[1].revents)
            return;
        if (p[2].revents)
            unwatchReleased();
        for (const watch::WatchEvent &ev : watcher->take()) {
            switch (ev.type) {
            case watch::WatchEvent::Type::Change:
                nameChanged(ev.change.layer, ev.change.path);
                if (!ev.change.otherPath.empty())
                    nameChanged(ev.change.layer, ev.change.otherPath);
                break;
            case watch::WatchEvent::Type::Overflow:
                overflowed();
                break;
            case watch::WatchEvent::Type::Problem:
                say(f, "lowerwatch: " + ev.problem.message(), 2);
                break;
            }
        }
    }
}

void LowerWatch::Impl::nameChanged(int layer, const std::string &path)
{
    if (path.empty())
        return; // the layer root itself: nothing the union names
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash);
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    std::vector<Key> keys;
    std::vector<Key> below; // union dirs whose lower dir is this path or lies below it
    {
        std::lock_guard g(mutex);
        if (auto it = dirsAt.find({layer, dir}); it != dirsAt.end())
            keys = it->second;
        // Under the same union name as in the layer, re-resolving the name in its
        // parent reaches them (restack), but a union dir reached through a redirect
        // (a renamed or exchanged dir) has its lower dir under another name.
        // In every layer: a name appearing in this layer (a whiteout, a dir, an
        // opaque one) changes what a lookup of the same path finds in the layers
        // below, where the union dir's lower dirs are.
        for (int l = 0; l < static_cast<int>(roots.size()); ++l)
            for (auto it = dirsAt.lower_bound({l, path});
                 it != dirsAt.end() && it->first.first == l && it->first.second.starts_with(path); ++it)
                if (it->first.second.size() == path.size() || it->first.second[path.size()] == '/')
                    for (const Key &k : it->second)
                        if (std::find(below.begin(), below.end(), k) == below.end())
                            below.push_back(k);
    }
    for (const Key &k : keys)
        refresh(k, name);
    for (const Key &k : below)
        refreshDir(k);
}

void LowerWatch::Impl::refreshDir(const Key &key)
{
    Key parent;
    std::string name;
    {
        std::lock_guard t(f.table);
        auto it = f.inodes.find(key);
        if (it == f.inodes.end() || !it->second || !it->second->parent)
            return; // forgotten, or the root
        parent = {it->second->parent->keyDev, it->second->parent->keyIno};
        name = it->second->name;
    }
    refresh(parent, name);
}

Pin LowerWatch::Impl::pin(Inode &i, Work &w)
{
    if (&i == &f.root)
        return {&f.root, FUSE_ROOT_ID};
    ++i.childRefs;
    w.pins.push_back({&i, f.nodeId(i)});
    return w.pins.back();
}

std::vector<Pin> LowerWatch::Impl::knownChildDirs(Inode &parent, Work &w)
{
    std::vector<Pin> out;
    std::lock_guard t(f.table);
    for (Inode *in : engine::knownChildDirs(f, parent))
        out.push_back(pin(*in, w));
    return out;
}

// Resolves `name` again in `resolveIn` (its parent's stack as it is now). A
// directory the kernel holds under the same identity gets the new lower stack,
// and so, recursively, do the directories the kernel holds beneath it: a lower
// dir that appeared (or went, or turned opaque) under a merged dir changes the
// stacks of every known dir below, and no event names them (their new lower
// dirs were not watched yet). `old` is what the kernel last knew under the name
// in `oldParent`; when it is not kept, its dentry is dropped. Fs::tree exclusive.
void LowerWatch::Impl::restack(Inode &resolveIn, const Pin &oldParent, Inode *old, const std::string &name, Work &w,
                               int depth)
{
    if (depth > 256 || ensureFds(f, resolveIn) != 0)
        return;
    auto r = resolveChild(f, resolveIn, name);
    Inode *next = nullptr; // where the names below are resolved now
    Inode *known = nullptr;
    if (r && r->inode && r->inode->isDir()) {
        std::lock_guard t(f.table);
        if (auto it = f.inodes.find({r->inode->keyDev, r->inode->keyIno}); it != f.inodes.end() && it->second) {
            Inode &k = *it->second;
            if (k.isDir() && !k.evicted.load(std::memory_order_acquire)) {
                uncountFds(f, k);
                std::swap(k.lowers, r->inode->lowers);
                countFds(f, k);
                known = &k;
                w.restacked.push_back(pin(k, w));
            }
        }
        if (known) {
            next = known;
        } else {
            w.fresh.push_back(std::move(r->inode));
            next = w.fresh.back().get();
        }
    }
    if (depth > 0 && old && old != known)
        w.entries.emplace_back(oldParent, name);
    if (!next || !old || !old->isDir())
        return; // gone, or no longer a directory: dropping the entry drops what lay below
    for (const Pin &c : knownChildDirs(*old, w))
        restack(*next, Pin {old, f.nodeId(*old)}, c.inode, c.inode->name, w, depth + 1);
}

void LowerWatch::Impl::refresh(const Key &dirKey, const std::string &name)
{
    Work w;
    Pin dir, child;
    {
        std::unique_lock tree(f.tree);
        {
            std::lock_guard t(f.table);
            Inode *d = nullptr;
            if (dirKey == Key {f.root.keyDev, f.root.keyIno}) {
                d = &f.root;
            } else if (auto it = f.inodes.find(dirKey); it != f.inodes.end() && it->second) {
                d = it->second.get();
            }
            if (!d)
                return; // forgotten: the kernel holds nothing of it
            dir = pin(*d, w);
            // The object the kernel last knew under this name (its attributes, pages).
            if (Inode *in = knownChild(f, *d, name))
                child = pin(*in, w);
        }
        // The engine's own cache: a known directory keeps the lower stack it was
        // resolved with (internInode returns it as it is), so give it the new one.
        restack(*dir.inode, dir, child.inode, name, w, 0);
        w.fresh.clear(); // before the tree lock goes: their fds count nowhere
    }
    // Their new lower directories are read from now on: watch them too.
    for (const Pin &p : w.restacked) {
        std::shared_lock tree(f.tree);
        note(*p.inode, true);
    }
    // No engine lock held from here: the kernel takes the directory's i_rwsem.
    for (const Pin &p : w.restacked)
        fuse_lowlevel_notify_inval_inode(f.session, p.id, 0, 0);
    for (const auto &[parent, entry] : w.entries)
        fuse_lowlevel_notify_inval_entry(f.session, parent.id, entry.data(), entry.size());
    fuse_lowlevel_notify_inval_entry(f.session, dir.id, name.data(), name.size());
    fuse_lowlevel_notify_inval_inode(f.session, dir.id, 0, 0); // listing cache, attributes
    if (child.inode)
        fuse_lowlevel_notify_inval_inode(f.session, child.id, 0, 0);
    for (auto it = w.pins.rbegin(); it != w.pins.rend(); ++it)
        unpin(f, *it);
}

void LowerWatch::Impl::overflowed()
{
    // Changes were lost: every name the kernel holds may be stale. The epoch bump
    // (protocol 7.44) drops every dentry lazily; listings and attributes of the
    // registered directories are dropped one by one.
    (void)libfuse318::notifyIncrementEpoch(f.session);
    std::vector<Key> keys;
    {
        std::lock_guard g(mutex);
        keys.assign(noted.begin(), noted.end());
    }
    for (const Key &k : keys) {
        Pin p;
        {
            std::lock_guard t(f.table);
            if (k == Key {f.root.keyDev, f.root.keyIno}) {
                p = {&f.root, FUSE_ROOT_ID};
            } else if (auto it = f.inodes.find(k); it != f.inodes.end() && it->second) {
                ++it->second->childRefs;
                p = {it->second.get(), f.nodeId(*it->second)};
            }
        }
        if (p.inode)
            fuse_lowlevel_notify_inval_inode(f.session, p.id, 0, 0);
        unpin(f, p);
    }
}

LowerWatch::LowerWatch(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{ }

LowerWatch::~LowerWatch()
{
    if (m_impl->thread.joinable()) {
        const uint64_t one = 1;
        (void)!::write(m_impl->stopFd.get(), &one, sizeof(one));
        m_impl->thread.join();
    }
    if (!m_impl->reportPath.empty())
        ::unlink(m_impl->reportPath.c_str());
}

Result<std::unique_ptr<LowerWatch>> LowerWatch::start(Fs &f, int startupFd)
{
    auto impl = std::make_unique<Impl>(f);
    stack::StackSpec spec;
    spec.sourceKind = "directories";
    for (size_t k = 0; k < f.layers.lowers.size(); ++k) {
        auto p = mounts::pathOfFd(f.layers.lowers[k].get());
        if (!p)
            return fail(makeError(f.config.lowerdirs.at(k), "lowerwatch: cannot tell the layer's path"));
        spec.lower.push_back(*p);
        impl->roots.push_back(*p == "/" ? std::string() : *p);
    }
    spec.xattrNamespace = f.layers.ns;
    auto stack = stack::LayerStack::fromSpec(spec);
    if (!stack)
        return fail(stack.error());
    watch::WatchOptions opts;
    // A fanotify filesystem mark would wake the notify thread for every write this
    // daemon makes to an upper on the same filesystem as a lower (the engine
    // benchmark's write rows lost a fifth with it); inotify watches only the lower
    // dirs read, and follows what the kernel holds (forgetDir).
    opts.preferred = watch::Method::Inotify;
    opts.preferredWhy = "a filesystem mark would also report every write the engine makes on that filesystem";
    auto w = watch::StackWatcher::start(*stack, opts);
    if (!w)
        return fail(w.error());
    impl->watcher = std::move(*w);
    watch::EngineReport report;
    for (const watch::LayerWatch &lw : impl->watcher->layers()) {
        const std::string line = "lowerwatch: lower " + std::to_string(lw.layer + 1) + " ("
            + spec.lower.at(static_cast<size_t>(lw.layer)) + ") by " + std::string(watch::methodName(lw.method)) + ": "
            + lw.reason;
        say(f, line, startupFd);
        report.layers.push_back(lw);
    }
    // For `stratactl inspect` of this mount (the lines above are gone with a terminal).
    if (auto published = watch::publishEngineReport(report))
        impl->reportPath = *published;
    else
        say(f, "lowerwatch: " + published.error().message(), startupFd);
    impl->stopFd = UniqueFd(::eventfd(0, EFD_CLOEXEC));
    impl->wakeFd = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!impl->stopFd.valid() || !impl->wakeFd.valid())
        return fail(makeError("lowerwatch", "cannot create an eventfd", errno));
    std::unique_ptr<LowerWatch> lw(new LowerWatch(std::move(impl)));
    lw->noteDir(f.root); // before anything is read from it
    Impl *raw = lw->m_impl.get();
    lw->m_impl->thread = std::thread([raw] { raw->run(); });
    return lw;
}

void LowerWatch::noteDir(const Inode &dir)
{
    m_impl->note(dir, false);
}

void LowerWatch::forgetDir(const Inode &dir)
{
    m_impl->forget({dir.keyDev, dir.keyIno});
}

void watchLowerDirs(Fs &f, const Inode &dir)
{
    if (f.lowerWatch)
        f.lowerWatch->noteDir(dir);
}

void lowerDirForgotten(Fs &f, const Inode &dir)
{
    if (f.lowerWatch && dir.isDir() && dir.hashed)
        f.lowerWatch->forgetDir(dir);
}

} // namespace strata::engine
