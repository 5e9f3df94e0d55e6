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
// copy_file_range copying in-kernel. True when cloned: the kernel then skips the
// copy-up's fsync (nothing new was written), and so do we.
Result<bool> copyData(int src, int dst, off_t size)
{
    if (::ioctl(dst, FICLONE, src) == 0)
        return true;
    off_t off = 0;
    while (off < size) {
        off_t data = ::lseek(src, off, SEEK_DATA);
        if (data < 0) {
            if (errno == ENXIO)
                break;
            data = off; // no SEEK_DATA: copy everything
        }
        off_t hole = ::lseek(src, data, SEEK_HOLE);
        if (hole < 0 || hole > size)
            hole = size;
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
        off = hole;
    }
    if (::ftruncate(dst, size) != 0)
        return fail(sysError(errno, "copy-up", "set size"));
    return false;
}

// Every xattr but this overlay's own private ones (copy_up.c ovl_copy_xattr), a
// symlink's own included: util/xattrio reaches them at the lower's name without
// following it.
Result<void> copyXattrs(Fs &f, const Inode &i, const std::string &tmp)
{
    const auto place = xattrPlace(i, false);
    if (!place)
        return fail(makeError(i.name, "the lower object is no longer at its name", EIO));
    auto names = listXattrsAt(place->dirfd, place->name);
    if (!names)
        return names.error().code == EOPNOTSUPP ? Result<void> {} : fail(names.error());
    for (const auto &name : *names) {
        if (auto p = ovl::parseName(name); p && p->ns == f.layers.ns && p->escapeDepth == 0)
            continue;
        auto value = getXattrAt(place->dirfd, place->name, name);
        if (!value || !*value)
            continue;
        if (auto r = setXattrAt(f.workFd(), tmp, name, **value); !r) {
            const bool must = name.starts_with("security.") || name.starts_with("system.posix_acl");
            if (r.error().code != EOPNOTSUPP || must)
                return fail(r.error());
        }
    }
    return {};
}

Result<void> stageObject(Fs &f, Inode &i, const struct stat &lst, const std::string &tmp, bool truncate)
{
    const int work = f.workFd();
    const int lower = i.lowers.front().fd.get();
    switch (lst.st_mode & S_IFMT) {
    case S_IFREG: {
        if (i.metacopy && !truncate && !i.data.valid())
            return fail(makeError(i.name, "the data of this metacopy file is missing", i.dataErr ? i.dataErr : EIO));
        UniqueFd dst(::openat(work, tmp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0));
        if (!dst)
            return fail(errnoError(errno, "create copy-up file", tmp));
        bool cloned = false;
        if (!truncate && lst.st_size > 0) {
            // A metacopy copies its data from where the data is (always a full copy-up).
            UniqueFd src(::open(procPath(i.metacopy ? i.data.get() : lower).c_str(), O_RDONLY | O_CLOEXEC));
            if (!src)
                return fail(errnoError(errno, "open lower file", i.name));
            auto r = copyData(src.get(), dst.get(), lst.st_size);
            if (!r)
                return fail(r.error());
            cloned = *r;
        }
        if (!f.config.volatileMode && !cloned && ::fsync(dst.get()) != 0)
            return fail(errnoError(errno, "fsync copy-up", tmp));
        return {};
    }
    case S_IFDIR:
        if (::mkdirat(work, tmp.c_str(), 0) != 0)
            return fail(errnoError(errno, "create copy-up dir", tmp));
        return {};
    case S_IFLNK: {
        char target[PATH_MAX + 1];
        const ssize_t n = ::readlinkat(lower, "", target, PATH_MAX);
        if (n < 0)
            return fail(errnoError(errno, "read lower symlink", i.name));
        target[n] = '\0';
        if (::symlinkat(target, work, tmp.c_str()) != 0)
            return fail(errnoError(errno, "create copy-up symlink", tmp));
        return {};
    }
    default:
        if (::mknodat(work, tmp.c_str(), lst.st_mode & S_IFMT, lst.st_rdev) != 0)
            return fail(errnoError(errno, "create copy-up node", tmp));
        return {};
    }
}

