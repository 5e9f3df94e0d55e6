// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "util/error.h"
#include "xattrnames.h"

#include <string>
#include <sys/stat.h>

namespace strata::ovl {

// A classic whiteout: a character device 0/0. overlayfs may hard-link one whiteout
// inode many times (shared whiteouts, st_nlink > 1): that is still a whiteout.
inline bool isWhiteoutStat(const struct stat &st)
{
    return S_ISCHR(st.st_mode) && st.st_rdev == 0;
}

// An xattr whiteout candidate: a zero-size regular file carrying overlay.whiteout
// (util.c ovl_path_check_xwhiteout_xattr). The kernel is not consistent about it:
// lookup (namei.c ovl_lookup_single -> ovl_path_is_whiteout) treats such a file as a
// whiteout on any layer, whatever its parent's opaque value, while readdir hides it
// only in a dir marked opaque=x on a lower layer other than the last one (the last
// layer's opaque xattr is never read). Verified on 6.18 by test_ovl_kernel: on the
// last lower layer the name is listed but stat() fails with ENOENT.
inline bool couldBeXattrWhiteout(const struct stat &st)
{
    return S_ISREG(st.st_mode) && st.st_size == 0;
}

// Reads overlay.whiteout of dirfd/name. Ok(false) when absent.
Result<bool> hasXattrWhiteoutMarker(int dirfd, const std::string &name, Namespace ns);

// Writers (used by the engine, the demo stack and tests): make a 0/0 whiteout, or an
// xattr whiteout (zero-size file + overlay.whiteout) when mknod is not permitted.
Result<void> makeWhiteout(int dirfd, const std::string &name);
Result<void> makeXattrWhiteout(int dirfd, const std::string &name, Namespace ns);

} // namespace strata::ovl
