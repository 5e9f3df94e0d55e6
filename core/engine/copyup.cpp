// SPDX-License-Identifier: GPL-2.0-or-later
#include "copyup.h"

#include "fdbudget.h"
#include "index.h"
#include "ovl/filehandle.h"
#include "ovl/xattrs.h"
#include "resolve.h"
#include "upperformat.h"
#include "util/xattrio.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace strata::engine {

namespace {

Error errnoError(int err, const std::string &what, const std::string &name)
{
    return sysError(err, name, what);
}

// A reflink of the whole file first, where upper and lower share a filesystem
// that shares extents (ovl_copy_up_file: vfs_clone_file_range); else the data
// between holes, as the kernel does (it skips holes with SEEK_DATA), with
// copy_file_range copying in-kernel. A file whose blocks cover its size has no
// hole to look for. True when cloned: the kernel then skips the copy-up's fsync
// (nothing new was written), and so do we.
Result<bool> copyData(int src, int dst, off_t size, bool mayHaveHoles)
{
    if (::ioctl(dst, FICLONE, src) == 0)
        return true;
    off_t off = 0, end = 0;
    while (off < size) {
        off_t data = off, hole = size;
        if (mayHaveHoles) {
            data = ::lseek(src, off, SEEK_DATA);
            if (data < 0) {
                if (errno == ENXIO)
                    break;
                data = off; // no SEEK_DATA: copy everything
            }
            hole = ::lseek(src, data, SEEK_HOLE);
            if (hole < 0 || hole > size)
                hole = size;
        }
        off_t in = data, out = data;
        while (in < hole) {
            ssize_t n = ::copy_file_range(src, &in, dst, &out, static_cast<size_t>(hole - in), 0);
            if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)) {
                char buf[1 << 16];
                const ssize_t r = ::pread(src, buf, std::min<off_t>(sizeof(buf), hole - in), in);
                if (r < 0)
                    return fail(sysError(errno, "copy-up", "read from lower"));
                if (r == 0)
                    break;
                for (ssize_t done = 0; done < r;) {
                    const ssize_t w = ::pwrite(dst, buf + done, r - done, out);
                    if (w < 0)
                        return fail(sysError(errno, "copy-up", "write to upper"));
                    done += w;
                    out += w;
                }
                in += r;
                continue;
            }
            if (n < 0)
                return fail(sysError(errno, "copy-up", "copy_file_range"));
            if (n == 0)
                break;
        }
        end = out;
        off = hole;
    }
    // A trailing hole (or a lower that shrank meanwhile) still counts in the size.
    if (end != size && ::ftruncate(dst, size) != 0)
        return fail(sysError(errno, "copy-up", "set size"));
    return false;
}

// Where the *at calls reach a copy-up object: its fd (a regular file, named or
// not; "" with AT_EMPTY_PATH) or its name in work/.
struct TempRef {
    int dir;
    std::string name;
    int emptyPath;
};

TempRef refOf(const Fs &f, const CopyTemp &t)
{
    return t.fd.valid() ? TempRef {t.fd.get(), "", AT_EMPTY_PATH} : TempRef {f.workFd(), t.name, 0};
}

// What a message names: the temp name, or the object an unnamed one is for.
std::string subjectOf(const CopyTemp &t, const std::string &name)
{
    return t.name.empty() ? name : t.name;
}

void discardTemp(Fs &f, CopyTemp &t, bool dir)
{
    if (!t.name.empty())
        cleanupTemp(f, t.name, dir);
    t = CopyTemp {};
}

// Owner, then mode: chown clears set-id bits (and, from a syscall, a file's
// security.capability), which the chmod, and then the xattrs, put back.
Result<void> setOwnerMode(Fs &f, const CopyTemp &t, const struct stat &lst, const std::string &name)
{
    const TempRef r = refOf(f, t);
    if (::fchownat(r.dir, r.name.c_str(), lst.st_uid, lst.st_gid, AT_SYMLINK_NOFOLLOW | r.emptyPath) != 0)
        return fail(errnoError(errno, "chown copy-up", subjectOf(t, name)));
    if (S_ISLNK(lst.st_mode))
        return {};
    const int rc = t.fd.valid() ? ::fchmod(t.fd.get(), lst.st_mode & 07777)
                                : ::fchmodat(r.dir, r.name.c_str(), lst.st_mode & 07777, 0);
    if (rc != 0)
        return fail(errnoError(errno, "chmod copy-up", subjectOf(t, name)));
    return {};
}

