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

// An xattr whiteout candidate: a zero-size regular file. It is a whiteout only when
// it carries overlay.whiteout AND its parent is marked opaque=x, and the kernel does
// not honour it on the upper or the last lower layer (v6.7 fix); see isXattrWhiteout.
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
