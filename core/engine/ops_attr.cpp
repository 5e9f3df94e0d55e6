// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops.h"

#include "copyup.h"
#include "fdbudget.h"
#include "resolve.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <vector>

namespace strata::engine {

namespace {

// The caller is in group `gid` (its fsgid or a supplementary group), as the
// kernel's in_group_p() asks for the caller of a write or truncate.
bool callerInGroup(fuse_req_t req, gid_t gid)
{
    if (fuse_req_ctx(req)->gid == gid)
        return true;
    std::vector<gid_t> groups(64);
    int n = fuse_req_getgroups(req, static_cast<int>(groups.size()), groups.data());
    if (n > static_cast<int>(groups.size())) {
        groups.resize(static_cast<size_t>(n));
        n = fuse_req_getgroups(req, n, groups.data());
    }
    for (int k = 0; k < n && k < static_cast<int>(groups.size()); ++k)
        if (groups[static_cast<size_t>(k)] == gid)
            return true;
    return false;
}

// Which SETATTRs ask the daemon to clear set-id bits (FUSE_CAP_HANDLE_KILLPRIV_V2;
// fs/fuse/dir.c fuse_setattr drops ATTR_KILL_SUID/SGID and the ATTR_MODE the VFS
// derived from them, and fuse_do_setattr adds FATTR_KILL_SUIDGID instead):
// - FATTR_KILL_SUIDGID (libfuse passes it as FUSE_SET_ATTR_KILL_SUID) with a size:
//   a truncate by a caller without CAP_FSETID;
// - with a uid or gid: every chown of a non-directory. The upper's own chown (the
//   daemon's fchownat) clears the bits as the kernel's chown does for its caller
//   when that caller is root; another caller's rule is the one below;
// - no attribute at all: what is left of file_remove_privs()'s notify_change
//   (fs/inode.c __remove_privs: ATTR_FORCE plus the kill bits) once fuse_setattr
//   dropped the kill bits. The kernel sends it when a caller without CAP_FSETID
//   writes a set-id file, or anyone writes a file with security.capability, or
//   for chown(f, -1, -1). A passthrough write reaches the daemon only this way:
//   backing_file_write_iter() runs file_remove_privs() on the FUSE file as the
//   caller, then writes the upper file with the daemon's credentials, whose
//   CAP_FSETID would keep the bits.
bool killRequested(int valid, uid_t caller)
{
    constexpr int attrs = FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID | FUSE_SET_ATTR_SIZE
        | FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW
        | FUSE_SET_ATTR_CTIME;
    if (valid & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID))
        return caller != 0;
    if (valid & FUSE_SET_ATTR_KILL_SUID)
        return true;
    return (valid & attrs) == 0;
}

// chmod of the object `fd` (O_PATH) refers to: fchmodat2 with AT_EMPTY_PATH (Linux
// 6.6) walks no /proc/self/fd path; a kernel or libc without it falls back to one.
int chmodFd(int fd, mode_t mode)
{
    if (::fchmodat(fd, "", mode, AT_EMPTY_PATH) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
        return errno;
    return ::chmod(procPath(fd).c_str(), mode) == 0 ? 0 : errno;
}

int applyAttrs(Fs &f, Inode &i, const struct stat *attr, int valid, fuse_file_info *fi)
{
    const int fd = i.upper.get();
    const bool link = (i.type & S_IFMT) == S_IFLNK;
    if (valid & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
        const uid_t uid = (valid & FUSE_SET_ATTR_UID) ? attr->st_uid : static_cast<uid_t>(-1);
        const gid_t gid = (valid & FUSE_SET_ATTR_GID) ? attr->st_gid : static_cast<gid_t>(-1);
        if (::fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
            return errno;
    }
    if (valid & FUSE_SET_ATTR_MODE)
        if (const int err = chmodFd(fd, attr->st_mode & 07777))
            return err;
    if (valid & FUSE_SET_ATTR_SIZE) {
        // A writable open is always on the upper file (open copies up first).
        const int rc = fi ? ::ftruncate(static_cast<int>(fi->fh), attr->st_size)
                          : ::truncate(procPath(fd).c_str(), attr->st_size);
        if (rc != 0)
            return errno;
    }
    if (valid & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME)) {
        struct timespec tv[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
        if (valid & FUSE_SET_ATTR_ATIME_NOW)
            tv[0].tv_nsec = UTIME_NOW;
        else if (valid & FUSE_SET_ATTR_ATIME)
            tv[0] = attr->st_atim;
        if (valid & FUSE_SET_ATTR_MTIME_NOW)
            tv[1].tv_nsec = UTIME_NOW;
        else if (valid & FUSE_SET_ATTR_MTIME)
            tv[1] = attr->st_mtim;
        // AT_EMPTY_PATH (Linux 5.8): the object itself, no /proc/self/fd path walked.
        int rc = link && i.parent ? ::utimensat(i.parent->upper.get(), i.name.c_str(), tv, AT_SYMLINK_NOFOLLOW)
                                  : ::utimensat(fd, "", tv, AT_EMPTY_PATH);
        if (rc != 0 && errno == EINVAL && !(link && i.parent))
            rc = ::utimensat(AT_FDCWD, procPath(fd).c_str(), tv, 0);
        if (rc != 0)
            return errno;
    }
    (void)f;
    return 0;
}

} // namespace

int killPrivs(fuse_req_t req, Inode &i)
{
    if ((i.type & S_IFMT) != S_IFREG || !i.upper.valid())
        return 0;
    const int fd = i.upper.get();
    struct stat st {};
    if (::fstatat(fd, "", &st, AT_EMPTY_PATH) != 0)
        return errno;
    const mode_t mode = st.st_mode & 07777;
    // attr.c setattr_should_drop_sgid for a caller without CAP_FSETID.
    mode_t kill = S_ISUID;
    if ((mode & S_ISGID) && ((mode & S_IXGRP) || !callerInGroup(req, st.st_gid)))
        kill |= S_ISGID;
    if (mode & kill)
        if (const int err = chmodFd(fd, mode & ~kill))
            return err;
    // commoncap.c cap_inode_killpriv: capabilities go on every write, truncate and
    // chown. Removing the name takes CAP_SETFCAP even where it is absent
    // (cap_inode_removexattr), which an unprivileged daemon lacks: asked first.
    const std::string path = procPath(fd);
    if (::getxattr(path.c_str(), "security.capability", nullptr, 0) >= 0
        && ::removexattr(path.c_str(), "security.capability") != 0 && errno != ENODATA)
        return errno;
    return 0;
}

void opSetattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int valid, fuse_file_info *fi)
{
    OpStart op(req, ino, OpStart::Writes);
    if (op.replyIfFailed(req))
        return;
    Fs &f = op.f;
    Inode &i = op.inode();
    // Every attribute change copies up first (inode.c ovl_setattr); a size change
    // copies the data too, then truncates (none to copy when truncating to 0, as
    // with O_TRUNC). The data is staged before the lock.
    const bool toZero = (valid & FUSE_SET_ATTR_SIZE) && attr->st_size == 0;
    StagedCopy staged = stageCopyUp(f, i, toZero);
    auto g = lockTreeForChange(f);
    if (const int err = ensureFds(f, i)) {
        fuse_reply_err(req, err);
        return;
    }
    if (auto r = (valid & FUSE_SET_ATTR_SIZE) ? copyUpData(f, i, toZero, &staged) : copyUp(f, i, false, &staged); !r) {
        fuse_reply_err(req, r.error().code ? r.error().code : EIO);
        return;
    }
    if (const int err = applyAttrs(f, i, attr, valid, fi)) {
        fuse_reply_err(req, err);
        return;
    }
    if (f.killPrivByDaemon && killRequested(valid, fuse_req_ctx(req)->uid))
        if (const int err = killPrivs(req, i)) {
            fuse_reply_err(req, err);
            return;
        }
    auto st = inodeStat(f, i);
    if (!st)
        fuse_reply_err(req, st.error().code ? st.error().code : EIO);
    else
        fuse_reply_attr(req, &*st, f.config.timeout);
    g.unlock();
    relieveFdPressure(f);
}

} // namespace strata::engine