// Every xattr of fromDir/fromName ("": the fd itself) but this overlay's own
// private ones (copy_up.c ovl_copy_xattr), a symlink's own included: util/xattrio
// reaches them without following it. `noCaps`: security.capability was not
// among them, so the upper copy has none either.
Result<void> copyXattrs(Fs &f, int fromDir, const std::string &fromName, const CopyTemp &t, const std::string &name,
                        bool &noCaps)
{
    auto names = listXattrsAt(fromDir, fromName);
    if (!names) {
        noCaps = names.error().code == EOPNOTSUPP;
        return noCaps ? Result<void> {} : fail(names.error());
    }
    noCaps = std::ranges::find(*names, "security.capability") == names->end();
    const TempRef r = refOf(f, t);
    for (const auto &x : *names) {
        if (auto p = ovl::parseName(x); p && p->ns == f.layers.ns && p->escapeDepth == 0)
            continue;
        auto value = getXattrAt(fromDir, fromName, x);
        if (!value || !*value)
            continue;
        if (auto w = setXattrAt(r.dir, r.name, x, **value); !w) {
            const bool must = x.starts_with("security.") || x.starts_with("system.posix_acl");
            if (w.error().code != EOPNOTSUPP || must)
                return fail(makeError(subjectOf(t, name), w.error().message(), w.error().code));
        }
    }
    return {};
}

// The lower object's xattrs, read at its name (checked to still be that object).
Result<void> copyLowerXattrs(Fs &f, Inode &i, const CopyTemp &t, bool &noCaps)
{
    const auto place = xattrPlace(i, false);
    if (!place)
        return fail(makeError(i.name, "the lower object is no longer at its name", EIO));
    return copyXattrs(f, place->dirfd, place->name, t, i.name, noCaps);
}

// An unnamed regular file in work/ where the upper takes O_TMPFILE (the kernel
// probes it at mount, super.c ovl_make_workdir; the first copy-up does here),
// else a named one. Named anyway when asked (an index=on copy-up is renamed into
// the index) and for set-id files, which a link could refuse where
// protected_hardlinks is set and the engine is not root.
Result<CopyTemp> createFileTemp(Fs &f, bool named)
{
    CopyTemp t;
    if (!named && !f.tmpfileRefused.load(std::memory_order_relaxed)) {
        t.fd = UniqueFd(::openat(f.workFd(), ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0));
        if (t.fd)
            return t;
        if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOSYS)
            return fail(errnoError(errno, "create copy-up file", "workdir/work"));
        f.tmpfileRefused = true;
    }
    t.name = tempName(f);
    t.fd = UniqueFd(::openat(f.workFd(), t.name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0));
    if (!t.fd)
        return fail(errnoError(errno, "create copy-up file", t.name));
    return t;
}

// A regular file's copy-up object up to its placing: its data (none when `data`
// < 0), owner and mode, the lower's xattrs (read at xattrDir/xattrName), then one
// fsync, as the kernel's (ovl_copy_up_file: none after a reflink, none on a
// volatile mount).
Result<CopyTemp> stageFile(Fs &f, int data, const struct stat &lst, int xattrDir, const std::string &xattrName,
                           bool named, const std::string &name, bool &noCaps)
{
    auto t = createFileTemp(f, named || (lst.st_mode & (S_ISUID | S_ISGID)));
    if (!t)
        return t;
    auto failed = [&](Error e) {
        discardTemp(f, *t, false);
        return fail(std::move(e));
    };
    bool cloned = false;
    if (data >= 0 && lst.st_size > 0) {
        const bool mayHaveHoles = lst.st_blocks * 512 < lst.st_size;
        auto r = copyData(data, t->fd.get(), lst.st_size, mayHaveHoles);
        if (!r)
            return failed(r.error());
        cloned = *r;
    }
    if (auto r = setOwnerMode(f, *t, lst, name); !r)
        return failed(r.error());
    if (auto r = copyXattrs(f, xattrDir, xattrName, *t, name, noCaps); !r)
        return failed(r.error());
    if (!f.config.volatileMode && !cloned && ::fsync(t->fd.get()) != 0)
        return failed(errnoError(errno, "fsync copy-up", subjectOf(*t, name)));
    return t;
}

