// SPDX-License-Identifier: GPL-2.0-or-later
#include "fs.h"

#include "fdbudget.h"
#include "lowerwatch.h"

#include <cstdio>

namespace strata::engine {

namespace {

// The children index (fs.h InodeTable::children). Fs::table held.
void indexChild(Fs &f, Inode &i)
{
    if (i.parent)
        f.children[i.parent].emplace(std::string_view(i.name), &i);
}

void unindexChild(Fs &f, Inode &i)
{
    if (!i.parent)
        return;
    const auto dir = f.children.find(i.parent);
    if (dir == f.children.end())
        return;
    auto [it, end] = dir->second.equal_range(std::string_view(i.name));
    for (; it != end; ++it)
        if (it->second == &i) {
            dir->second.erase(it);
            break;
        }
    if (dir->second.empty())
        f.children.erase(dir);
}

// Drops one internal reference; frees the inode (and walks up to its parent)
// when nothing refers to it any more. Called with f.table held.
void releaseLocked(Fs &f, Inode *i)
{
    while (i && i != &f.root && i->nlookup == 0 && i->childRefs == 0) {
        Inode *parent = i->parent;
        uncountFds(f, *i);
        if (i->isDir() && i->evicted.load(std::memory_order_relaxed))
            --f.evictedDirs;
        lowerDirForgotten(f, *i); // its lower dirs' watches go (lowerwatch.h)
        unindexChild(f, *i);
        if (i->hashed) {
            auto it = f.inodes.find({i->keyDev, i->keyIno});
            if (it != f.inodes.end() && it->second.get() == i) {
                f.inodes.erase(it); // destroys *i
            }
        } else {
            delete i;
        }
        if (!parent)
            break;
        --parent->childRefs;
        i = parent;
    }
}

// The inode under fresh's identity with one more lookup on it: the known one
// (`isKnown`), or `fresh` itself, now in the table. Fs::table held.
Inode &internLocked(Fs &f, std::unique_ptr<Inode> &fresh, bool &isKnown)
{
    auto key = std::make_pair(fresh->keyDev, fresh->keyIno);
    auto it = f.inodes.find(key);
    isKnown = it != f.inodes.end();
    if (isKnown) {
        Inode &known = *it->second;
        ++known.nlookup;
        // Every repeated lookup comes here: the children index is touched only when
        // the name or the parent really changes (a rename, a hard link's other name).
        const bool moves = (fresh->parent && fresh->parent != known.parent) || known.name != fresh->name;
        if (moves)
            unindexChild(f, known);
        // The latest name is the one a copy-up will use.
        if (fresh->parent && fresh->parent != known.parent) {
            ++fresh->parent->childRefs;
            Inode *old = known.parent;
            known.parent = fresh->parent;
            if (old) {
                --old->childRefs;
                releaseLocked(f, old);
            }
        }
        if (moves) {
            known.name = fresh->name;
            indexChild(f, known);
        }
        return known;
    }
    Inode &i = *fresh;
    i.nlookup = 1;
    i.hashed = true;
    if (i.parent)
        ++i.parent->childRefs;
    countFds(f, i);
    indexChild(f, i);
    f.inodes.emplace(key, std::move(fresh));
    return i;
}

} // namespace

Inode &internInode(Fs &f, std::unique_ptr<Inode> fresh)
{
    bool isKnown = false;
    Inode *i;
    {
        std::lock_guard g(f.table);
        i = &internLocked(f, fresh, isKnown);
    }
    // Outside the table lock: reopening takes Inode::fdMutex, which ranks above it.
    if (isKnown)
        adoptFds(f, *i, *fresh);
    else
        touchInode(f, *i);
    return *i;
}

Inode *checkedInode(Fs &f, fuse_ino_t ino)
{
    if (ino == FUSE_ROOT_ID)
        return &f.root;
    // A node id is an Inode's address (fs.h nodeId); a live one carries the mark,
    // which its destructor clears.
    auto *i = reinterpret_cast<Inode *>(ino);
    if (ino == 0 || ino % alignof(Inode) != 0 || i->liveMark != InodeIdentity::kLive) {
        std::fprintf(stderr, "strata-fuse: the kernel named node %#llx, which is no live inode\n",
                     static_cast<unsigned long long>(ino));
        return nullptr;
    }
    return i;
}

void forgetInode(Fs &f, Inode &i, uint64_t n)
{
    if (&i == &f.root)
        return;
    std::lock_guard g(f.table);
    i.nlookup = n > i.nlookup ? 0 : i.nlookup - n;
    releaseLocked(f, &i);
}

void unhashInode(Fs &f, Inode &i)
{
    if (&i == &f.root)
        return;
    std::lock_guard g(f.table);
    if (!i.hashed)
        return;
    auto it = f.inodes.find({i.keyDev, i.keyIno});
    if (it != f.inodes.end() && it->second.get() == &i)
        (void)it->second.release(); // ownership moves to the inode itself until forgotten
    if (it != f.inodes.end() && !it->second)
        f.inodes.erase(it);
    i.hashed = false;
}

void rekeyInode(Fs &f, Inode &i, dev_t dev, ino_t ino)
{
    if (&i == &f.root)
        return;
    std::lock_guard g(f.table);
    if (i.hashed) {
        auto it = f.inodes.find({i.keyDev, i.keyIno});
        if (it != f.inodes.end() && it->second.get() == &i) {
            std::unique_ptr<Inode> own = std::move(it->second);
            f.inodes.erase(it);
            i.keyDev = dev;
            i.keyIno = ino;
            if (!f.inodes.contains({dev, ino})) {
                f.inodes.emplace(std::make_pair(dev, ino), std::move(own));
                return;
            }
            i.hashed = false;
            (void)own.release();
            return;
        }
    }
    i.keyDev = dev;
    i.keyIno = ino;
}

Inode *findInode(Fs &f, dev_t dev, ino_t ino)
{
    std::lock_guard g(f.table);
    auto it = f.inodes.find({dev, ino});
    return it == f.inodes.end() ? nullptr : it->second.get();
}

Inode *knownChild(Fs &f, const Inode &parent, std::string_view name)
{
    const auto dir = f.children.find(&parent);
    if (dir == f.children.end())
        return nullptr;
    auto [it, end] = dir->second.equal_range(name);
    for (; it != end; ++it)
        if (it->second->hashed && it->second->nlookup > 0)
            return it->second;
    return nullptr;
}

std::vector<Inode *> knownChildDirs(Fs &f, const Inode &parent)
{
    std::vector<Inode *> out;
    if (const auto dir = f.children.find(&parent); dir != f.children.end())
        for (const auto &[name, child] : dir->second)
            if (child->hashed && child->isDir() && child->nlookup > 0)
                out.push_back(child);
    return out;
}

void setParent(Fs &f, Inode &child, Inode *parent, const std::string &name)
{
    std::lock_guard g(f.table);
    unindexChild(f, child);
    child.name = name;
    if (child.parent == parent) {
        indexChild(f, child);
        return;
    }
    if (parent)
        ++parent->childRefs;
    Inode *old = child.parent;
    child.parent = parent;
    indexChild(f, child);
    if (old) {
        --old->childRefs;
        releaseLocked(f, old);
    }
}

} // namespace strata::engine
