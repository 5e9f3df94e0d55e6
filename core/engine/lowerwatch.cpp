// SPDX-License-Identifier: GPL-2.0-or-later
#include "lowerwatch.h"

#include "fdbudget.h"
#include "fs.h"
#include "libfuse318.h"
#include "mounts/captureresolve.h"
#include "resolve.h"
#include "stack/layerstack.h"
#include "watch/stackwatcher.h"

#include <cstdio>
#include <map>
#include <mutex>
#include <poll.h>
#include <sys/eventfd.h>
#include <thread>
#include <unistd.h>
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

} // namespace

struct LowerWatch::Impl {
    Fs &f;
    std::unique_ptr<watch::StackWatcher> watcher;
    std::vector<std::string> roots; // each lower root's path, as /proc/self/fd shows it
    // Leaf lock: never held while taking an engine lock or calling the watcher.
    std::mutex mutex;
    std::unordered_set<Key, KeyHash> noted; // union directories already registered
    std::map<std::pair<int, std::string>, std::vector<Key>> dirsAt; // (lower, path in it) -> union dirs
    UniqueFd stopFd;
    std::thread thread;

    explicit Impl(Fs &fs)
        : f(fs)
    { }

    void note(const Inode &dir, bool again);
    void run();
    void nameChanged(int layer, const std::string &path);
    void refresh(const Key &dirKey, const std::string &name);
    void overflowed();
};

void LowerWatch::Impl::note(const Inode &dir, bool again)
{
    if (!dir.isDir())
        return;
    const Key key {dir.keyDev, dir.keyIno};
    std::vector<std::pair<int, std::string>> toWatch;
    {
        std::lock_guard g(mutex);
        if (!noted.insert(key).second && !again)
            return;
    }
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
    {
        std::lock_guard g(mutex);
        for (const auto &w : toWatch) {
            auto &keys = dirsAt[w];
            if (std::find(keys.begin(), keys.end(), key) == keys.end())
                keys.push_back(key);
        }
    }
    for (const auto &[layer, path] : toWatch)
        (void)watcher->watchDir(layer, path); // a failure is also queued as a Problem event
}

void LowerWatch::Impl::run()
{
    for (;;) {
        pollfd p[2] = {{watcher->notifyFd(), POLLIN, 0}, {stopFd.get(), POLLIN, 0}};
        if (::poll(p, 2, -1) < 0 && errno != EINTR)
            return;
        if (p[1].revents)
            return;
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
                std::fprintf(stderr, "strata-fuse: lowerwatch: %s\n", ev.problem.message().c_str());
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
    {
        std::lock_guard g(mutex);
        if (auto it = dirsAt.find({layer, dir}); it != dirsAt.end())
            keys = it->second;
    }
    for (const Key &k : keys)
        refresh(k, name);
}

void LowerWatch::Impl::refresh(const Key &dirKey, const std::string &name)
{
    Pin dir, child, replaced;
    std::unique_ptr<Inode> fresh;
    {
        std::unique_lock tree(f.tree);
        {
            std::lock_guard t(f.table);
            Inode *d = nullptr;
            if (dirKey == Key {f.root.keyDev, f.root.keyIno}) {
                d = &f.root;
            } else if (auto it = f.inodes.find(dirKey); it != f.inodes.end() && it->second) {
                d = it->second.get();
                ++d->childRefs;
            }
            if (!d)
                return; // forgotten: the kernel holds nothing of it
            dir = {d, f.nodeId(*d)};
            // The object the kernel last knew under this name (its attributes, pages).
            for (auto &[k, in] : f.inodes) {
                if (in && in->parent == d && in->name == name && in->nlookup > 0) {
                    ++in->childRefs;
                    child = {in.get(), f.nodeId(*in)};
                    break;
                }
            }
        }
        // The engine's own cache: a known directory keeps the lower stack it was
        // resolved with (internInode returns it as it is), so give it the new one.
        if (ensureFds(f, *dir.inode) == 0) {
            if (auto r = resolveChild(f, *dir.inode, name); r && r->inode && r->inode->isDir())
                fresh = std::move(r->inode);
        }
        if (fresh) {
            std::lock_guard t(f.table);
            if (auto it = f.inodes.find({fresh->keyDev, fresh->keyIno}); it != f.inodes.end() && it->second) {
                Inode &known = *it->second;
                if (known.isDir() && !known.evicted.load(std::memory_order_acquire)) {
                    uncountFds(f, known);
                    std::swap(known.lowers, fresh->lowers);
                    countFds(f, known);
                    ++known.childRefs;
                    replaced = {&known, f.nodeId(known)};
                }
            }
        }
    }
    fresh.reset();
    if (replaced.inode) {
        // Its new lower directories are read from now on: watch them too.
        {
            std::shared_lock tree(f.tree);
            note(*replaced.inode, true);
        }
        fuse_lowlevel_notify_inval_inode(f.session, replaced.id, 0, 0);
    }
    // No engine lock held from here: the kernel takes the directory's i_rwsem.
    fuse_lowlevel_notify_inval_entry(f.session, dir.id, name.data(), name.size());
    fuse_lowlevel_notify_inval_inode(f.session, dir.id, 0, 0); // listing cache, attributes
    if (child.inode)
        fuse_lowlevel_notify_inval_inode(f.session, child.id, 0, 0);
    unpin(f, replaced);
    unpin(f, child);
    unpin(f, dir);
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
}

Result<std::unique_ptr<LowerWatch>> LowerWatch::start(Fs &f)
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
    auto w = watch::StackWatcher::start(*stack);
    if (!w)
        return fail(w.error());
    impl->watcher = std::move(*w);
    for (const watch::LayerWatch &lw : impl->watcher->layers())
        std::fprintf(stderr, "strata-fuse: lowerwatch: lower %d (%s) by %s: %s\n", lw.layer + 1,
                     spec.lower.at(static_cast<size_t>(lw.layer)).c_str(),
                     std::string(watch::methodName(lw.method)).c_str(), lw.reason.c_str());
    impl->stopFd = UniqueFd(::eventfd(0, EFD_CLOEXEC));
    if (!impl->stopFd.valid())
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

void watchLowerDirs(Fs &f, const Inode &dir)
{
    if (f.lowerWatch)
        f.lowerWatch->noteDir(dir);
}

} // namespace strata::engine