// The object as it is before its origin and times: a regular file staged whole
// (stageFile), anything else created under a name in work/ with owner, mode and
// xattrs.
Result<CopyTemp> stageObject(Fs &f, Inode &i, const struct stat &lst, bool truncate, bool &noCaps)
{
    const int work = f.workFd();
    const int lower = i.lowers.front().fd.get();
    if (S_ISREG(lst.st_mode)) {
        if (i.metacopy && !truncate && !i.data.valid())
            return fail(makeError(i.name, "the data of this metacopy file is missing", i.dataErr ? i.dataErr : EIO));
        UniqueFd src;
        if (!truncate && lst.st_size > 0) {
            // A metacopy copies its data from where the data is (always a full copy-up).
            src = UniqueFd(::open(procPath(i.metacopy ? i.data.get() : lower).c_str(), O_RDONLY | O_CLOEXEC));
            if (!src)
                return fail(errnoError(errno, "open lower file", i.name));
        }
        // The xattrs are the lower object's own: through the open file when that is
        // it, else at its name.
        const bool fromSrc = src.valid() && !i.metacopy;
        std::optional<XattrPlace> place;
        if (!fromSrc && !(place = xattrPlace(i, false)))
            return fail(makeError(i.name, "the lower object is no longer at its name", EIO));
        return stageFile(f, src ? src.get() : -1, lst, fromSrc ? src.get() : place->dirfd,
                         fromSrc ? std::string() : place->name, !i.indexName.empty(), i.name, noCaps);
    }
    CopyTemp t;
    t.name = tempName(f);
    int rc = 0;
    switch (lst.st_mode & S_IFMT) {
    case S_IFDIR:
        rc = ::mkdirat(work, t.name.c_str(), 0);
        break;
    case S_IFLNK: {
        char target[PATH_MAX + 1];
        const ssize_t n = ::readlinkat(lower, "", target, PATH_MAX);
        if (n < 0)
            return fail(errnoError(errno, "read lower symlink", i.name));
        target[n] = '\0';
        rc = ::symlinkat(target, work, t.name.c_str());
        break;
    }
    default:
        rc = ::mknodat(work, t.name.c_str(), lst.st_mode & S_IFMT, lst.st_rdev);
    }
    if (rc != 0)
        return fail(errnoError(errno, "create copy-up object", t.name));
    auto meta = setOwnerMode(f, t, lst, i.name);
    if (meta)
        meta = copyLowerXattrs(f, i, t, noCaps);
    if (!meta) {
        discardTemp(f, t, S_ISDIR(lst.st_mode));
        return fail(meta.error());
    }
    return t;
}

// The origin (for directories and files with one link: copy_up.c ovl_do_copy_up;
// an fs that cannot encode handles gets an empty origin, "copied up, origin
// unknown"), then the times, last. True when the origin names the lower inode.
Result<bool> stageOriginTimes(Fs &f, Inode &i, const struct stat &lst, const CopyTemp &t)
{
    const TempRef r = refOf(f, t);
    bool originKnown = false;
    if (S_ISDIR(lst.st_mode) || lst.st_nlink == 1 || !i.indexName.empty()) {
        auto fh = lowerHandle(f, i);
        auto set = ovl::setOrigin(r.dir, r.name, f.layers.ns, fh ? &*fh : nullptr);
        if (!set && set.error().code != EPERM)
            return fail(set.error());
        i.hasOrigin = static_cast<bool>(set);
        originKnown = set && fh && fh->inoGen();
    }
    const struct timespec times[2] = {lst.st_atim, lst.st_mtim};
    const int rc
        = t.fd.valid() ? ::futimens(t.fd.get(), times) : ::utimensat(r.dir, r.name.c_str(), times, AT_SYMLINK_NOFOLLOW);
    if (rc != 0)
        return fail(errnoError(errno, "set times on copy-up", subjectOf(t, i.name)));
    return originKnown;
}

