// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops.h"

#include "callercreds.h"
#include "copyup.h"
#include "fdbudget.h"
#include "index.h"
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"
#include "resolve.h"
#include "upperformat.h"

#include <cstdio>
#include <fcntl.h>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace strata::engine {

namespace {

bool hasDefaultAcl(int dirfd)
{
    return ::getxattr(procPath(dirfd).c_str(), "system.posix_acl_default", nullptr, 0) > 0;
}

struct NewObject {
    mode_t mode = 0; // with S_IFMT
    dev_t rdev = 0;
    const char *link = nullptr;
    fuse_file_info *fi = nullptr; // create(): open the new file
};

// Makes the object `name` in `at` with mode `perm`; for create() opens it (*fd).
int makeObject(int at, const char *name, const NewObject &o, mode_t perm, UniqueFd &fd)
{
    const mode_t type = o.mode & S_IFMT;
    switch (type) {
    case S_IFREG:
        if (o.fi) {
            fd = UniqueFd(::openat(at, name, (o.fi->flags | O_CREAT | O_EXCL | O_CLOEXEC) & ~O_NOFOLLOW, perm));
            return fd ? 0 : errno;
        }
        return ::mknodat(at, name, S_IFREG | perm, 0) == 0 ? 0 : errno;
    case S_IFDIR:
        return ::mkdirat(at, name, perm) == 0 ? 0 : errno;
    case S_IFLNK:
        return ::symlinkat(o.link, at, name) == 0 ? 0 : errno;
    default:
        return ::mknodat(at, name, type | perm, o.rdev) == 0 ? 0 : errno;
    }
}

// The inode of an object just made at `name` in parent's upper: pure upper, with
// nothing below it (the name was free in every layer, or the object is opaque or
// not a directory), so it is built from its stat rather than looked up again.
int enterCreated(Fs &f, Inode &parent, const char *name, bool opaque, fuse_entry_param &e)
{
    UniqueFd fd(::openat(parent.upper.get(), name, O_PATH | O_NOFOLLOW | O_CLOEXEC));
    struct stat st {};
    if (!fd || ::fstatat(fd.get(), "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
        return errno;
    auto in = std::make_unique<Inode>();
    in->parent = &parent;
    in->name = name;
    in->upper = std::move(fd);
    in->type = st.st_mode & S_IFMT;
    in->opaque = opaque;
    in->upperNoCaps = true; // nothing gives a new object file capabilities
    in->stIno = st.st_ino;
    in->keyDev = st.st_dev;
    in->keyIno = st.st_ino;
    fillEntry(f, internInode(f, std::move(in)), st, e);
    return 0;
}

// Where no whiteout is at the name, the object is made in place as the caller
// (ovl_create_upper): owned by the caller from the start and given its mode
// through the caller's umask (or the parent's default ACL) by the filesystem, as
// the kernel's upper gets it. Empty when the caller's ids cannot be taken.
std::optional<int> createInPlace(Fs &f, fuse_req_t req, Inode &parent, const char *name, const NewObject &o,
                                 fuse_entry_param &e, int *openFd)
{
    const fuse_ctx *ctx = fuse_req_ctx(req);
    const int pdir = parent.upper.get();
    UniqueFd fd;
    int err = 0;
    {
        // The kernel sends modes already masked unless it left the umask to us.
        AsCaller as(f.canSwitchCreds, ctx->uid, ctx->gid, f.posixAcl ? ctx->umask : 0);
        if (!as.ok())
            return std::nullopt;
        err = makeObject(pdir, name, o, o.mode & 07777, fd);
    }
    if (err)
        return err;
    const bool opaque = (o.mode & S_IFMT) == S_IFDIR && parent.merged();
    if (opaque)
        if (auto r = ovl::setOpaque(pdir, name, f.layers.ns, ovl::Opaque::Yes); !r) {
            ::unlinkat(pdir, name, AT_REMOVEDIR);
            return errOf(r.error());
        }
    err = enterCreated(f, parent, name, opaque, e);
    if (err == 0 && openFd)
        *openFd = fd.release();
    return err;
}

// Fs::tree shared and the parent's Inode::dirMutex, for a change of nothing but
// the entries of the parent's upper directory (fs.h). Not taken (false) with
// index=on or while the parent has no upper directory: those changes need more.
struct DirChangeLock {
    std::shared_lock<std::shared_mutex> tree;
    std::unique_lock<std::mutex> dir; // released first
    explicit operator bool() const { return dir.owns_lock(); }
};

DirChangeLock lockDirForChange(Fs &f, Inode &parent)
{
    DirChangeLock l;
    if (f.config.index)
        return l;
    l.tree = std::shared_lock(f.tree);
    // An evicted parent has no upper fd to tell: reopened first (a failure is
    // reported by the exclusive path, which tries again).
    if (ensureFds(f, parent) != 0)
        return l;
    // Layer state changes only under the tree held exclusively: it holds still now.
    if (parent.isDir() && parent.upper.valid())
        l.dir = std::unique_lock(parent.dirMutex);
    return l;
}

// The common create, with Fs::tree only shared: the parent already has its upper
// directory and no whiteout is at the name, so the object is made in place as the
// caller and nothing else changes (no copy-up, no parent flag, no index entry, no
// other directory). Creates in different directories then run in parallel, and
// lookups are not held up; Inode::dirMutex orders the creates in one directory (the
// kernel holds the parent's i_rwsem for them anyway). Empty when a precondition
// does not hold: the caller takes the exclusive lock and checks everything again.
// The fd budget is not enforced here (evictDownTo needs the tree exclusively):
// replyCreated relieves it after the reply, as after a lookup.
std::optional<int> createUnderDirLock(Fs &f, fuse_req_t req, Inode &parent, const char *name, const NewObject &o,
                                      fuse_entry_param &e, int *openFd)
{
    auto lock = lockDirForChange(f, parent);
    if (!lock)
        return std::nullopt;
    // A parent with nothing below its upper (a new or opaque directory: an untar's)
    // has no name to find but in its upper, and making the object there fails with
    // EEXIST on any: the object is made first, and only a name already taken is
    // looked up (a whiteout then takes the exclusive path). One negative lookup
    // fewer per create; LOOKUP has just done the same one.
    if (parent.lowers.empty())
        if (auto done = createInPlace(f, req, parent, name, o, e, openFd); !done || *done != EEXIST)
            return done;
    bool whiteout = false;
    std::unique_ptr<Inode> hold;
    if (childFor(f, parent, name, hold, &whiteout))
        return EEXIST;
    if (whiteout)
        return std::nullopt;
    return createInPlace(f, req, parent, name, o, e, openFd);
}

// Creates the object: in place where nothing is at the name, else under a temp
// name in workdir/work with its final owner, mode and opaque marker, then renamed
// into place: over a whiteout (dir.c ovl_create_over_whiteout, a directory
// exchanged with it and marked opaque), or where the caller's ids cannot be taken.
// A directory made inside a merge directory is opaque too (ovl_create_upper with
// redirect_dir=on), so lookups stop there.
int createObject(fuse_req_t req, fuse_ino_t parentIno, const char *name, const NewObject &o, fuse_entry_param &e,
                 int *openFd)
{
    OpStart op(req, parentIno, OpStart::Writes);
    if (op.err)
        return op.err;
    Fs &f = op.f;
    Inode &parent = op.inode();
    if (auto done = createUnderDirLock(f, req, parent, name, o, e, openFd))
        return *done;
    auto g = lockTreeForChange(f);
    if (const int err = ensureFds(f, parent))
        return err;
    bool whiteout = false;
    std::unique_ptr<Inode> hold;
    if (childFor(f, parent, name, hold, &whiteout))
        return EEXIST;
    if (auto r = copyUp(f, parent); !r)
        return errOf(r.error());
    if (!whiteout)
        if (auto done = createInPlace(f, req, parent, name, o, e, openFd))
            return *done;
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

    // A parent with a default ACL hands it down: create in place, as ovl_create_upper
    // does, and let the filesystem apply it. Otherwise the umask applies (when the
    // kernel left it to us) and the object is staged in workdir/work.
    const bool inherit = f.posixAcl && hasDefaultAcl(pdir);
    if (f.posixAcl && !inherit)
        perm &= ~ctx->umask;
    const bool direct = inherit && !whiteout;
    const std::string tmp = direct ? std::string(name) : tempName(f);
    const int at = direct ? pdir : work;
    UniqueFd fd;
    if (const int err = makeObject(at, tmp.c_str(), o, perm, fd))
        return err;
    auto cleanup = [&](int err) {
        ::unlinkat(at, tmp.c_str(), type == S_IFDIR ? AT_REMOVEDIR : 0);
        return err;
    };
    if (::fchownat(at, tmp.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0)
        return cleanup(errno);
    // chown cleared set-id bits; an inherited ACL already made the mode.
    if (type != S_IFLNK && !inherit && ::fchmodat(at, tmp.c_str(), perm, 0) != 0)
        return cleanup(errno);
    const bool opaque = type == S_IFDIR && (whiteout || parent.merged());
    if (opaque)
        if (auto r = ovl::setOpaque(at, tmp, f.layers.ns, ovl::Opaque::Yes); !r)
            return cleanup(errOf(r.error()));
    if (direct) {
        // already in place
    } else if (whiteout && type == S_IFDIR) {
        // Exchanged with the whiteout, or in two steps where the upper cannot
        // exchange (upperformat.h placeFromWork).
        std::string displaced;
        if (auto r = placeFromWork(f, tmp, pdir, name, displaced); !r)
            return cleanup(errOf(r.error()));
        ::unlinkat(work, displaced.c_str(), 0); // the whiteout, swapped out
    } else if (const int err = whiteout ? (::renameat(work, tmp.c_str(), pdir, name) == 0 ? 0 : errno)
                                        : renameNoReplace(f, work, tmp, pdir, name)) {
        return cleanup(err);
    }
    const int err = enterCreated(f, parent, name, opaque, e);
    if (err == 0 && openFd)
        *openFd = fd.release();
    return err;
}

void replyCreated(fuse_req_t req, int err, const fuse_entry_param &e)
{
    Fs &f = fs(req); // a replied request is gone
    if (err)
        fuse_reply_err(req, err);
    else
        fuse_reply_entry(req, &e);
    relieveFdPressure(f);
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
    relieveFdPressure(f);
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

namespace {

// The common unlink, with Fs::tree only shared (as createUnderDirLock): a pure
// upper non-directory (nothing at the name below, no index entry, no metacopy) in
// a parent with its upper directory is simply unlinked, no whiteout needed. Empty
// when that does not hold: the caller takes the exclusive lock and starts over.
std::optional<int> unlinkUnderDirLock(Fs &f, Inode &parent, const char *name)
{
    auto lock = lockDirForChange(f, parent);
    if (!lock)
        return std::nullopt;
    std::unique_ptr<Inode> hold;
    Inode *child = childFor(f, parent, name, hold, nullptr);
    if (!child || child->isDir() || !child->upper.valid() || child->metacopy || !child->indexName.empty()
        || lowerPositive(f, parent, name))
        return std::nullopt;
    struct stat st {};
    if (::fstatat(child->upper.get(), "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
        return errno;
    if (::unlinkat(parent.upper.get(), name, 0) != 0)
        return errno;
    dropName(f, child, st.st_nlink <= 1);
    return 0;
}

} // namespace

static int removeName(fuse_req_t req, fuse_ino_t parentIno, const char *name, bool isDir)
{
    OpStart op(req, parentIno, OpStart::Writes);
    if (op.err)
        return op.err;
    Fs &f = op.f;
    Inode &parent = op.inode();
    if (!isDir)
        if (auto done = unlinkUnderDirLock(f, parent, name))
            return *done;
    auto g = lockTreeForChange(f);
    if (const int err = ensureFds(f, parent))
        return err;
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
    // index=on: the union link count lives on the index entry, so a name of a lower
    // hard link is copied up (indexed) before it goes (inode.c ovl_nlink_start).
    const bool indexed = !child->indexName.empty();
    if (indexed && !child->upper.valid())
        if (auto r = copyUp(f, *child); !r)
            return errOf(r.error());
    unsigned nlinkBefore = 0;
    if (indexed)
        if (auto st = inodeStat(f, *child))
            nlinkBefore = static_cast<unsigned>(st->st_nlink);
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
    if (indexed && child->upper.valid() && nlinkBefore > 0) {
        storeUnionNlink(f, *child, nlinkBefore - 1);
        lastName = nlinkBefore <= 1;
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

} // namespace strata::engine
