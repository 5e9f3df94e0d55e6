// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "config.h"
#include "inode.h"
#include "layers.h"

#include <atomic>
#include <fuse_lowlevel.h>
#include <memory>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace strata::engine {

class LowerWatch;

struct KeyHash {
    size_t operator()(const std::pair<dev_t, ino_t> &k) const
    {
        return std::hash<uint64_t> {}(k.first * 0x9e3779b97f4a7c15ULL ^ k.second);
    }
};

// The inode table: what the kernel holds a lookup on, by identity. `table` guards
// the map and every InodeIdentity's parent, name and counts.
struct InodeTable {
    std::mutex table;
    std::unordered_map<std::pair<dev_t, ino_t>, std::unique_ptr<Inode>, KeyHash> inodes;
    // Every interned inode that has a parent, by parent and then name (a view of
    // the child's own Inode::name: it is taken out before the name or the parent
    // changes, and put back after), so "what does the kernel know under this name"
    // (lowerwatch.cpp, after a change on a lower layer) costs one lookup, not a
    // walk of the whole table. Kept by inodetable.cpp alone.
    std::unordered_map<const Inode *, std::unordered_multimap<std::string_view, Inode *>> children;
};

// fd budget (fdbudget.cpp): O_PATH fds held by the inodes in the table, the most
// allowed before idle ones are evicted, and a clock for least-recently-used. No
// lock of its own: counters are atomics, eviction runs under Fs::tree exclusively.
struct FdCounts {
    std::atomic<size_t> heldFds {0};
    size_t fdBudget = SIZE_MAX;
    // After an eviction that could not get under the budget (the fds are held by
    // directories and open files), no new pass before this many are held.
    std::atomic<size_t> fdRetryAt {0};
    std::atomic<uint64_t> useClock {0};
    // Directories whose fds are closed: while there are any, a request reopens
    // the ancestors of what it uses first (fdbudget.cpp ensureFds).
    std::atomic<size_t> evictedDirs {0};
};

// What the session agreed with the kernel and found out at mount: set before the
// first request (or atomics), read without a lock.
struct SessionFacts {
    std::atomic<bool> passthrough {false}; // negotiated and still working
    std::atomic<bool> passthroughUsed {false}; // fuse_passthrough_open succeeded at least once
    std::atomic<unsigned> tempCounter {0};
    // The upper refused O_TMPFILE (a FUSE or network upper may): copy-ups stage
    // every file under a name in work/ from then on (copyup.h CopyTemp).
    std::atomic<bool> tmpfileRefused {false};
    // FUSE_CAP_POSIX_ACL negotiated: the kernel enforces ACLs and leaves the umask
    // to us (it sends modes unmasked, with the caller's umask in fuse_ctx).
    bool posixAcl = false;
    // Creations can take any caller's fsuid/fsgid (callercreds.h).
    bool canSwitchCreds = false;
    // FUSE_CAP_HANDLE_KILLPRIV_V2 negotiated: clearing set-id bits and capabilities
    // on writes, truncates and chowns is the daemon's (ops_attr.cpp killPrivs).
    bool killPrivByDaemon = false;
    bool upperCloseSilent = false; // ops_file.cpp closeReportsNothing() of the upper layer
    bool uringWanted = false; // transport.h chose io_uring; INIT says whether the kernel took it
    fuse_session *session = nullptr;
    LowerWatch *lowerWatch = nullptr; // lowerwatch=on and running (lowerwatch.h); owned by run()
};

// The engine's state: the options, the layer roots (fixed for the mount), the
// union's shape (`tree`, guarding every InodeLayers), and the parts above.
//
// Lock order (a lock is only taken while holding those above it, never below):
//   Inode::copyUpMutex  (InodeCopyUp) held while a file's data is staged without
//            the tree lock and until the staged copy is in place (copyup.h StagedCopy).
//   tree     shared by lookups, readdir, getattr, and by the common creates and
//            unlinks (below); exclusive for every other change of the union's
//            shape (whiteouts, copy-up, rename, rmdir, link, index=on) and for
//            closing idle fds (fdbudget.cpp evictDownTo). InodeLayers changes
//            only under it exclusively. Reads and writes through open files take
//            no lock at all.
//   Inode::dirMutex  (InodeListing) a directory's: held, with tree shared, by a
//            create or unlink in that directory that needs no other change
//            (ops_dir.cpp createUnderDirLock: the parent has its upper, no
//            whiteout at the name, the object pure upper), so creates in
//            different directories run in parallel. Such a request changes only
//            the upper directory's entries and the inode table; whatever else it
//            finds it needs, it drops both locks and starts again under tree
//            exclusively.
//   table    (InodeTable) the inode map, lookup counts, Inode::parent/name.
//   Inode::fdMutex    (InodeFds) reopening an evicted inode's fds (fdbudget.cpp).
//   Inode::openMutex  (InodeOpen) open count and passthrough backing id.
// LowerWatch's own mutex (lowerwatch.cpp) is a leaf: nothing is taken under it.
struct Fs
    : InodeTable
    , FdCounts
    , SessionFacts {
    Config config;
    Layers layers;
    Inode root;
    std::shared_mutex tree;

    // A node id the engine itself just handed out; one from the kernel goes
    // through checkedInode() (ops.h OpStart).
    Inode &inode(fuse_ino_t ino) { return ino == FUSE_ROOT_ID ? root : *reinterpret_cast<Inode *>(ino); }
    fuse_ino_t nodeId(Inode &i) { return &i == &root ? FUSE_ROOT_ID : reinterpret_cast<fuse_ino_t>(&i); }
    int workFd() const { return layers.work.get(); }
    bool readOnly() const { return layers.readOnly(); }
};

// The inode the kernel names by `ino`, or null (with a line on stderr) when `ino`
// is not a live Inode: 0, or a node id the engine never handed out or has freed.
// The kernel only names inodes it holds a lookup on, so null means an engine bug
// or a confused kernel; the caller replies EIO instead of acting on a stray pointer.
Inode *checkedInode(Fs &f, fuse_ino_t ino);

Fs &fs(fuse_req_t req);

// Inode table (inodetable.cpp).
// Registers a freshly resolved object, or returns the inode already known under
// the same identity; either way one lookup reference is taken for the kernel.
Inode &internInode(Fs &f, std::unique_ptr<Inode> fresh);
void forgetInode(Fs &f, Inode &i, uint64_t n);
// Takes `i` out of the table (its name is gone); it lives on until forgotten.
void unhashInode(Fs &f, Inode &i);
// Moves `i` under a new identity (copy-up without origin).
void rekeyInode(Fs &f, Inode &i, dev_t dev, ino_t ino);
void setParent(Fs &f, Inode &child, Inode *parent, const std::string &name);
// The inode the kernel knows under this identity, if any.
Inode *findInode(Fs &f, dev_t dev, ino_t ino);
// The inode in the table the kernel holds a lookup on under `name` in `parent`,
// if any. Fs::table held.
Inode *knownChild(Fs &f, const Inode &parent, std::string_view name);
// The directories in the table the kernel holds a lookup on under `parent`.
// Fs::table held.
std::vector<Inode *> knownChildDirs(Fs &f, const Inode &parent);

} // namespace strata::engine
