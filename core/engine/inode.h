// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// One union object as the kernel's FUSE side knows it. The fuse_ino_t handed to
// the kernel is the Inode's address (as in libfuse's passthrough_hp.cc); the
// st_ino reported is the real file's, or its copy-up origin's, so inode numbers
// are those kernel overlayfs reports for layers on one filesystem.
//
// An Inode is made of parts, each with one job and one lock guarding it:
//   InodeIdentity  the table key, the inode number, the last known parent and
//                  name, lookup counts: Fs::table (the engine-wide table lock).
//   InodeLayers    the real objects in the layers (upper, lowers, data) and the
//                  markers read with them: Fs::tree; changed only with it held
//                  exclusively (a few flags are atomics, said where).
//   InodeFds       the fd budget's state of those handles: fdMutex, for reopening.
//   InodeListing   a directory's entries in its upper, created or removed with
//                  Fs::tree only shared: dirMutex.
//   InodeCopyUp    a staged data copy-up without the tree lock: copyUpMutex.
//   InodeOpen      the open files' shared passthrough backing: openMutex.
// The order in which these locks are taken is written once, in fs.h (struct Fs).
// The parts keep the member names the op bodies use (`inode.upper`,
// `inode.nopen`), so splitting them changed no access site.

#include "util/uniquefd.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <sys/stat.h>
#include <sys/types.h>
#include <vector>

namespace strata::engine {

struct Inode;

struct LowerDir {
    int layer = 0; // index into Layers::lowers
    UniqueFd fd; // O_PATH
    bool xwhiteouts = false; // opaque=x in a middle lower layer: children may be xattr whiteouts
};

// Guarded by Fs::table (parent, name, hashed, the counts); the key and type are
// set before the inode enters the table and change only by rekeyInode().
struct InodeIdentity {
    // A live Inode carries this; checkedInode() (fs.h) refuses a fuse_ino_t
    // without it rather than act on a stray pointer.
    static constexpr uint64_t kLive = 0x5354524154414e4fULL; // "STRATANO"
    uint64_t liveMark = kLive;

    // The table key. For a copied-up object with an origin it stays the
    // lower's, so copy-up changes nothing the kernel has cached.
    dev_t keyDev = 0;
    ino_t keyIno = 0;
    ino_t stIno = 0;
    mode_t type = 0; // S_IFMT bits
    Inode *parent = nullptr; // last known union parent (holds a ref); null for the root
    std::string name; // last known name in parent
    bool hashed = false; // in the table (set by internInode); false once unlinked or replaced
    // Lookup counting (kernel nlookup plus children holding a parent ref).
    uint64_t nlookup = 0;
    uint64_t childRefs = 0;

    InodeIdentity() = default;
    InodeIdentity(const InodeIdentity &) = delete;
    InodeIdentity &operator=(const InodeIdentity &) = delete;
    // A volatile store: the compiler may not drop it as dead at the end of life.
    ~InodeIdentity() { *static_cast<volatile uint64_t *>(&liveMark) = 0; }

    bool isDir() const { return (type & S_IFMT) == S_IFDIR; }
};

// Layer state; changed only under Fs::tree held exclusively.
struct InodeLayers {
    UniqueFd upper; // O_PATH of the upper object, invalid when lower only
    std::vector<LowerDir> lowers; // dirs: merge stack below the upper; non-dirs: the data source
    bool opaque = false; // upper dir hides everything below (opaque=y)
    // overlay.impure known to be set on the upper dir. Atomic: a lookup under the
    // shared tree lock may set it (ovl_fix_origin marks the parent impure).
    std::atomic<bool> impure {false};
    bool hasOrigin = false;
    std::string redirect; // overlay.redirect of the upper dir, as stored ("" when none)
    std::string indexName; // index=on, a lower with several links: its workdir/index entry
    // Metacopy (overlay.metacopy on the upper or on the top lower file): the object
    // shows its own metadata and the data of `data`, a regular file in a lower
    // layer below or in a data-only layer (namei.c ovl_lookup: the lower stack
    // keeps the top metacopy and the data, nothing in between).
    bool metacopy = false;
    UniqueFd data; // O_PATH; invalid when the data-only lookup failed (dataErr)
    int dataErr = 0; // errno for opening: the kernel's lazy data lookup failed
    bool dataInDataLayer = false; // found in a data-only layer (looked up lazily by the kernel)
    std::atomic<bool> dataOpened {false}; // since then st_blocks is the data's (ovl_getattr)
    // The upper object has no security.capability: read absent, or created through
    // this mount. The GETXATTR the kernel sends before a write and a chown is then
    // answered without a syscall (ops_xattr.cpp). Set under Fs::tree shared, cleared
    // by every xattr change (Fs::tree exclusive); the upper changes only through us.
    std::atomic<bool> upperNoCaps {false};
};

// fd budget (fdbudget.cpp): an idle non-directory's O_PATH fds may be closed
// (under Fs::tree exclusively) and reopened from parent + name on next use.
struct InodeFds {
    std::atomic<bool> evicted {false};
    std::atomic<uint64_t> lastUse {0};
    std::mutex fdMutex; // serialises reopening
    unsigned heldFds = 0; // what this inode adds to Fs::heldFds (Fs::table held)
};

// Directories: serialises the creates and unlinks in this directory that run with
// Fs::tree only shared (ops_dir.cpp createUnderDirLock), so one name is made once.
struct InodeListing {
    std::mutex dirMutex;
};

struct InodeCopyUp {
    std::atomic<bool> copyingUp {false}; // data copy in progress without the tree lock: keep the fds
    std::mutex copyUpMutex; // one staged data copy at a time (copyup.h StagedCopy)
};

// Open files: one passthrough backing id per inode, shared by its opens.
struct InodeOpen {
    std::mutex openMutex;
    unsigned nopen = 0;
    int backingId = 0;
    bool backingUpper = false; // the backing file is the upper (else the lower)
};

struct Inode
    : InodeIdentity
    , InodeLayers
    , InodeFds
    , InodeListing
    , InodeCopyUp
    , InodeOpen {
    bool merged() const { return isDir() && (upper.valid() ? !lowers.empty() : lowers.size() > 1); }
    int realFd() const { return upper.valid() ? upper.get() : (lowers.empty() ? -1 : lowers.front().fd.get()); }
};

} // namespace strata::engine
