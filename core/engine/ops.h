// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The FUSE low-level operations, one family per file (mergerfs style):
// ops_lookup.cpp (names, attributes, directories), ops_file.cpp (open files),
// ops_dir.cpp (namespace changes), ops_attr.cpp (setattr), ops_xattr.cpp.

#include "fs.h"

#include <shared_mutex>

namespace strata::engine {

// The errno a reply carries for an engine error.
inline int errOf(const Error &e)
{
    return e.code ? e.code : EIO;
}

// The opening lines an operation on an inode shares: the Fs, the inode the kernel
// named (checkedInode: EIO for a node id that is no live inode), EROFS for a
// change of a read-only union (`writes`), and with `fds` Fs::tree shared and the
// inode's evicted fds reopened (fdbudget.h ensureFds). `err` says whether to go
// on; replyIfFailed() answers the kernel with it. Ops that take the tree lock
// exclusively (lockTreeForChange) do so themselves, after this.
struct OpStart {
    enum Needs : unsigned { JustInode = 0, Writes = 1u << 0, Fds = 1u << 1 };

    OpStart(fuse_req_t req, fuse_ino_t ino, unsigned needs = JustInode);
    // Replies `err` when there is one; true when the request is then done.
    bool replyIfFailed(fuse_req_t req) const;
    Inode &inode() const { return *node; }

    Fs &f;
    Inode *node = nullptr;
    int err = 0;
    std::shared_lock<std::shared_mutex> tree; // held with Fds
};

// Replies for the kernel, with the engine's timeouts; takes one lookup reference.
int lookupEntry(Fs &f, Inode &parent, const std::string &name, fuse_entry_param &e);
void fillEntry(Fs &f, Inode &i, const struct stat &st, fuse_entry_param &e);
// Resolves a name to the inode the kernel knows, or a fresh one (owned by `hold`).
Inode *childFor(Fs &f, Inode &parent, const std::string &name, std::unique_ptr<Inode> &hold, bool *upperWhiteout);

void opLookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void opForget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void opForgetMulti(fuse_req_t req, size_t count, fuse_forget_data *forgets);
void opGetattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info *fi);
void opReadlink(fuse_req_t req, fuse_ino_t ino);
void opOpendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info *fi);
void opReaddir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info *fi);
void opReaddirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info *fi);
void opReleasedir(fuse_req_t req, fuse_ino_t ino, fuse_file_info *fi);
void opStatfs(fuse_req_t req, fuse_ino_t ino);

void opOpen(fuse_req_t req, fuse_ino_t ino, fuse_file_info *fi);
void opRead(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info *fi);
void opWriteBuf(fuse_req_t req, fuse_ino_t ino, fuse_bufvec *buf, off_t off, fuse_file_info *fi);
void opFlush(fuse_req_t req, fuse_ino_t ino, fuse_file_info *fi);
void opRelease(fuse_req_t req, fuse_ino_t ino, fuse_file_info *fi);
void opFsync(fuse_req_t req, fuse_ino_t ino, int datasync, fuse_file_info *fi);
void opFallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len, fuse_file_info *fi);
void opLseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence, fuse_file_info *fi);
// Whether close(2) of a file on fd's filesystem can report anything (FLUSH).
bool closeReportsNothing(int fd);
// Sets up passthrough (or the fallback) for a freshly opened real file.
void setupOpen(fuse_req_t req, Fs &f, Inode &i, int fd, bool upper, fuse_file_info *fi);

void opCreate(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, fuse_file_info *fi);
void opMknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev);
void opMkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode);
void opSymlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name);
void opUnlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void opRmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void opRename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent, const char *newname,
              unsigned int flags);

void opLink(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname);
void opCopyFileRange(fuse_req_t req, fuse_ino_t inoIn, off_t offIn, fuse_file_info *fiIn, fuse_ino_t inoOut,
                     off_t offOut, fuse_file_info *fiOut, size_t len, int flags);

// Clears what a write or truncate by a caller without CAP_FSETID clears on `i`'s
// upper file (attr.c setattr_should_drop_suidgid, commoncap.c cap_inode_killpriv):
// S_ISUID, S_ISGID where the group may execute or the caller is not in the file's
// group, security.capability. The daemon's job once FUSE_CAP_HANDLE_KILLPRIV_V2 is
// negotiated (Fs::killPrivByDaemon); 0 or the errno.
int killPrivs(fuse_req_t req, Inode &i);
void opSetattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int valid, fuse_file_info *fi);

void opGetxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size);
void opListxattr(fuse_req_t req, fuse_ino_t ino, size_t size);
void opSetxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value, size_t size, int flags);
void opRemovexattr(fuse_req_t req, fuse_ino_t ino, const char *name);

} // namespace strata::engine
