// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "mergerules.h"
#include "util/error.h"
#include "xattrnames.h"

#include <string>
#include <sys/stat.h>

namespace strata::ovl {

// A classic whiteout: a character device 0/0. overlayfs may hard-link one whiteout
// inode many times (shared whiteouts, st_nlink > 1): that is still a whiteout.
// Where either kind of whiteout counts is a merge rule: ovl/mergerules.h.
inline bool isWhiteoutStat(const struct stat &st)
{
    return isChardevWhiteout(st.st_mode, st.st_rdev);
}

// An xattr whiteout candidate: a zero-size regular file, which is a whiteout when
// it carries overlay.whiteout (util.c ovl_path_check_xwhiteout_xattr).
inline bool couldBeXattrWhiteout(const struct stat &st)
{
    return needsWhiteoutXattr(st.st_mode, st.st_size);
}

// Reads overlay.whiteout of dirfd/name. Ok(false) when absent.
Result<bool> hasXattrWhiteoutMarker(int dirfd, const std::string &name, Namespace ns);

// Writers (used by the engine, the demo stack and tests): make a 0/0 whiteout, or an
// xattr whiteout (zero-size file + overlay.whiteout) when mknod is not permitted.
Result<void> makeWhiteout(int dirfd, const std::string &name);
Result<void> makeXattrWhiteout(int dirfd, const std::string &name, Namespace ns);

} // namespace strata::ovl
