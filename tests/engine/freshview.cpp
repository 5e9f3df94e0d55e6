// SPDX-License-Identifier: GPL-2.0-or-later
#include "freshview.h"

#include <QElapsedTimer>
#include <QTest>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/mount.h>

namespace strata::test {

Snapshot freshKernelView(const UnionFixture &u, int lowers, const std::string &sub, std::string *err)
{
    const std::string dir = u.dir() / "kview";
    std::filesystem::create_directories(dir);
    std::string opts = "redirect_dir=follow,lowerdir=" + u.upper();
    for (int i = 0; i < lowers; ++i)
        opts += ":" + u.lower(i);
    if (::mount("overlay", dir.c_str(), "overlay", MS_RDONLY, opts.c_str()) != 0) {
        *err = "kernel overlay mount failed: " + std::string(std::strerror(errno));
        return {};
    }
    Snapshot s = snapshot(sub.empty() ? dir : dir + "/" + sub);
    ::umount2(dir.c_str(), MNT_DETACH);
    return s;
}

std::string convergeToFresh(const UnionFixture &u, int lowers, const std::string &sub, int timeoutMs, long long *ms)
{
    QElapsedTimer t;
    t.start();
    const std::string mine = sub.empty() ? u.mnt() : u.path(sub);
    for (;;) {
        std::string err;
        const Snapshot want = freshKernelView(u, lowers, sub, &err);
        if (!err.empty())
            return err;
        std::string last = diff(want, snapshot(mine), "fresh kernel mount", "strata-fuse");
        if (last.empty()) {
            *ms = t.elapsed();
            return {};
        }
        if (t.elapsed() > timeoutMs)
            return last;
        QTest::qWait(10);
    }
}

} // namespace strata::test
