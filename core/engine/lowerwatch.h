// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// -o lowerwatch=on: changes made directly on a lower layer while the union is
// mounted show in the mount, as a fresh mount of the same layers would show them.
//
// The lower directories the mount has looked names up in, or listed, are
// registered with a core/watch StackWatcher over the lower layers (inotify, else
// polling, layer by layer; STRATA_WATCH_METHOD=fanotify for filesystem marks)
// BEFORE they are read, so no change between the read and the registration is
// missed. A dedicated notify thread takes the watcher's events and, for each
// changed name:
//   1. under Fs::tree exclusively, resolves the name again and gives a known
//      directory inode its new lower stack (the engine's only cache of layer
//      state that a later lookup does not refresh by itself: internInode keeps
//      the known inode);
//   2. with no engine lock held, tells the kernel to forget the name's dentry
//      (fuse_lowlevel_notify_inval_entry), the directory's attributes and cached
//      listing, and the attributes and page cache of the object last known under
//      the name (fuse_lowlevel_notify_inval_inode).
// Never from a request handler, never holding a lock a handler takes: the kernel
// side of an invalidation waits for the directory's i_rwsem, which a request in
// that directory holds while it waits for its reply (fuse_lowlevel.h).
// Inodes used across the unlocked notifications are pinned by a child reference.

#include "util/error.h"

#include <memory>

namespace strata::engine {

struct Fs;
struct Inode;

class LowerWatch {
public:
    // Starts the watcher over f's lower layers and the notify thread; writes one
    // line per lower layer on `startupFd`: how it is watched and why (without -f
    // also to syslog), and publishes them for `stratactl inspect`
    // (watch/enginereport.h). Call once the session exists and the daemon has
    // forked (threads do not survive fork).
    static Result<std::unique_ptr<LowerWatch>> start(Fs &f, int startupFd);
    ~LowerWatch(); // stops the thread
    LowerWatch(const LowerWatch &) = delete;
    LowerWatch &operator=(const LowerWatch &) = delete;

    // `dir` is about to be read (a name looked up in it, or listed): registers its
    // lower directories once. Fs::tree held (shared is enough).
    void noteDir(const Inode &dir);
    // The kernel forgot `dir` (the engine frees it): its lower dirs that no other
    // known union dir uses are unwatched (by the notify thread, soon after), so the
    // watches (inotify's count against max_user_watches) follow what the kernel
    // holds instead of growing for the mount's whole life. Fs::table held.
    void forgetDir(const Inode &dir);

    struct Impl;

private:
    explicit LowerWatch(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// The hook the engine calls before reading a directory: nothing with lowerwatch=off.
void watchLowerDirs(Fs &f, const Inode &dir);
// The hook the inode table calls as it frees a hashed inode (Fs::table held).
void lowerDirForgotten(Fs &f, const Inode &dir);

} // namespace strata::engine