Result<void> stageMetadata(Fs &f, Inode &i, const struct stat &lst, const std::string &tmp)
{
    const int work = f.workFd();
    const int lower = i.lowers.front().fd.get();
    // chown first: it clears set-id bits, which the chmod then restores.
    if (::fchownat(work, tmp.c_str(), lst.st_uid, lst.st_gid, AT_SYMLINK_NOFOLLOW) != 0)
        return fail(errnoError(errno, "chown copy-up", tmp));
    if (!S_ISLNK(lst.st_mode) && ::fchmodat(work, tmp.c_str(), lst.st_mode & 07777, 0) != 0)
        return fail(errnoError(errno, "chmod copy-up", tmp));
    if (auto r = copyXattrs(f, i, tmp); !r)
        return r;
    // The kernel records the origin of directories and of files with one link
    // (copy_up.c ovl_do_copy_up); an fs that cannot encode handles gets an empty
    // origin, "copied up, origin unknown".
    if (S_ISDIR(lst.st_mode) || lst.st_nlink == 1 || !i.indexName.empty()) {
        // The uuid comes from the layer root: a symlink cannot be opened to ask.
        auto fh = ovl::handleOfFd(lower, false, f.layers.lowers[static_cast<size_t>(i.lowers.front().layer)].get());
        auto r = ovl::setOrigin(work, tmp, f.layers.ns, fh ? &*fh : nullptr);
        if (!r && r.error().code != EPERM)
            return fail(r.error());
        i.hasOrigin = static_cast<bool>(r);
    }
    const struct timespec times[2] = {lst.st_atim, lst.st_mtim};
    if (::utimensat(work, tmp.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
        return fail(errnoError(errno, "set times on copy-up", tmp));
    return {};
}

} // namespace

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
    , m_tmp(std::exchange(o.m_tmp, std::string()))
{ }

StagedCopy::~StagedCopy()
{
    if (!m_tmp.empty())
        ::unlinkat(m_f.workFd(), m_tmp.c_str(), 0);
    if (m_lock.owns_lock())
        m_i.copyingUp = false;
}

std::string StagedCopy::take()
{
    return std::exchange(m_tmp, std::string());
}

StagedCopy stageCopyUp(Fs &f, Inode &i, bool truncate)
{
    StagedCopy s(f, i);
    if (truncate || f.readOnly() || i.isDir())
        return s;
    UniqueFd lower;
    struct stat lst {};
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
        i.copyingUp = true; // keeps its fds through an eviction
    }
    UniqueFd src(::open(procPath(lower.get()).c_str(), O_RDONLY | O_CLOEXEC));
    if (!src)
        return s;
    const std::string tmp = tempName(f);
    UniqueFd dst(::openat(f.workFd(), tmp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0));
    if (!dst)
        return s;
    const auto copied = copyData(src.get(), dst.get(), lst.st_size);
    if (!copied || (!f.config.volatileMode && !*copied && ::fsync(dst.get()) != 0)) {
        ::unlinkat(f.workFd(), tmp.c_str(), 0);
        return s;
    }
    s.m_tmp = tmp;
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

    // Data staged before the lock was taken is used as it is (the lower is
    // read-only, so it is still its data); it becomes ours to clean up.
    const bool usePre = pre && pre->ready() && S_ISREG(lst.st_mode) && !truncate;
    const std::string tmp = usePre ? pre->take() : tempName(f);
    auto staged = usePre ? Result<void>() : stageObject(f, i, lst, tmp, truncate && S_ISREG(lst.st_mode));
    if (staged)
        staged = stageMetadata(f, i, lst, tmp);
    if (staged && !i.indexName.empty() && i.hasOrigin) {
        // index=on: into workdir/index, then linked at this name (ovl_link_up).
        staged = installIndexed(f, i, parent, tmp, static_cast<unsigned>(lst.st_nlink));
    } else if (staged) {
        if (const int err = renameNoReplace(f, f.workFd(), tmp, pdir, i.name))
            staged = fail(errnoError(err, "move copy-up into place", i.name));
    }
    if (!staged) {
        cleanupTemp(f, tmp, isDir);
        return staged;
    }
    // Copy-up leaves the parent's times as they were (best effort, as the kernel).
    const struct timespec ptimes[2] = {pst.st_atim, pst.st_mtim};
    ::utimensat(pdir, ".", ptimes, 0);

    UniqueFd up(::openat(pdir, i.name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!up)
        return fail(errnoError(errno, "open copied-up object", i.name));
    struct stat ust {};
    ::fstatat(up.get(), "", &ust, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
    i.upper = std::move(up);
    i.metacopy = false;
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
    const bool originKnown = i.hasOrigin && [&] {
        auto o = ovl::XattrReader(pdir, i.name, f.layers.ns).origin();
        return o && *o && (*o)->inoGen();
    }();
    if (!originKnown && !isDir) {
        // No origin (a lower hard link): the union object is now the upper file,
        // and the parent's listing shows its inode number.
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
        auto r = copyData(src.get(), dst.get(), ust.st_size);
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
