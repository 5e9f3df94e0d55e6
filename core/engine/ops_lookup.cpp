// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops.h"

#include "fdbudget.h"
#include "resolve.h"

#include <climits>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace strata::engine {

namespace {

// The merged listing, built at the first readdir (as ovl_iterate builds its cache
// at position 0): an opendir the kernel answers from its listing cache costs no
// directory reads.
struct DirHandle {
    bool built = false;
    std::vector<DirEntry> entries;
};

// Builds `d`'s listing once; 0 or the errno.
int buildListing(Fs &f, Inode &dir, DirHandle &d)
{
    if (d.built)
        return 0;
    for (int attempt = 0;; ++attempt) {
        std::shared_lock g(f.tree);
        Result<std::vector<DirEntry>> entries = std::vector<DirEntry>();
        if (const int err = ensureFds(f, dir))
            entries = fail(makeError(dir.name, "cannot reopen the directory", err));
        else
            entries = mergedEntries(f, dir, true, nullptr, true);
        if (entries) {
            d.entries = std::move(*entries);
            d.built = true;
            return 0;
        }
        const int err = errOf(entries.error());
        if ((err != EMFILE && err != ENFILE) || attempt > 0)
            return err;
        g.unlock();
        relieveFdPressure(f, true); // out of fds: close idle ones, then once more
    }
}

} // namespace

void fillEntry(Fs &f, Inode &i, const struct stat &st, fuse_entry_param &e)
{
    e = {};
    e.ino = f.nodeId(i);
    e.attr = st;
    e.attr_timeout = f.config.timeout;
    e.entry_timeout = f.config.timeout;
}

int lookupEntry(Fs &f, Inode &parent, const std::string &name, fuse_entry_param &e)
{
    if (const int err = ensureFds(f, parent))
        return err;
    auto r = resolveChild(f, parent, name);
    if (!r)
        return r.error().code ? r.error().code : EIO;
    if (!r->inode)
        return ENOENT;
    // The lookup's own stat answers only for the object it found: an inode already
    // known under this identity (a hard link's other name, an indexed copy-up)
    // may live elsewhere now.
    const Inode *fresh = r->inode.get();
    const bool ownStat = r->inode->indexName.empty();
    Inode &i = internInode(f, std::move(r->inode));
    auto st = inodeStat(f, i, &i == fresh && ownStat ? &r->st : nullptr);
    if (!st) {
        forgetInode(f, i, 1);
        return st.error().code ? st.error().code : EIO;
    }
    fillEntry(f, i, *st, e);
    return 0;
}

Inode *childFor(Fs &f, Inode &parent, const std::string &name, std::unique_ptr<Inode> &hold, bool *upperWhiteout)
{
    auto r = resolveChild(f, parent, name);
    if (upperWhiteout)
        *upperWhiteout = r && r->upperWhiteout;
    if (!r || !r->inode)
        return nullptr;
    if (Inode *known = findInode(f, r->inode->keyDev, r->inode->keyIno)) {
        adoptFds(f, *known, *r->inode);
        return known;
    }
    hold = std::move(r->inode);
    return hold.get();
}

void opLookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    OpStart op(req, parent);
    if (op.replyIfFailed(req))
        return;
    Fs &f = op.f;
    fuse_entry_param e {};
    int err;
    for (int attempt = 0;; ++attempt) {
        {
            std::shared_lock g(f.tree);
            err = lookupEntry(f, op.inode(), name, e);
        }
        // Out of fds in spite of the budget (many directories, open files): close
        // idle ones and try once more rather than fail the lookup.
        if ((err != EMFILE && err != ENFILE) || attempt > 0)
            break;
        relieveFdPressure(f, true);
    }
    if (err == ENOENT) {
        e = {};
        e.entry_timeout = f.config.timeout;
        fuse_reply_entry(req, &e);
    } else if (err) {
        fuse_reply_err(req, err);
    } else {
        fuse_reply_entry(req, &e);
    }
    relieveFdPressure(f);
}

void opForget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
    if (OpStart op(req, ino); !op.err)
        forgetInode(op.f, op.inode(), nlookup);
    fuse_reply_none(req);
}

void opForgetMulti(fuse_req_t req, size_t count, fuse_forget_data *forgets)
{
    Fs &f = fs(req);
    for (size_t k = 0; k < count; ++k)
        if (Inode *i = checkedInode(f, forgets[k].ino))
            forgetInode(f, *i, forgets[k].nlookup);
    fuse_reply_none(req);
}

void opGetattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info *)
{
    OpStart op(req, ino, OpStart::Fds);
    if (op.replyIfFailed(req))
        return;
    Fs &f = op.f;
    Inode &i = op.inode();
    auto st = inodeStat(f, i);
    op.tree.unlock();
    if (!st)
        fuse_reply_err(req, st.error().code ? st.error().code : EIO);
    else
        fuse_reply_attr(req, &*st, f.config.timeout);
    relieveFdPressure(f);
}

void opReadlink(fuse_req_t req, fuse_ino_t ino)
{
    OpStart op(req, ino, OpStart::Fds);
    if (op.replyIfFailed(req))
        return;
    Fs &f = op.f;
    Inode &i = op.inode();
    char buf[PATH_MAX + 1];
    const ssize_t n = ::readlinkat(i.realFd(), "", buf, sizeof(buf) - 1);
    if (n < 0) {
        fuse_reply_err(req, errno);
        return;
    }
    buf[n] = '\0';
    op.tree.unlock();
    fuse_reply_readlink(req, buf);
    relieveFdPressure(f);
}

void opOpendir(fuse_req_t req, fuse_ino_t, fuse_file_info *fi)
{
    fi->fh = reinterpret_cast<uint64_t>(new DirHandle);
    // The kernel keeps the listing and serves later opendirs from it until the
    // directory changes: every change goes through this mount, and the kernel
    // drops the cache on each (fuse_dir_changed bumps the version it checks).
    fi->cache_readdir = 1;
    fi->keep_cache = 1;
    fuse_reply_open(req, fi);
}

static void doReaddir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info *fi, bool plus)
{
    OpStart op(req, ino);
    if (op.replyIfFailed(req))
        return;
    Fs &f = op.f;
    auto *d = reinterpret_cast<DirHandle *>(fi->fh);
    if (const int err = buildListing(f, op.inode(), *d)) {
        fuse_reply_err(req, err);
        return;
    }
    std::vector<char> buf(size);
    size_t used = 0;
    for (size_t k = static_cast<size_t>(off); k < d->entries.size(); ++k) {
        const DirEntry &de = d->entries[k];
        size_t len;
        if (plus) {
            fuse_entry_param e {};
            bool looked = false;
            if (de.name == "." || de.name == "..") {
                e.attr.st_ino = de.ino;
                e.attr.st_mode = DTTOIF(de.type);
            } else {
                // Each entry takes its fds until the reply is sent and the budget
                // enforced: a large reply stops short past an eighth over it, and
                // the kernel asks again from there.
                if (used > 0 && f.heldFds.load() > f.fdBudget + f.fdBudget / 8)
                    break;
                std::shared_lock g(f.tree);
                if (lookupEntry(f, op.inode(), de.name, e) == 0) {
                    looked = true;
                } else {
                    // Gone since opendir, or a whiteout listed in a real dir: the name
                    // alone (node id 0 carries no entry for the kernel to cache).
                    e = {};
                    e.attr.st_ino = de.ino;
                    e.attr.st_mode = DTTOIF(de.type);
                }
            }
            len = fuse_add_direntry_plus(req, buf.data() + used, size - used, de.name.c_str(), &e,
                                         static_cast<off_t>(k + 1));
            if (len > size - used) {
                if (looked)
                    forgetInode(f, f.inode(e.ino), 1);
                break;
            }
        } else {
            struct stat st {};
            st.st_ino = de.ino;
            st.st_mode = DTTOIF(de.type);
            len = fuse_add_direntry(req, buf.data() + used, size - used, de.name.c_str(), &st,
                                    static_cast<off_t>(k + 1));
            if (len > size - used)
                break;
        }
        used += len;
    }
    fuse_reply_buf(req, buf.data(), used);
    relieveFdPressure(f); // a plus listing holds its entries' fds; any may reopen the directory
}

void opReaddir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info *fi)
{
    doReaddir(req, ino, size, off, fi, false);
}

void opReaddirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info *fi)
{
    doReaddir(req, ino, size, off, fi, true);
}

void opReleasedir(fuse_req_t req, fuse_ino_t, fuse_file_info *fi)
{
    delete reinterpret_cast<DirHandle *>(fi->fh);
    fuse_reply_err(req, 0);
}

void opStatfs(fuse_req_t req, fuse_ino_t)
{
    Fs &f = fs(req);
    struct statvfs sv {};
    if (::fstatvfs(f.root.realFd(), &sv) != 0)
        fuse_reply_err(req, errno);
    else
        fuse_reply_statfs(req, &sv);
}

} // namespace strata::engine
