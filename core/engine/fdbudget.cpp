// SPDX-License-Identifier: GPL-2.0-or-later
#include "fdbudget.h"

#include "resolve.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sys/resource.h>
#include <vector>

namespace strata::engine {

namespace {

unsigned fdsOf(const Inode &i)
{
    return (i.upper.valid() ? 1U : 0U) + static_cast<unsigned>(i.lowers.size());
}

// Only what can be found again by name alone, and is not in use. Directories
// too: a child reopened later reopens its parents first (ensureFds), and open
// directory handles hold a listing, not an fd.
bool evictable(Fs &f, Inode &i)
{
    // A metacopy file keeps its fds: its data fd comes from a lookup, not a name.
    if (&i == &f.root || !i.hashed || !i.parent || i.heldFds == 0 || i.copyingUp || i.metacopy
        || i.evicted.load(std::memory_order_relaxed))
        return false;
    std::lock_guard og(i.openMutex);
    return i.nopen == 0 && i.backingId == 0;
}

// One link: no other name could have moved or removed the one we keep. A
// directory has one name whatever its link count says.
bool singleLink(const Inode &i)
{
    if (i.isDir())
        return true;
    struct stat st {};
    return ::fstatat(i.realFd(), "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0 && st.st_nlink == 1;
}

// Fs::tree held exclusively: nobody else is using any inode's fds.
void evictDownTo(Fs &f, size_t target)
{
    std::lock_guard g(f.table);
    const size_t held = f.heldFds.load();
    if (held <= target)
        return;
    // Ordered by last use; at the same time (a request touches its ancestors
    // with its own time) files before directories, which the next use of any
    // child would have to reopen first.
    std::vector<std::pair<uint64_t, Inode *>> idle;
    for (auto &[key, p] : f.inodes)
        if (evictable(f, *p))
            idle.emplace_back(p->lastUse.load(std::memory_order_relaxed) * 2 + (p->isDir() ? 1 : 0), p.get());
    std::sort(idle.begin(), idle.end());
    size_t freed = 0;
    for (auto &[use, i] : idle) {
        if (held - freed <= target)
            break;
        if (!singleLink(*i))
            continue;
        freed += i->heldFds;
        uncountFds(f, *i);
        i->upper.reset();
        for (auto &l : i->lowers)
            l.fd.reset();
        if (i->isDir())
            ++f.evictedDirs;
        i->evicted.store(true, std::memory_order_release);
    }
    // Nothing more to close: every further pass would walk the table in vain.
    f.fdRetryAt = held - freed > f.fdBudget ? held - freed + f.fdBudget / 8 : 0;
    if (f.config.debug)
        std::fprintf(stderr, "strata-fuse: fd budget %zu: closed %zu idle fds (%zu held)\n", f.fdBudget, freed,
                     f.heldFds.load());
}

bool overBudget(const Fs &f)
{
    const size_t held = f.heldFds.load();
    return held > f.fdBudget && held > f.fdRetryAt.load();
}

void takeFds(Fs &f, Inode &i, Inode &fresh)
{
    i.upper = std::move(fresh.upper);
    i.lowers = std::move(fresh.lowers);
    {
        std::lock_guard g(f.table);
        countFds(f, i);
    }
    touchInode(f, i);
    if (i.isDir())
        --f.evictedDirs;
    i.evicted.store(false, std::memory_order_release);
}

// Reopens one evicted inode whose parent has its fds.
int reopen(Fs &f, Inode &i)
{
    std::lock_guard g(i.fdMutex);
    if (!i.evicted.load(std::memory_order_acquire))
        return 0;
    Inode *parent;
    std::string name;
    {
        std::lock_guard t(f.table);
        parent = i.parent;
        name = i.name;
    }
    if (!parent)
        return ESTALE;
    auto r = resolveChild(f, *parent, name);
    if (!r)
        return r.error().code ? r.error().code : EIO;
    if (!r->inode || r->inode->keyDev != i.keyDev || r->inode->keyIno != i.keyIno)
        return ESTALE;
    takeFds(f, i, *r->inode);
    return 0;
}

} // namespace

unsigned long setFdBudget(Fs &f)
{
    rlimit lim {};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0)
        return 0;
    rlim_t nrOpen = 1 << 20;
    std::ifstream("/proc/sys/fs/nr_open") >> nrOpen;
    if (lim.rlim_max < nrOpen) {
        const rlimit want {nrOpen, nrOpen}; // needs CAP_SYS_RESOURCE
        if (::setrlimit(RLIMIT_NOFILE, &want) == 0)
            lim = want;
    }
    if (lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &lim);
    }
    ::getrlimit(RLIMIT_NOFILE, &lim);
    const size_t soft = static_cast<size_t>(std::min<rlim_t>(lim.rlim_cur, 1U << 30));
    // The rest is for directories, open files, /dev/fuse clones and transient fds.
    const size_t reserve = std::max(soft / 4, std::min<size_t>(soft / 2, 256));
    f.fdBudget = soft > 2 * reserve ? soft - reserve : soft / 2;
    if (f.config.debug)
        std::fprintf(stderr, "strata-fuse: RLIMIT_NOFILE %zu, fd budget for idle files %zu\n", soft, f.fdBudget);
    return soft;
}

