// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops.h"

#include "copyup.h"
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"
#include "resolve.h"

#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::engine {

namespace {

int errOf(const Error &e)
{
    return e.code ? e.code : EIO;
}

struct NewObject {
    mode_t mode = 0; // with S_IFMT
    dev_t rdev = 0;
    const char *link = nullptr;
    fuse_file_info *fi = nullptr; // create(): open the new file
};

// Creates the object under a temp name in workdir/work with its final owner,
// mode and opaque marker, then renames it into place: over a whiteout
// (dir.c ovl_create_over_whiteout, a directory exchanged with it and marked
// opaque), or where nothing is. A directory made inside a merge directory is
// opaque too (ovl_create_upper with redirect_dir=on), so lookups stop there.
int createObject(fuse_req_t req, fuse_ino_t parentIno, const char *name, const NewObject &o, fuse_entry_param &e,
                 int *openFd)
{
    Fs &f = fs(req);
    if (f.readOnly())
        return EROFS;
    std::unique_lock g(f.tree);
    Inode &parent = f.inode(parentIno);
    bool whiteout = false;
    std::unique_ptr<Inode> hold;
    if (childFor(f, parent, name, hold, &whiteout))
        return EEXIST;
    if (auto r = copyUp(f, parent); !r)
        return errOf(r.error());
    const int pdir = parent.upper.get();
    const int work = f.workFd();
    const fuse_ctx *ctx = fuse_req_ctx(req);
    struct stat pst {};
    ::fstatat(pdir, "", &pst, AT_EMPTY_PATH);
    const uid_t uid = ctx->uid;
    const gid_t gid = (pst.st_mode & S_ISGID) ? pst.st_gid : ctx->gid;
    mode_t perm = o.mode & 07777;
    const mode_t type = o.mode & S_IFMT;
    if (type == S_IFDIR && (pst.st_mode & S_ISGID))
        perm |= S_ISGID;

    const std::string tmp = tempName(f);
    UniqueFd fd;
    int rc = 0;
    switch (type) {
    case S_IFREG:
        if (o.fi) {
            fd = UniqueFd(
                ::openat(work, tmp.c_str(), (o.fi->flags | O_CREAT | O_EXCL | O_CLOEXEC) & ~O_NOFOLLOW, perm));
            rc = fd ? 0 : -1;
        } else {
            rc = ::mknodat(work, tmp.c_str(), S_IFREG | perm, 0);
        }
        break;
    case S_IFDIR:
        rc = ::mkdirat(work, tmp.c_str(), perm);
        break;
    case S_IFLNK:
        rc = ::symlinkat(o.link, work, tmp.c_str());
        break;
    default:
        rc = ::mknodat(work, tmp.c_str(), type | perm, o.rdev);
    }
    if (rc != 0)
        return errno;
    auto cleanup = [&](int err) {
        ::unlinkat(work, tmp.c_str(), type == S_IFDIR ? AT_REMOVEDIR : 0);
        return err;
    };
    if (::fchownat(work, tmp.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0)
        return cleanup(errno);
    if (type != S_IFLNK && ::fchmodat(work, tmp.c_str(), perm, 0) != 0)
        return cleanup(errno);
    if (type == S_IFDIR && (whiteout || parent.merged()))
        if (auto r = ovl::setOpaque(work, tmp, f.layers.ns, ovl::Opaque::Yes); !r)
            return cleanup(errOf(r.error()));
    if (whiteout && type == S_IFDIR) {
        if (::renameat2(work, tmp.c_str(), pdir, name, RENAME_EXCHANGE) != 0)
            return cleanup(errno);
        ::unlinkat(work, tmp.c_str(), 0); // the whiteout, swapped out
    } else if (::renameat2(work, tmp.c_str(), pdir, name, whiteout ? 0 : RENAME_NOREPLACE) != 0) {
        return cleanup(errno);
    }
    const int err = lookupEntry(f, parent, name, e);
    if (err == 0 && openFd)
        *openFd = fd.release();
    return err;
}

void replyCreated(fuse_req_t req, int err, const fuse_entry_param &e)
{
    if (err)
        fuse_reply_err(req, err);
    else
        fuse_reply_entry(req, &e);
}

// Forget the name's inode in the table once its last name is gone.
void dropName(Fs &f, Inode *child, bool lastName)
{
    if (child && lastName)
        unhashInode(f, *child);
}

} // namespace

void opCreate(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, fuse_file_info *fi)
{
    Fs &f = fs(req);
    fuse_entry_param e {};
    int fd = -1;
    NewObject o;
    o.mode = S_IFREG | (mode & 07777);
    o.fi = fi;
    const int err = createObject(req, parent, name, o, e, &fd);
    if (err) {
        fuse_reply_err(req, err);
        return;
    }
    setupOpen(req, f, f.inode(e.ino), fd, true, fi);
    fuse_reply_create(req, &e, fi);
}

void opMknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
    if (S_ISCHR(mode) && rdev == 0) {
        fuse_reply_err(req, EPERM); // no whiteouts through the union (dir.c ovl_mknod)
        return;
    }
    fuse_entry_param e {};
    NewObject o;
    o.mode = mode;
    o.rdev = rdev;
    replyCreated(req, createObject(req, parent, name, o, e, nullptr), e);
}

void opMkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
    fuse_entry_param e {};
    NewObject o;
    o.mode = S_IFDIR | (mode & 07777);
    replyCreated(req, createObject(req, parent, name, o, e, nullptr), e);
}

void opSymlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
    fuse_entry_param e {};
    NewObject o;
    o.mode = S_IFLNK | 0777;
    o.link = link;
    replyCreated(req, createObject(req, parent, name, o, e, nullptr), e);
}

static int removeName(fuse_req_t req, fuse_ino_t parentIno, const char *name, bool isDir)
{
    Fs &f = fs(req);
    if (f.readOnly())
        return EROFS;
    std::unique_lock g(f.tree);
    Inode &parent = f.inode(parentIno);
    std::unique_ptr<Inode> hold;
    Inode *child = childFor(f, parent, name, hold, nullptr);
    if (!child)
        return ENOENT;
    if (child->isDir() != isDir)
        return isDir ? ENOTDIR : EISDIR;
    bool upperWhiteouts = false;
    if (isDir) {
        auto entries = mergedEntries(f, *child, false, &upperWhiteouts);
        if (!entries)
            return errOf(entries.error());
        if (!entries->empty())
            return ENOTEMPTY;
    }
    if (auto r = copyUp(f, parent); !r)
        return errOf(r.error());
    const int pdir = parent.upper.get();
    const bool positive = !child->upper.valid() || lowerPositive(f, parent, name);
    bool lastName = true;
    if (positive) {
        if (auto r = whiteoutAt(f, pdir, name, isDir); !r)
            return errOf(r.error());
    } else {
        if (!isDir) {
            struct stat st {};
            if (::fstatat(child->upper.get(), "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0)
                lastName = st.st_nlink <= 1;
        } else if (upperWhiteouts) {
            removeBelow(child->upper.get()); // only whiteouts are left in it
        }
        if (::unlinkat(pdir, name, isDir ? AT_REMOVEDIR : 0) != 0)
            return errno;
    }
    dropName(f, child, lastName);
    return 0;
}

void opUnlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    fuse_reply_err(req, removeName(req, parent, name, false));
}

void opRmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    fuse_reply_err(req, removeName(req, parent, name, true));
}

static int renameName(fuse_req_t req, fuse_ino_t parentIno, const char *name, fuse_ino_t newParentIno,
                      const char *newname, unsigned int flags)
{
    Fs &f = fs(req);
    if (flags & ~RENAME_NOREPLACE)
        return EINVAL; // RENAME_EXCHANGE: a later slice
    if (f.readOnly())
        return EROFS;
    std::unique_lock g(f.tree);
    Inode &parent = f.inode(parentIno);
    Inode &newParent = f.inode(newParentIno);
    std::unique_ptr<Inode> holdSrc, holdDst;
    Inode *src = childFor(f, parent, name, holdSrc, nullptr);
    if (!src)
        return ENOENT;
    bool dstWhiteout = false;
    Inode *dst = childFor(f, newParent, newname, holdDst, &dstWhiteout);
    if (dst == src)
        return 0;
    if (dst && (flags & RENAME_NOREPLACE))
        return EEXIST;
    // Moving a lower or merged directory needs a redirect (next slice); like
    // kernel overlayfs without redirect_dir, answer EXDEV and mv copies instead.
    if (src->isDir() && (!src->upper.valid() || src->merged()))
        return EXDEV;
    bool dstUpperWhiteouts = false;
    if (dst) {
        if (src->isDir() && !dst->isDir())
            return ENOTDIR;
        if (!src->isDir() && dst->isDir())
            return EISDIR;
        if (dst->isDir()) {
            auto entries = mergedEntries(f, *dst, false, &dstUpperWhiteouts);
            if (!entries)
                return errOf(entries.error());
            if (!entries->empty())
                return ENOTEMPTY;
        }
    }
    if (auto r = copyUp(f, *src); !r)
        return errOf(r.error());
    if (auto r = copyUp(f, newParent); !r)
        return errOf(r.error());
    const int odir = parent.upper.get();
    const int ndir = newParent.upper.get();
    const bool srcPositive = lowerPositive(f, parent, name);
    if (&parent != &newParent && src->hasOrigin)
        ensureImpure(f, newParent); // dir.c ovl_rename: moved origin objects make the new parent impure
    if (src->isDir() && !src->opaque && newParent.merged()) {
        if (auto r = ovl::setOpaque(odir, name, f.layers.ns, ovl::Opaque::Yes); !r)
            return EXDEV;
        src->opaque = true;
    }
    if (dst && dst->isDir() && dst->upper.valid() && dstUpperWhiteouts)
        removeBelow(dst->upper.get());

    unsigned rflags = 0;
    bool cleanupWhiteout = false;
    if (srcPositive)
        rflags = dstWhiteout ? RENAME_EXCHANGE : RENAME_WHITEOUT;
    else if (src->isDir() && dstWhiteout) {
        rflags = RENAME_EXCHANGE;
        cleanupWhiteout = true;
    }
    if (::renameat2(odir, name, ndir, newname, rflags) != 0) {
        if (rflags != RENAME_WHITEOUT || errno != EINVAL)
            return errno;
        // An upper without RENAME_WHITEOUT: rename, then whiteout the old name.
        if (::renameat(odir, name, ndir, newname) != 0)
            return errno;
        if (auto r = whiteoutAt(f, odir, name, false); !r)
            return errOf(r.error());
    }
    if (cleanupWhiteout)
        ::unlinkat(odir, name, 0);
    if (dst)
        dropName(f, dst, true);
    if (!holdSrc)
        setParent(f, *src, &newParent, newname);
    return 0;
}

void opRename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent, const char *newname,
              unsigned int flags)
{
    fuse_reply_err(req, renameName(req, parent, name, newparent, newname, flags));
}

} // namespace strata::engine
