// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops.h"

#include "copyup.h"
#include "fdbudget.h"
#include "libfuse318.h"
#include "resolve.h"

#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

namespace strata::engine {

bool closeReportsNothing(int fd)
{
    // Local filesystems without a ->flush file operation: close(2) of their files
    // never fails, so FLUSH (opFlush, one round trip per close) has nothing to
    // tell. A network or FUSE upper keeps it (what ovl_flush passes on).
    struct statfs sf {};
    if (::fstatfs(fd, &sf) != 0)
        return false;
    switch (static_cast<unsigned long>(sf.f_type)) {
    case EXT4_SUPER_MAGIC: // ext2/3/4 share it
    case XFS_SUPER_MAGIC:
    case BTRFS_SUPER_MAGIC:
    case TMPFS_MAGIC:
        return true;
    default:
        return false;
    }
}

void setupOpen(fuse_req_t req, Fs &f, Inode &i, int fd, bool upper, fuse_file_info *fi)
{
    fi->fh = static_cast<uint64_t>(fd);
    fi->parallel_direct_writes = 1;
    // No FLUSH at close where it could report nothing: a read-only open wrote
    // nothing, and an upper on a local filesystem reports nothing at close.
    // (Locks stay in the kernel, so FLUSH carries no lock release for us.)
    fi->noflush = (fi->flags & O_ACCMODE) == O_RDONLY || (upper && f.upperCloseSilent);
    std::lock_guard g(i.openMutex);
    ++i.nopen;
    if (i.backingId && i.backingUpper == upper) {
        fi->backing_id = i.backingId; // one backing file per inode, shared by its opens
    } else if (i.backingId) {
        // The inode still passes through to its lower file (an open from before
        // the copy-up) and the kernel allows one backing file per inode: this
        // open goes through the daemon until the old opens are closed.
        fi->direct_io = 1;
    } else if (f.passthrough) {
        const int id = fuse_passthrough_open(req, fd);
        if (id > 0) {
            i.backingId = id;
            i.backingUpper = upper;
            fi->backing_id = id;
            if (!f.passthroughUsed.exchange(true) && f.config.foreground)
                std::fprintf(stderr, "strata-fuse: FUSE passthrough active (backing id %d)\n", id);
        } else {
            // Mixing cached and passthrough opens on one inode makes the kernel
            // refuse the second kind, so give up passthrough for the whole mount.
            const int err = errno;
            f.passthrough = false;
            std::fprintf(stderr,
                         "strata-fuse: fuse_passthrough_open failed (%s); reads and writes go through the "
                         "daemon\n",
                         std::strerror(err));
        }
    }
    if (fi->backing_id)
        fi->keep_cache = 0; // a passthrough open must drop the page cache (EIO otherwise)
    else if (!fi->direct_io)
        fi->keep_cache = 1; // every change goes through this mount
}

void opOpen(fuse_req_t req, fuse_ino_t ino, fuse_file_info *fi)
{
    OpStart op(req, ino);
    if (op.replyIfFailed(req))
        return;
    Fs &f = op.f;
    Inode &i = op.inode();
    const int acc = fi->flags & O_ACCMODE;
    const bool writes = acc != O_RDONLY || (fi->flags & O_TRUNC);
    if (writes && f.readOnly()) {
        fuse_reply_err(req, EROFS);
        return;
    }
    if (writes) {
        // The kernel binds one backing file to an inode while any open uses it and
        // refuses every other kind of open (fuse iomode.c: EIO). A lower file being
        // read through passthrough cannot take a writer until those reads close.
        {
            std::lock_guard og(i.openMutex);
            if (i.backingId && !i.backingUpper) {
                fuse_reply_err(req, ETXTBSY);
                return;
            }
        }
        // The data is copied before the tree is locked: a large copy-up stalls
        // only other writers of this file.
        StagedCopy staged = stageCopyUp(f, i, fi->flags & O_TRUNC);
        auto g = lockTreeForChange(f);
        if (const int err = ensureFds(f, i)) {
            fuse_reply_err(req, err);
            return;
        }
        if (auto r = copyUpData(f, i, fi->flags & O_TRUNC, &staged); !r) {
            fuse_reply_err(req, r.error().code ? r.error().code : EIO);
            return;
        }
        // FUSE_OPEN_KILL_SUIDGID: with atomic O_TRUNC the kernel's own truncate
        // (fs/fuse/dir.c fuse_do_setattr, ATTR_OPEN) sends nothing, so this is the
        // only word of it.
        if (f.killPrivByDaemon && (fi->flags & O_TRUNC) && libfuse318::killSuidgid(fi))
            if (const int err = killPrivs(req, i)) {
                fuse_reply_err(req, err);
                return;
            }
    }
    std::shared_lock g(f.tree);
    const int flags = fi->flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_NOFOLLOW);
    int fd = -1;
    for (int attempt = 0; fd < 0; ++attempt) {
        if (const int err = ensureFds(f, i)) {
            fuse_reply_err(req, err);
            return;
        }
        // A metacopy file (only ever opened for reading here) reads its data file.
        if (i.metacopy && !i.data.valid()) {
            fuse_reply_err(req, i.dataErr ? i.dataErr : EIO);
            return;
        }
        fd = ::open(procPath(i.metacopy ? i.data.get() : i.realFd()).c_str(), flags | O_CLOEXEC);
        if (fd < 0 && ((errno != EMFILE && errno != ENFILE) || attempt > 0)) {
            fuse_reply_err(req, errno);
            return;
        }
        if (fd < 0) { // out of fds: close idle ones, then once more
            g.unlock();
            relieveFdPressure(f, true);
            g.lock();
        }
    }
    if (i.metacopy && !i.dataOpened.exchange(true) && i.dataInDataLayer && f.session && i.hashed)
        fuse_lowlevel_notify_inval_inode(f.session, f.nodeId(i), -1, 0); // st_blocks now the data's
    setupOpen(req, f, i, fd, i.upper.valid() && !i.metacopy, fi);
    fuse_reply_open(req, fi);
    g.unlock();
    relieveFdPressure(f); // the open may have reopened an evicted inode
}