// An unnamed file gets its name by a link; without CAP_DAC_READ_SEARCH (and
// before Linux 6.10 relaxed it) AT_EMPTY_PATH is refused, and the /proc link
// works for the opener. A name already there fails with EEXIST, as a rename
// with RENAME_NOREPLACE would.
int linkUnnamed(int fd, int dir, const std::string &name)
{
    if (::linkat(fd, "", dir, name.c_str(), AT_EMPTY_PATH) == 0)
        return 0;
    if (errno != ENOENT && errno != EPERM)
        return errno;
    return ::linkat(AT_FDCWD, procPath(fd).c_str(), dir, name.c_str(), AT_SYMLINK_FOLLOW) == 0 ? 0 : errno;
}

} // namespace

Result<ovl::FileHandle> lowerHandle(const Fs &f, const Inode &i)
{
    if (i.lowers.empty())
        return fail(makeError(i.name, "no lower object", EIO));
    auto fh = ovl::handleOfFdWithoutUuid(i.lowers.front().fd.get());
    if (fh)
        fh->uuid = f.layers.lowerUuid[static_cast<size_t>(i.lowers.front().layer)];
    return fh;
}

void cleanupTemp(Fs &f, const std::string &tmp, bool dir)
{
    if (dir) {
        const int fd = ::openat(f.workFd(), tmp.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            removeBelow(fd);
            ::close(fd);
        }
    }
    ::unlinkat(f.workFd(), tmp.c_str(), dir ? AT_REMOVEDIR : 0);
}

std::string tempName(Fs &f)
{
    char buf[20];
    std::snprintf(buf, sizeof(buf), "#%x", ++f.tempCounter);
    return buf;
}

void ensureImpure(Fs &f, Inode &dir)
{
    if (dir.impure || !dir.upper.valid())
        return;
    if (ovl::setImpure(dir.upper.get(), ".", f.layers.ns))
        dir.impure = true;
}

StagedCopy::StagedCopy(Fs &f, Inode &i)
    : m_f(f)
    , m_i(i)
    , m_lock(i.copyUpMutex)
{ }

StagedCopy::StagedCopy(StagedCopy &&o) noexcept
    : m_f(o.m_f)
    , m_i(o.m_i)
    , m_lock(std::move(o.m_lock))
    , m_tmp(std::exchange(o.m_tmp, CopyTemp()))
    , m_lst(o.m_lst)
    , m_noCaps(o.m_noCaps)
{ }

StagedCopy::~StagedCopy()
{
    if (!m_tmp.name.empty())
        ::unlinkat(m_f.workFd(), m_tmp.name.c_str(), 0);
    if (m_lock.owns_lock())
        m_i.copyingUp = false;
}

CopyTemp StagedCopy::take()
{
    return std::exchange(m_tmp, CopyTemp());
}

