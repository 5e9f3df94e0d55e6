// SPDX-License-Identifier: GPL-2.0-or-later
// rename(2) with kernel overlayfs' redirect_dir=on semantics (fs/overlayfs/dir.c
// ovl_rename): a lower or merged directory is copied up alone (never its tree),
// given overlay.redirect pointing at where its lower directories live, and moved;
// a whiteout takes the old name when a lower layer still has it.
#include "ops.h"

#include "copyup.h"
#include "fdbudget.h"
#include "index.h"
#include "ovl/xattrs.h"
#include "resolve.h"
#include "upperformat.h"
#include "util/xattrio.h"

#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace strata::engine {

namespace {

constexpr size_t kRedirectMax = 256; // the kernel's redirect_max module default

// A lower-only or merged directory: moving it needs a redirect (ovl_type_merge_or_lower
// after copy-up; a copied-up non-directory is pure upper and needs none).
bool needsRedirect(const Inode &i)
{
    return i.isDir() && !i.lowers.empty();
}

// What ovl_set_redirect stores for `i` at its current (old) place: nothing new when
// it already has a redirect that is good enough, its own name when it stays in the
// same directory, else the absolute path of its lower directories, built from the
// root down with every ancestor's redirect standing in for its name and stopping at
// the first absolute one (ovl_get_redirect). EXDEV when longer than redirect_max,
// which makes mv fall back to copying, as with the kernel.
Result<std::optional<std::string>> redirectFor(Fs &f, const Inode &i, bool samedir)
{
    const bool absolute = !samedir;
    if (!i.redirect.empty() && (!absolute || i.redirect.front() == '/'))
        return std::optional<std::string>();
    if (!absolute)
        return std::optional<std::string>(i.name);
    std::string path;
    for (const Inode *d = &i; d && d != &f.root; d = d->parent) {
        const std::string &n = d->redirect.empty() ? d->name : d->redirect;
        path = path.empty() ? n : n + "/" + path;
        if (n.front() == '/')
            break;
        if (!d->parent || d->parent == &f.root)
            path = "/" + path;
    }
    if (path.empty() || path.front() != '/' || path.size() > kRedirectMax)
        return fail(makeError(i.name, "redirect too long", EXDEV));
    return std::optional<std::string>(path);
}

// What prepareMove() set, taken back when the move fails: a failed rename leaves
// the upper as it found it.
struct MoveUndo {
    struct Step {
        Inode *i;
        int dirfd;
        std::string name;
        bool opaque; // else the redirect
        std::string oldRedirect; // "" when there was none
    };
    Fs *f = nullptr;
    std::vector<Step> steps;
    void run()
    {
        for (auto &s : steps) {
            const ovl::Attr a = s.opaque ? ovl::Attr::Opaque : ovl::Attr::Redirect;
            if (s.opaque || s.oldRedirect.empty())
                (void)removeXattrAt(s.dirfd, s.name, ovl::name(f->layers.ns, a));
            else
                (void)ovl::setRedirect(s.dirfd, s.name, f->layers.ns, s.oldRedirect);
            if (s.opaque)
                s.i->opaque = false;
            else
                s.i->redirect = s.oldRedirect;
        }
        steps.clear();
    }
};

// Before the move: a redirect on a lower or merged dir, or opaque on a pure upper
// dir that lands in a merge directory (so the new parent's lowers stay hidden).
Result<void> prepareMove(Fs &f, Inode &i, Inode &from, Inode &to, bool mergeOrLower, MoveUndo &undo)
{
    if (mergeOrLower) {
        auto red = redirectFor(f, i, &from == &to);
        if (!red)
            return fail(red.error());
        if (*red) {
            if (auto r = ovl::setRedirect(from.upper.get(), i.name, f.layers.ns, **red); !r)
                return fail(makeError(i.name, "cannot set redirect", EXDEV));
            undo.steps.push_back({&i, from.upper.get(), i.name, false, i.redirect});
            i.redirect = **red;
        }
    } else if (i.isDir() && !i.opaque && to.merged()) {
        if (auto r = ovl::setOpaque(from.upper.get(), i.name, f.layers.ns, ovl::Opaque::Yes); !r)
            return fail(makeError(i.name, "cannot set opaque", EXDEV));
        undo.steps.push_back({&i, from.upper.get(), i.name, true, {}});
        i.opaque = true;
    }
    return {};
}

// Renames made one by one, each with RENAME_NOREPLACE, so undo() can take them
// back in reverse order.
class RenameSteps {
public:
    explicit RenameSteps(const Fs &f)
        : m_f(f)
    { }
    int move(int fromDir, const std::string &from, int toDir, const std::string &to)
    {
        if (const int err = renameNoReplace(m_f, fromDir, from, toDir, to))
            return err;
        m_done.push_back({fromDir, from, toDir, to});
        return 0;
    }
    void undo()
    {
        for (auto it = m_done.rbegin(); it != m_done.rend(); ++it)
            renameNoReplace(m_f, it->toDir, it->to, it->fromDir, it->from);
        m_done.clear();
    }

private:
    const Fs &m_f;
    struct Step {
        int fromDir;
        std::string from;
        int toDir;
        std::string to;
    };
    std::vector<Step> m_done;
};

// The rename for an upper that cannot do it in one renameat2 (upperformat.h): no
// RENAME_WHITEOUT (an overlay, FUSE servers) or no RENAME_EXCHANGE (FUSE servers).
// A whiteout for the old name is made in work/ first; then what is at the new name
// is moved aside into work/ (or, for `exchange`, the source is parked there), the
// object moved, the whiteout put at the old name. A failed step undoes the ones
// before it, so the union and the upper are as they were. A crash between steps
// can leave the object at its new name without the whiteout yet (the lower's old
// name shows again) or the replaced target in work/ (emptied at the next mount).
Result<void> stagedRename(Fs &f, int odir, const std::string &name, int ndir, const std::string &newname, bool whiteout,
                          bool exchange)
{
    const int work = f.workFd();
    std::string wh, aside;
    bool marked = false;
    RenameSteps steps(f);
    auto abandon = [&](int err, const char *what) {
        steps.undo();
        if (!wh.empty())
            cleanupTemp(f, wh, false);
        if (marked)
            clearXWhiteoutsMark(f, odir);
        return fail(sysError(err, name, what));
    };
    if (whiteout) {
        wh = tempName(f);
        if (auto r = makeUpperWhiteout(f, wh); !r) {
            wh.clear();
            return fail(r.error());
        }
        auto m = markXWhiteoutsDir(f, odir);
        if (!m)
            return abandon(m.error().code, "cannot mark the directory for xattr whiteouts");
        marked = *m;
    }
    if (exchange) {
        const std::string park = tempName(f);
        if (int err = steps.move(odir, name, work, park))
            return abandon(err, "cannot rename");
        if (int err = steps.move(ndir, newname, odir, name))
            return abandon(err, "cannot rename");
        if (int err = steps.move(work, park, ndir, newname))
            return abandon(err, "cannot rename");
        return {};
    }
    struct stat st {};
    const bool targetExists = ::fstatat(ndir, newname.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (targetExists) {
        aside = tempName(f);
        if (int err = steps.move(ndir, newname, work, aside))
            return abandon(err, "cannot move the rename's target aside");
    }
    if (int err = steps.move(odir, name, ndir, newname))
        return abandon(err, "cannot rename");
    if (whiteout)
        if (int err = steps.move(work, wh, odir, name))
            return abandon(err, "cannot place the whiteout at the old name");
    if (targetExists)
        cleanupTemp(f, aside, S_ISDIR(st.st_mode));
    return {};
}

// ovl_pure_upper for a directory: no lower, and not flagged OVL_WHITEOUTS, which
// ovl_get_inode sets for a dir with an upper and a lower, more than one lower, or
// an origin xattr (and copy-up sets, leaving an origin here too). Whiteouts
// actually inside the upper do not count: the kernel never looks.
bool pureUpperDir(const Inode &i)
{
    return i.upper.valid() && i.lowers.empty() && !i.hasOrigin;
}

int checkEmpty(Fs &f, Inode &dir, bool *upperWhiteouts)
{
    auto entries = mergedEntries(f, dir, false, upperWhiteouts);
    if (!entries)
        return errOf(entries.error());
    return entries->empty() ? 0 : ENOTEMPTY;
}

int renameName(fuse_req_t req, fuse_ino_t parentIno, const char *name, fuse_ino_t newParentIno, const char *newname,
               unsigned int flags)
{
    if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
        return EINVAL;
    const bool exchange = flags & RENAME_EXCHANGE;
    OpStart op(req, parentIno, OpStart::Writes);
    Inode *newParentNode = checkedInode(op.f, newParentIno);
    if (op.err || !newParentNode)
        return op.err ? op.err : EIO;
    Fs &f = op.f;
    auto g = lockTreeForChange(f);
    Inode &parent = op.inode();
    Inode &newParent = *newParentNode;
    if (const int err = ensureFds(f, parent))
        return err;
    if (const int err = ensureFds(f, newParent))
        return err;
    const bool samedir = &parent == &newParent;
    std::unique_ptr<Inode> holdSrc, holdDst;
    Inode *src = childFor(f, parent, name, holdSrc, nullptr);
    if (!src)
        return ENOENT;
    bool dstWhiteout = false;
    Inode *dst = childFor(f, newParent, newname, holdDst, &dstWhiteout);
    if (exchange && !dst)
        return ENOENT;
    if (dst == src)
        return 0;
    if (dst && (flags & RENAME_NOREPLACE))
        return EEXIST;
    bool dstUpperWhiteouts = false;
    if (dst && !exchange) {
        if (src->isDir() && !dst->isDir())
            return ENOTDIR;
        if (!src->isDir() && dst->isDir())
            return EISDIR;
    }
    // userxattr turns redirect_dir off: a merged or lower directory cannot move
    // (dir.c ovl_can_move, checked first in ovl_rename): EXDEV, and mv copies.
    if (f.config.userxattr && (needsRedirect(*src) || (exchange && needsRedirect(*dst))))
        return EXDEV;
    if (dst && !exchange && dst->isDir() && !pureUpperDir(*dst)) {
        // ovl_rename checks emptiness itself only for a target that is not pure
        // upper; a pure upper one is left to the upper's rename, which fails (its
        // whiteouts count there too) after the source was copied up and given its
        // redirect, side effects the kernel's upper keeps.
        if (const int err = checkEmpty(f, *dst, &dstUpperWhiteouts))
            return err;
    }
    const bool srcMove = needsRedirect(*src);
    const bool dstMove = exchange && needsRedirect(*dst);
    // Whether a lower layer shows the old name decides the whiteout (ovl_lower_positive).
    const bool srcPositive = !exchange && (!src->upper.valid() || lowerPositive(f, parent, name));

    if (auto r = copyUpData(f, *src); !r)
        return errOf(r.error());
    if (auto r = copyUp(f, newParent); !r)
        return errOf(r.error());
    if (exchange)
        if (auto r = copyUpData(f, *dst); !r)
            return errOf(r.error());
    // index=on: the names moved need their upper aliases (the inode may have been
    // copied up through another name).
    if (!src->indexName.empty()) {
        if (auto r = copyUp(f, parent); !r)
            return errOf(r.error());
        if (auto r = ensureAlias(f, *src, parent, name); !r)
            return errOf(r.error());
    }
    if (exchange && !dst->indexName.empty())
        if (auto r = ensureAlias(f, *dst, newParent, newname); !r)
            return errOf(r.error());
    // index=on: a name of an indexed file replaced by the rename is one link less of
    // it; as for unlink, it is copied up first so the index entry holds the count
    // (inode.c ovl_nlink_start/ovl_nlink_end, called by ovl_rename).
    const bool dstIndexed = dst && !exchange && !dst->isDir() && !dst->indexName.empty();
    unsigned dstNlinkBefore = 0;
    if (dstIndexed) {
        if (auto r = copyUp(f, *dst); !r)
            return errOf(r.error());
        if (auto st = inodeStat(f, *dst))
            dstNlinkBefore = static_cast<unsigned>(st->st_nlink);
    }
    const int odir = parent.upper.get();
    const int ndir = newParent.upper.get();
    // Moved origin objects make the receiving parent impure (readdir d_ino fix-ups).
    if (!samedir && src->hasOrigin)
        ensureImpure(f, newParent);
    if (!samedir && exchange && dst->hasOrigin)
        ensureImpure(f, parent);
    MoveUndo undo;
    undo.f = &f;
    if (auto r = prepareMove(f, *src, parent, newParent, srcMove, undo); !r) {
        undo.run();
        return errOf(r.error());
    }
    if (exchange)
        if (auto r = prepareMove(f, *dst, newParent, parent, dstMove, undo); !r) {
            undo.run();
            return errOf(r.error());
        }
    unsigned rflags = exchange ? RENAME_EXCHANGE : 0;
    bool cleanupWhiteout = false;
    if (!exchange && srcPositive)
        rflags = dstWhiteout ? RENAME_EXCHANGE : RENAME_WHITEOUT;
    else if (!exchange && src->isDir() && dstWhiteout) {
        rflags = RENAME_EXCHANGE;
        cleanupWhiteout = true;
    }
    // An upper without RENAME_WHITEOUT (an overlay, some FUSE servers) or without
    // RENAME_EXCHANGE gets the same result in steps, undone when one fails.
    const auto &fmt = f.layers.format;
    const bool staged
        = (!exchange && srcPositive && !fmt.renameWhiteout) || ((exchange || cleanupWhiteout) && !fmt.renameExchange);
    // The staged path moves the target aside whole; a failed step then puts it back
    // with its whiteouts.
    if (!staged && dst && !exchange && dst->isDir() && dst->upper.valid() && dstUpperWhiteouts)
        removeBelow(dst->upper.get());
    if (staged) {
        if (auto r = stagedRename(f, odir, name, ndir, newname, srcPositive, exchange); !r) {
            undo.run();
            return errOf(r.error());
        }
        cleanupWhiteout = false;
    } else if (::renameat2(odir, name, ndir, newname, rflags) != 0) {
        // The upper's own refusal (ENOTEMPTY of a pure upper target) keeps the
        // copy-up and redirect, as the kernel's upper does (test_engine_renamepure);
        // neither changes the union.
        return errno;
    }
    if (cleanupWhiteout)
        ::unlinkat(odir, name, 0);
    if (dstIndexed && dst->upper.valid() && dstNlinkBefore > 0)
        storeUnionNlink(f, *dst, dstNlinkBefore - 1);
    if (dst && !exchange) {
        // A replaced file keeps its inode while another name still links it.
        struct stat st {};
        const bool linked = !dst->isDir() && dst->upper.valid()
            && ::fstatat(dst->upper.get(), "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0 && st.st_nlink > 0;
        if (!linked)
            unhashInode(f, *dst);
    }
    if (!holdSrc)
        setParent(f, *src, &newParent, newname);
    if (exchange && !holdDst)
        setParent(f, *dst, &parent, name);
    // A directory moved to another parent lists another "..": drop the listing the
    // kernel keeps for it (the kernel changes the two parents' itself).
    if (!samedir && f.session) {
        if (src->isDir() && !holdSrc)
            fuse_lowlevel_notify_inval_inode(f.session, f.nodeId(*src), 0, 0);
        if (exchange && dst->isDir() && !holdDst)
            fuse_lowlevel_notify_inval_inode(f.session, f.nodeId(*dst), 0, 0);
    }
    return 0;
}

} // namespace

void opRename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent, const char *newname,
              unsigned int flags)
{
    fuse_reply_err(req, renameName(req, parent, name, newparent, newname, flags));
}

} // namespace strata::engine