void opRead(fuse_req_t req, fuse_ino_t, size_t size, off_t off, fuse_file_info *fi)
{
    fuse_bufvec buf = FUSE_BUFVEC_INIT(size);
    buf.buf[0].flags = static_cast<fuse_buf_flags>(FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK);
    buf.buf[0].fd = static_cast<int>(fi->fh);
    buf.buf[0].pos = off;
    fuse_reply_data(req, &buf, FUSE_BUF_SPLICE_MOVE);
}

void opWriteBuf(fuse_req_t req, fuse_ino_t ino, fuse_bufvec *in, off_t off, fuse_file_info *fi)
{
    // FUSE_WRITE_KILL_SUIDGID: a write through the daemon (no passthrough) by a
    // caller without CAP_FSETID, which the daemon's own write would not clear.
    if (libfuse318::killSuidgid(fi) && fs(req).killPrivByDaemon) {
        OpStart op(req, ino, OpStart::Fds);
        if (op.replyIfFailed(req))
            return;
        if (const int err = killPrivs(req, op.inode())) {
            fuse_reply_err(req, err);
            return;
        }
    }
    fuse_bufvec out = FUSE_BUFVEC_INIT(fuse_buf_size(in));
    out.buf[0].flags = static_cast<fuse_buf_flags>(FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK);
    out.buf[0].fd = static_cast<int>(fi->fh);
    out.buf[0].pos = off;
    const ssize_t n = fuse_buf_copy(&out, in, static_cast<fuse_buf_copy_flags>(0));
    if (n < 0)
        fuse_reply_err(req, static_cast<int>(-n));
    else
        fuse_reply_write(req, static_cast<size_t>(n));
}

void opFlush(fuse_req_t req, fuse_ino_t, fuse_file_info *fi)
{
    // What close(2) of the real file would report (a network upper); without a
    // spare fd for the dup there is nothing to report.
    const int copy = ::dup(static_cast<int>(fi->fh));
    const int rc = copy < 0 ? 0 : ::close(copy);
    fuse_reply_err(req, rc == -1 ? errno : 0);
}

void opRelease(fuse_req_t req, fuse_ino_t ino, fuse_file_info *fi)
{
    OpStart op(req, ino);
    if (op.err) {
        ::close(static_cast<int>(fi->fh)); // the real file's fd, opened without the inode
        fuse_reply_err(req, op.err);
        return;
    }
    Inode &i = op.inode();
    {
        std::lock_guard g(i.openMutex);
        if (i.nopen > 0)
            --i.nopen;
        if (i.nopen == 0 && i.backingId) {
            fuse_passthrough_close(req, i.backingId);
            i.backingId = 0;
        }
    }
    ::close(static_cast<int>(fi->fh));
    fuse_reply_err(req, 0);
}

void opFsync(fuse_req_t req, fuse_ino_t, int datasync, fuse_file_info *fi)
{
    Fs &f = fs(req);
    if (f.config.volatileMode) {
        fuse_reply_err(req, 0);
        return;
    }
    const int fd = static_cast<int>(fi->fh);
    const int rc = datasync ? ::fdatasync(fd) : ::fsync(fd);
    fuse_reply_err(req, rc == -1 ? errno : 0);
}

void opFallocate(fuse_req_t req, fuse_ino_t, int mode, off_t off, off_t len, fuse_file_info *fi)
{
    const int rc = ::fallocate(static_cast<int>(fi->fh), mode, off, len);
    fuse_reply_err(req, rc == -1 ? errno : 0);
}

void opLseek(fuse_req_t req, fuse_ino_t, off_t off, int whence, fuse_file_info *fi)
{
    const off_t r = ::lseek(static_cast<int>(fi->fh), off, whence);
    if (r < 0)
        fuse_reply_err(req, errno);
    else
        fuse_reply_lseek(req, r);
}

void opCopyFileRange(fuse_req_t req, fuse_ino_t, off_t offIn, fuse_file_info *fiIn, fuse_ino_t, off_t offOut,
                     fuse_file_info *fiOut, size_t len, int flags)
{
    // Both ends are the real files' fds: the layers' filesystem copies (or reflinks).
    const ssize_t n = ::copy_file_range(static_cast<int>(fiIn->fh), &offIn, static_cast<int>(fiOut->fh), &offOut, len,
                                        static_cast<unsigned>(flags));
    if (n < 0)
        fuse_reply_err(req, errno);
    else
        fuse_reply_write(req, static_cast<size_t>(n));
}

} // namespace strata::engine
