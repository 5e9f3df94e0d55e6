// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops.h"

#include "copyup.h"
#include "fdbudget.h"
#include "resolve.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::engine {

namespace {

int applyAttrs(Fs &f, Inode &i, const struct stat *attr, int valid, fuse_file_info *fi)
{
    const int fd = i.upper.get();
    const std::string path = procPath(fd);
    const bool link = (i.type & S_IFMT) == S_IFLNK;
    if (valid & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
        const uid_t uid = (valid & FUSE_SET_ATTR_UID) ? attr->st_uid : static_cast<uid_t>(-1);
        const gid_t gid = (valid & FUSE_SET_ATTR_GID) ? attr->st_gid : static_cast<gid_t>(-1);
        if (::fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
            return errno;
    }
    if ((valid & FUSE_SET_ATTR_MODE) && ::chmod(path.c_str(), attr->st_mode & 07777) != 0)
        return errno;
    if (valid & FUSE_SET_ATTR_SIZE) {
        // A writable open is always on the upper file (open copies up first).
        const int rc
            = fi ? ::ftruncate(static_cast<int>(fi->fh), attr->st_size) : ::truncate(path.c_str(), attr->st_size);
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
        const int rc = link && i.parent ? ::utimensat(i.parent->upper.get(), i.name.c_str(), tv, AT_SYMLINK_NOFOLLOW)
                                        : ::utimensat(AT_FDCWD, path.c_str(), tv, 0);
        if (rc != 0)
            return errno;
    }
    (void)f;
    return 0;
}

} // namespace

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
    auto st = inodeStat(f, i);
    if (!st)
        fuse_reply_err(req, st.error().code ? st.error().code : EIO);
    else
        fuse_reply_attr(req, &*st, f.config.timeout);
    g.unlock();
    relieveFdPressure(f);
}

} // namespace strata::engine
