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
#include <filesystem>

using namespace strata;
using namespace strata::test;

namespace {

void resetWork(const UnionFixture &u)
{
    // The kernel leaves work/work (mode 0) behind; both engines empty it at mount.
    std::filesystem::remove_all(u.work());
    std::filesystem::create_directories(u.work());
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
};

STRATA_TEST_MAIN_REQUIRES(TestEngineCompat, requireFuseAndKernel)
#include "test_engine_compat.moc"
