// SPDX-License-Identifier: GPL-2.0-or-later
// strata-fuse against kernel overlayfs (redirect_dir=on) over identical layers:
// the same merged view, the same results for the same changes, and an upper
// written by either mounts with the other showing the same view.
#include "layersetup.h"
#include "testenv.h"
#include "testmain.h"
#include "treesnapshot.h"
#include "unionfixture.h"

#include <QTest>
#include <cstring>
#include <filesystem>
#include <sys/xattr.h>

using namespace strata;
using namespace strata::test;

namespace {

void resetWork(const UnionFixture &u)
{
    // The kernel leaves work/work (mode 0) behind; both engines empty it at mount.
    std::filesystem::remove_all(u.work());
    std::filesystem::create_directories(u.work());
}

// How many objects below `dir` (itself included) carry overlay xattrs of each namespace.
std::pair<int, int> overlayXattrCounts(const std::string &dir)
{
    int user = 0, trusted = 0;
    auto count = [&](const std::string &p) {
        char buf[4096];
        const ssize_t n = ::llistxattr(p.c_str(), buf, sizeof(buf));
        bool u = false, t = false;
        for (ssize_t i = 0; i < n; i += static_cast<ssize_t>(std::strlen(buf + i)) + 1) {
            const std::string name(buf + i);
            u |= name.starts_with("user.overlay.");
            t |= name.starts_with("trusted.overlay.");
        }
        user += u;
        trusted += t;
    };
    count(dir);
    for (const auto &e : std::filesystem::recursive_directory_iterator(dir))
        count(e.path().string());
    return {user, trusted};
}

} // namespace

class TestEngineCompat : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sameViewOfExistingLayers()
    {
        UnionFixture u;
        buildLowers(u);
        buildRedirectUpper(u);
        QVERIFY(u.mountKernel());
        const Snapshot kernel = snapshot(u.mnt());
        QVERIFY(u.unmount());
        resetWork(u);
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        const Snapshot fuse = snapshot(u.mnt());
        QVERIFY(u.unmount());
        QVERIFY(kernel.size() > 10);
        const std::string d = diff(kernel, fuse, "kernel", "strata-fuse");
        QVERIFY2(d.empty(), d.c_str());
    }

    void sameChangesSameResults()
    {
        UnionFixture k, s;
        buildLowers(k);
        buildLowers(s);
        QVERIFY(k.mountKernel());
        const std::vector<int> kernelErrs = applyChanges(k.mnt());
        const Snapshot kernel = snapshot(k.mnt());
        QVERIFY(k.unmount());

        QVERIFY2(s.mountFuse(), s.daemonLog().c_str());
        const std::vector<int> fuseErrs = applyChanges(s.mnt());
        const Snapshot fuse = snapshot(s.mnt());
        QVERIFY(s.unmount());
        QCOMPARE(fuseErrs, kernelErrs);
        std::string d = diff(kernel, fuse, "kernel", "strata-fuse");
        QVERIFY2(d.empty(), d.c_str());

        // The upper strata-fuse wrote, mounted by the kernel: the same view again.
        resetWork(s);
        QVERIFY(s.mountKernel());
        const Snapshot kernelOverFuse = snapshot(s.mnt());
        QVERIFY(s.unmount());
        d = diff(kernel, kernelOverFuse, "kernel", "kernel over strata-fuse's upper");
        QVERIFY2(d.empty(), d.c_str());

        // And the kernel's upper mounted by strata-fuse.
        resetWork(k);
        QVERIFY2(k.mountFuse(), k.daemonLog().c_str());
        const Snapshot fuseOverKernel = snapshot(k.mnt());
        QVERIFY(k.unmount());
        d = diff(kernel, fuseOverKernel, "kernel", "strata-fuse over the kernel's upper");
        QVERIFY2(d.empty(), d.c_str());
    }

    // An upper the kernel wrote with userxattr: strata-fuse, mounted without the
    // option, finds user.overlay.* there and keeps to it (reads and writes).
    void userxattrUpperKeepsItsNamespace()
    {
        UnionFixture u;
        buildLowers(u);
        QVERIFY(u.mountKernel(false, "userxattr"));
        applyChanges(u.mnt());
        QCOMPARE(::unlink(u.path("orig/inside.txt").c_str()), 0);
        const Snapshot kernel = snapshot(u.mnt());
        QVERIFY(u.unmount());
        // A few trusted.overlay.* are expected: the kernel copies lower0/hidden's
        // trusted.overlay.opaque up as a plain xattr under userxattr.
        const auto [user, trusted] = overlayXattrCounts(u.upper());
        QVERIFY(user > trusted);

        resetWork(u);
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        const Snapshot fuse = snapshot(u.mnt());
        std::string d = diff(kernel, fuse, "kernel (userxattr)", "strata-fuse");
        // More writes in the same namespace: copy-ups (origin), an opaque directory.
        // No directory renames: with userxattr the kernel neither writes nor follows
        // redirects (redirect_dir=nofollow).
        QCOMPARE(::chmod(u.path("hidden/h.txt").c_str(), 0604), 0); // not opaque under userxattr
        QCOMPARE(::rmdir(u.path("orig").c_str()), 0);
        QCOMPARE(::mkdir(u.path("orig").c_str(), 0711), 0);
        writeFile(u.path("orig/fresh"), "fresh");
        const Snapshot fuseAfter = snapshot(u.mnt());
        QVERIFY(u.unmount());
        QVERIFY2(d.empty(), d.c_str());
        const auto [userAfter, trustedAfter] = overlayXattrCounts(u.upper());
        QVERIFY(userAfter > user);
        QCOMPARE(trustedAfter, trusted);

        resetWork(u);
        QVERIFY(u.mountKernel(false, "userxattr"));
        const Snapshot kernelAfter = snapshot(u.mnt());
        QVERIFY(u.unmount());
        d = diff(fuseAfter, kernelAfter, "strata-fuse", "kernel (userxattr) over strata-fuse's upper");
        QVERIFY2(d.empty(), d.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineCompat, requireFuseAndKernel)
#include "test_engine_compat.moc"
