// SPDX-License-Identifier: GPL-2.0-or-later
// link(2), as kernel overlayfs does it (dir.c ovl_link, ovl_create_or_link): the
// object is copied up first, then linked in the upper layer; over a whiteout the
// new link is made in workdir/work and renamed onto it.
#include "ops.h"

#include "copyup.h"
#include "fdbudget.h"
#include "index.h"
#include "resolve.h"

#include <fcntl.h>
#include <unistd.h>

namespace strata::engine {

namespace {

int linkName(Fs &f, fuse_ino_t ino, fuse_ino_t newParentIno, const char *newname, fuse_entry_param &e)
{
    if (f.readOnly())
        return EROFS;
    Inode *srcNode = checkedInode(f, ino), *newParentNode = checkedInode(f, newParentIno);
    if (!srcNode || !newParentNode)
        return EIO;
    auto g = lockTreeForChange(f);
    Inode &src = *srcNode;
    Inode &newParent = *newParentNode;
    if (src.isDir())
        return EPERM;
    if (const int err = ensureFds(f, src))
        return err;
    if (const int err = ensureFds(f, newParent))
        return err;
    bool whiteout = false;
    std::unique_ptr<Inode> hold;
    if (childFor(f, newParent, newname, hold, &whiteout))
        return EEXIST;
    if (auto r = copyUpData(f, src); !r)
        return errOf(r.error());
    if (auto r = copyUp(f, newParent); !r)
        return errOf(r.error());
    unsigned nlinkBefore = 0; // index=on: the union count grows by one (ovl_nlink_end)
    if (!src.indexName.empty())
        if (auto st = inodeStat(f, src))
            nlinkBefore = static_cast<unsigned>(st->st_nlink);
    // Linking an origin object into a directory makes that directory impure.
    if (src.hasOrigin)
        ensureImpure(f, newParent);
    // /proc/self/fd/N with AT_SYMLINK_FOLLOW links the object itself (a symlink too)
    // without the CAP_DAC_READ_SEARCH that AT_EMPTY_PATH asks for.
    const std::string from = procPath(src.upper.get());
    const int pdir = newParent.upper.get();
    if (whiteout) {
        const std::string tmp = tempName(f);
        if (::linkat(AT_FDCWD, from.c_str(), f.workFd(), tmp.c_str(), AT_SYMLINK_FOLLOW) != 0)
            return errno;
        if (::renameat(f.workFd(), tmp.c_str(), pdir, newname) != 0) {
            const int err = errno;
            ::unlinkat(f.workFd(), tmp.c_str(), 0);
            return err;
        }
    } else if (::linkat(AT_FDCWD, from.c_str(), pdir, newname, AT_SYMLINK_FOLLOW) != 0) {
        return errno;
    }
    if (nlinkBefore)
        storeUnionNlink(f, src, nlinkBefore + 1);
    return lookupEntry(f, newParent, newname, e);
}

} // namespace

void opLink(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
    Fs &f = fs(req);
    fuse_entry_param e {};
    const int err = linkName(f, ino, newparent, newname, e);
    if (err)
        fuse_reply_err(req, err);
    else
        fuse_reply_entry(req, &e);
    relieveFdPressure(f);
}

} // namespace strata::engine
