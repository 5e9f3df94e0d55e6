// SPDX-License-Identifier: GPL-2.0-or-later
#include "whiteout.h"

#include "util/xattrio.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace strata::ovl {

// util.c ovl_path_check_xwhiteout_xattr: presence of overlay.whiteout (any value,
// probed with a size-0 getxattr) on a zero-size regular file.
Result<bool> hasXattrWhiteoutMarker(int dirfd, const std::string &name, Namespace ns)
{
    auto v = getXattrAt(dirfd, name, ovl::name(ns, Attr::Whiteout));
    if (!v)
        return fail(v.error());
    return v->has_value();
}

// fs/namei.c vfs_whiteout: vfs_mknod(S_IFCHR | WHITEOUT_MODE, WHITEOUT_DEV) with
// WHITEOUT_MODE 0 and WHITEOUT_DEV 0; overlayfs makes them the same way (dir.c
// ovl_whiteout via ovl_do_whiteout, or RENAME_WHITEOUT on the upper fs).
Result<void> makeWhiteout(int dirfd, const std::string &name)
{
    if (::mknodat(dirfd, name.c_str(), S_IFCHR | 0, ::makedev(0, 0)) != 0)
        return fail(sysError(errno, name, "cannot create a 0/0 whiteout"));
    return {};
}

// The kernel never creates xattr whiteouts; layer composers do (composefs). The value
// is irrelevant to the kernel; "y" is what the kernel's own test suite writes
// (xfstests overlay "xwhiteout" test). The parent must also carry opaque=x for the
// kernel to look at it (see setOpaque).
Result<void> makeXattrWhiteout(int dirfd, const std::string &name, Namespace ns)
{
    const int fd = ::openat(dirfd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail(sysError(errno, name, "cannot create an xattr whiteout file"));
    ::close(fd);
    if (auto r = setXattrAt(dirfd, name, ovl::name(ns, Attr::Whiteout), "y"); !r) {
        ::unlinkat(dirfd, name.c_str(), 0);
        return r;
    }
    return {};
}

} // namespace strata::ovl
