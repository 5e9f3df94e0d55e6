// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The layer contents both engine suites start from, and one scripted series of
// changes applied through a mounted union (kernel overlayfs or strata-fuse).

#include "ovl/xattrs.h"
#include "unionfixture.h"

#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <vector>

namespace strata::test {

// lower1 (bottom) and lower0 (top): an overridden file, a merged dir, a whiteout,
// an opaque dir, a symlink, a hard-linked pair.
inline void buildLowers(const UnionFixture &u)
{
    const std::string l0 = u.lower(0), l1 = u.lower(1);
    writeFile(l1 + "/a.txt", "bottom-a");
    writeFile(l1 + "/dir/x.txt", "x from lower1");
    writeFile(l1 + "/dir/y.txt", "y from lower1", 0640);
    writeFile(l1 + "/gone.txt", "whited out above");
    writeFile(l1 + "/hidden/h.txt", "hidden by opaque");
    writeFile(l1 + "/orig/inside.txt", "in orig");
    writeFile(l1 + "/big.bin", std::string(3 << 20, 'B'));
    ::symlink("a.txt", (l1 + "/link").c_str());
    writeFile(l0 + "/a.txt", "top-a", 0600);
    writeFile(l0 + "/b.txt", "b in lower0");
    writeFile(l0 + "/dir/z.txt", "z from lower0");
    ::mknod((l0 + "/gone.txt").c_str(), S_IFCHR | 0, ::makedev(0, 0));
    writeFile(l0 + "/hidden/k.txt", "k");
    (void)ovl::setOpaque(AT_FDCWD, l0 + "/hidden", ovl::Namespace::Trusted, ovl::Opaque::Yes);
    ::lsetxattr((l0 + "/b.txt").c_str(), "user.note", "lower", 5, 0);
}

// Upper contents as kernel overlayfs leaves them after "mv orig renamed" with
// redirect_dir=on: the moved dir carries a redirect, the old name a whiteout.
inline void buildRedirectUpper(const UnionFixture &u)
{
    ::mkdir((u.upper() + "/renamed").c_str(), 0755);
    (void)ovl::setRedirect(AT_FDCWD, u.upper() + "/renamed", ovl::Namespace::Trusted, "/orig");
    writeFile(u.upper() + "/renamed/added.txt", "added after rename");
    ::mknod((u.upper() + "/orig").c_str(), S_IFCHR | 0, ::makedev(0, 0));
}

// One change per operation family. Returns the errno of each step (0 = ok).
inline std::vector<int> applyChanges(const std::string &m)
{
    std::vector<int> r;
    auto rec = [&](int rc) { r.push_back(rc == 0 ? 0 : errno); };
    auto put = [&](const std::string &p, const std::string &data, int flags, off_t off = -1) {
        const int fd = ::open((m + "/" + p).c_str(), O_WRONLY | O_CLOEXEC | flags, 0644);
        if (fd < 0) {
            r.push_back(errno);
            return;
        }
        const ssize_t n = off < 0 ? ::write(fd, data.data(), data.size()) : ::pwrite(fd, data.data(), data.size(), off);
        r.push_back(n == static_cast<ssize_t>(data.size()) ? 0 : errno);
        ::close(fd);
    };
    put("n1.txt", "new file", O_CREAT | O_EXCL);
    put("a.txt", " appended", O_APPEND);
    put("big.bin", "MIDDLE", 0, 1 << 20);
    rec(::truncate((m + "/dir/x.txt").c_str(), 3));
    rec(::chmod((m + "/dir/y.txt").c_str(), 0600));
    rec(::chown((m + "/b.txt").c_str(), 1000, 1000));
    rec(::unlink((m + "/dir/z.txt").c_str()));
    rec(::mkdir((m + "/newdir").c_str(), 0750));
    put("newdir/f", "in new dir", O_CREAT);
    rec(::mkdir((m + "/dir/sub").c_str(), 0755));
    rec(::unlink((m + "/b.txt").c_str()));
    rec(::mkdir((m + "/b.txt").c_str(), 0700)); // over the whiteout just made
    rec(::rmdir((m + "/hidden").c_str())); // ENOTEMPTY
    rec(::unlink((m + "/hidden/k.txt").c_str()));
    rec(::rmdir((m + "/hidden").c_str()));
    rec(::rename((m + "/a.txt").c_str(), (m + "/a2.txt").c_str()));
    rec(::rename((m + "/n1.txt").c_str(), (m + "/newdir/n1.txt").c_str()));
    rec(::symlink("newdir/n1.txt", (m + "/s").c_str()));
    rec(::setxattr((m + "/dir/x.txt").c_str(), "user.k", "v", 1, 0));
    rec(::removexattr((m + "/dir/y.txt").c_str(), "user.absent"));
    rec(::unlink((m + "/gone.txt").c_str())); // ENOENT
    rec(::mknod((m + "/fifo").c_str(), S_IFIFO | 0644, 0));
    // Onto a non-empty pure upper dir: ENOTEMPTY, but only from the upper's rename,
    // after orig (lower only) was copied up with a redirect, so it is merged now.
    rec(::rename((m + "/orig").c_str(), (m + "/newdir").c_str()));
    return r;
}

} // namespace strata::test