StagedCopy stageCopyUp(Fs &f, Inode &i, bool truncate)
{
    StagedCopy s(f, i);
    if (truncate || f.readOnly() || i.isDir())
        return s;
    UniqueFd lower;
    struct stat lst {};
    bool named = false;
    std::string name; // for messages: a rename changes it only with the tree held exclusively
    {
        std::shared_lock g(f.tree);
        // A metacopy file's data lies elsewhere (Inode::data): copied under the lock.
        if (ensureFds(f, i) || i.upper.valid() || i.lowers.empty() || i.metacopy)
            return s;
        // A dup of the O_PATH fd: opening it for reading may wait on the lower's
        // filesystem (a FUSE or network lower), which must not hold the tree.
        lower = UniqueFd(::fcntl(i.lowers.front().fd.get(), F_DUPFD_CLOEXEC, 0));
        if (!lower || ::fstatat(lower.get(), "", &lst, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0
            || !S_ISREG(lst.st_mode) || lst.st_size == 0)
            return s;
        named = !i.indexName.empty();
        name = i.name;
        i.copyingUp = true; // keeps its fds through an eviction
    }
    UniqueFd src(::open(procPath(lower.get()).c_str(), O_RDONLY | O_CLOEXEC));
    if (!src)
        return s;
    // Data, owner, mode and xattrs, all from the open lower file; what fails here
    // is tried again under the lock, which reports it.
    bool noCaps = false;
    auto t = stageFile(f, src.get(), lst, src.get(), std::string(), named, name, noCaps);
    if (!t)
        return s;
    s.m_tmp = std::move(*t);
    s.m_lst = lst;
    s.m_noCaps = noCaps;
    return s;
}

Result<void> copyUp(Fs &f, Inode &i, bool truncate, StagedCopy *pre)
{
    if (i.upper.valid())
        return linkUpName(f, i);
    if (f.readOnly())
        return fail(makeError(i.name, "read-only union", EROFS));
    if (!i.parent || i.lowers.empty())
        return fail(makeError(i.name, "copy-up without a parent or a lower object", EIO));
    Inode &parent = *i.parent;
    if (auto r = copyUp(f, parent); !r)
        return r;
    const int pdir = parent.upper.get();
    const int lower = i.lowers.front().fd.get();
    struct stat lst {}, pst {};
    if (::fstatat(lower, "", &lst, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
        return fail(errnoError(errno, "stat lower", i.name));
    ::fstatat(pdir, "", &pst, AT_EMPTY_PATH);
    const bool isDir = S_ISDIR(lst.st_mode);

    // The parent may now hold non-pure upper objects (copy_up.c: set before the copy).
    ensureImpure(f, parent);

    // Data staged before the lock was taken is used as it is, if it is still this
    // lower object's (a changing lower may have put another there since); it
    // becomes ours to clean up.
    // An unnamed one cannot go through the index (renamed there by name).
    const bool usePre = pre && pre->ready() && !truncate && S_ISREG(lst.st_mode)
        && pre->lowerStat().st_dev == lst.st_dev && pre->lowerStat().st_ino == lst.st_ino
        && (i.indexName.empty() || !pre->unnamed());
    bool noCaps = usePre && pre->noCaps();
    CopyTemp tmp;
    Result<void> staged;
    if (usePre) {
        tmp = pre->take();
        lst = pre->lowerStat(); // the metadata that goes with the staged data
    } else if (auto t = stageObject(f, i, lst, truncate && S_ISREG(lst.st_mode), noCaps)) {
        tmp = std::move(*t);
    } else {
        return fail(t.error());
    }
    bool originKnown = false;
    if (auto m = stageOriginTimes(f, i, lst, tmp))
        originKnown = *m;
    else
        staged = fail(m.error());
    if (staged && !i.indexName.empty() && i.hasOrigin && !tmp.name.empty()) {
        // index=on: into workdir/index, then linked at this name (ovl_link_up).
        staged = installIndexed(f, i, parent, tmp.name, static_cast<unsigned>(lst.st_nlink));
    } else if (staged) {
        const int err = tmp.unnamed() ? linkUnnamed(tmp.fd.get(), pdir, i.name)
                                      : renameNoReplace(f, f.workFd(), tmp.name, pdir, i.name);
        if (err)
            staged = fail(errnoError(err, "move copy-up into place", i.name));
    }
    if (!staged) {
        discardTemp(f, tmp, isDir);
        return staged;
    }
    tmp.fd.reset();
    // Copy-up leaves the parent's times as they were (best effort, as the kernel).
    const struct timespec ptimes[2] = {pst.st_atim, pst.st_mtim};
    ::utimensat(pdir, ".", ptimes, 0);

    UniqueFd up(::openat(pdir, i.name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!up)
        return fail(errnoError(errno, "open copied-up object", i.name));
    i.upper = std::move(up);
    i.metacopy = false;
    // The kernel asks before the first write (security_inode_need_killpriv): the
    // copy has no capability when its lower had none.
    if (S_ISREG(lst.st_mode) && noCaps)
        i.upperNoCaps = true;
    countUpperFd(f, i);
    if (isDir)
        i.opaque = false;
    // What the kernel cached for it changed (a merged dir's link count, a broken
    // hard link's), and for a directory its cached listing too: one that is now
    // copied up no longer lists the whiteouts of its layer (readdir.c
    // ovl_dir_is_real). The page cache of a directory holds only that listing,
    // which the kernel locks only while copying entries in or out, never across a
    // request, so dropping it here cannot wait on the request being served.
    if (f.session && i.hashed && i.nlookup > 0)
        fuse_lowlevel_notify_inval_inode(f.session, f.nodeId(i), isDir ? 0 : -1, 0);
    // An origin that names no inode (empty: the lower cannot encode handles) keys
    // a later lookup by the upper file, so the inode moves there now too.
    if (!originKnown && !isDir) {
        // No origin (a lower hard link): the union object is now the upper file,
        // and the parent's listing shows its inode number.
        struct stat ust {};
        ::fstatat(i.upper.get(), "", &ust, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
        if (f.session)
            fuse_lowlevel_notify_inval_inode(f.session, f.nodeId(parent), 0, 0);
        i.stIno = ust.st_ino;
        rekeyInode(f, i, ust.st_dev, ust.st_ino);
    }
    return {};
}

Result<void> copyUpData(Fs &f, Inode &i, bool truncate, StagedCopy *pre)
{
    if (auto r = copyUp(f, i, truncate, pre); !r || !i.metacopy)
        return r;
    // An upper metacopy file gets its data in place, then loses the marker
    // (copy_up.c ovl_copy_up_meta_inode_data); a crash in between leaves the
    // metacopy, which still shows the lower data.
    if (!truncate) {
        if (!i.data.valid())
            return fail(makeError(i.name, "the data of this metacopy file is missing", i.dataErr ? i.dataErr : EIO));
        struct stat ust {};
        UniqueFd dst(::open(procPath(i.upper.get()).c_str(), O_WRONLY | O_CLOEXEC));
        UniqueFd src(::open(procPath(i.data.get()).c_str(), O_RDONLY | O_CLOEXEC));
        if (!dst || !src || ::fstat(dst.get(), &ust) != 0)
            return fail(errnoError(errno, "open metacopy data", i.name));
        auto r = copyData(src.get(), dst.get(), ust.st_size, true);
        if (!r)
            return fail(r.error());
        if (!f.config.volatileMode && !*r && ::fsync(dst.get()) != 0)
            return fail(errnoError(errno, "fsync copy-up", i.name));
    }
    if (!i.parent)
        return fail(makeError(i.name, "metacopy copy-up without a parent", EIO));
    if (auto r = removeXattrAt(i.parent->upper.get(), i.name, std::string(ovl::prefix(f.layers.ns)) + "metacopy");
        !r && r.error().code != ENODATA)
        return r;
    i.metacopy = false;
    i.data.reset();
    if (f.session && i.hashed && i.nlookup > 0)
        fuse_lowlevel_notify_inval_inode(f.session, f.nodeId(i), -1, 0);
    return {};
}

Result<void> whiteoutAt(Fs &f, int dirfd, const std::string &name, bool replaceDir)
{
    struct stat st {};
    const bool exists = ::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (exists && S_ISDIR(st.st_mode) && !replaceDir)
        return fail(makeError(name, "is a directory", EISDIR));
    // Staged in work/ in the form the upper holds (upperformat.h); every step that
    // fails undoes the ones before, so a refused whiteout leaves nothing behind.
    const std::string tmp = tempName(f);
    if (auto r = makeUpperWhiteout(f, tmp); !r)
        return r;
    auto marked = markXWhiteoutsDir(f, dirfd);
    if (!marked) {
        cleanupTemp(f, tmp, false);
        return fail(marked.error());
    }
    std::string displaced;
    if (auto r = placeFromWork(f, tmp, dirfd, name, displaced); !r) {
        cleanupTemp(f, tmp, false);
        if (*marked)
            clearXWhiteoutsMark(f, dirfd);
        return fail(makeError(name, "cannot place whiteout: " + r.error().message(), r.error().code));
    }
    if (!displaced.empty())
        cleanupTemp(f, displaced, true); // the old directory, holding whiteouts at most
    return {};
}

} // namespace strata::engine