void countFds(Fs &f, Inode &i)
{
    if (i.heldFds)
        return;
    i.heldFds = fdsOf(i);
    f.heldFds += i.heldFds;
}

void uncountFds(Fs &f, Inode &i)
{
    f.heldFds -= i.heldFds;
    i.heldFds = 0;
}

void countUpperFd(Fs &f, Inode &i)
{
    std::lock_guard g(f.table);
    if (i.heldFds) {
        ++i.heldFds;
        ++f.heldFds;
    }
}

void touchInode(Fs &f, Inode &i)
{
    i.lastUse.store(++f.useClock, std::memory_order_relaxed);
}

int ensureFds(Fs &f, Inode &i)
{
    // No directory evicted (the common case): the ancestors all have their fds.
    if (f.evictedDirs.load(std::memory_order_acquire) == 0) {
        touchInode(f, i);
        return i.evicted.load(std::memory_order_acquire) ? reopen(f, i) : 0;
    }
    // Parents first: a child is reopened through its parent's fds, and copy-up,
    // xattrs and setattr of a symlink use the parents' too. One time for the
    // whole chain, so the ancestors of what is in use are not evicted first.
    std::vector<Inode *> chain;
    {
        std::lock_guard t(f.table);
        for (Inode *p = &i; p && p != &f.root; p = p->parent)
            chain.push_back(p);
    }
    const uint64_t now = ++f.useClock;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        (*it)->lastUse.store(now, std::memory_order_relaxed);
        if ((*it)->evicted.load(std::memory_order_acquire))
            if (const int err = reopen(f, **it))
                return err;
    }
    return 0;
}

void adoptFds(Fs &f, Inode &known, Inode &fresh)
{
    if (&known == &fresh || !known.evicted.load(std::memory_order_acquire)) {
        touchInode(f, known);
        return;
    }
    std::lock_guard g(known.fdMutex);
    if (known.evicted.load(std::memory_order_acquire))
        takeFds(f, known, fresh);
}

std::unique_lock<std::shared_mutex> lockTreeForChange(Fs &f)
{
    std::unique_lock g(f.tree);
    if (overBudget(f))
        evictDownTo(f, f.fdBudget / 4 * 3);
    return g;
}

void relieveFdPressure(Fs &f, bool urgent)
{
    if (!urgent && !overBudget(f))
        return;
    const size_t held = f.heldFds.load();
    std::unique_lock g(f.tree);
    evictDownTo(f, urgent ? std::min(held, f.fdBudget) / 2 : f.fdBudget / 4 * 3);
}

} // namespace strata::engine
