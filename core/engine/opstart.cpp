// SPDX-License-Identifier: GPL-2.0-or-later
#include "fdbudget.h"
#include "ops.h"

namespace strata::engine {

OpStart::OpStart(fuse_req_t req, fuse_ino_t ino, unsigned needs)
    : f(fs(req))
{
    node = checkedInode(f, ino);
    if (!node) {
        err = EIO;
        return;
    }
    if ((needs & Writes) && f.readOnly()) {
        err = EROFS;
        return;
    }
    if (needs & Fds) {
        tree = std::shared_lock(f.tree);
        err = ensureFds(f, *node);
    }
}

bool OpStart::replyIfFailed(fuse_req_t req) const
{
    if (!err)
        return false;
    fuse_reply_err(req, err);
    return true;
}

} // namespace strata::engine
