// SPDX-License-Identifier: GPL-2.0-or-later
// Volatile uppers, reused only when nothing can have been lost: real volatile
// mounts (kernel overlayfs and strata-fuse), a real writeback error in between, and
// exactly what --discard-upper removes.
#include "faultyfsrunner.h"
#include "kerneloverlay.h"
#include "mounts/doctor.h"
#include "mounts/overlaymount.h"
#include "mounts/volatile.h"
#include "tempdir.h"
#include "testdirs.h"
#include "testenv.h"
#include "testmain.h"
#include "unionfixture.h"

#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata::mounts;
using strata::test::dirIn;
using strata::test::FaultyFs;
using strata::test::KernelOverlay;
using strata::test::pathExists;
using strata::test::readFile;
using strata::test::TempDir;
using strata::test::UnionFixture;
using strata::test::writeFile;

namespace {

// A volatile upper on the tests' faulty FUSE fs, checkpointed, with the kernel's
// marker, and a real writeback error on its superblock nobody has seen yet.
struct FaultyVolatile {
    TempDir t;
    std::string backing = dirIn(t.path(), "backing"), fused = dirIn(t.path(), "fused");
    FaultyFs ffs {backing, fused};
    std::string u, w;

    // Empty when ready, else why not.
    std::string make()
    {
        if (!ffs.ok())
            return ffs.error();
        u = dirIn(fused, "u");
        w = dirIn(fused, "w");
        if (auto r = recordVolatileMount(u, w, "kernel"); !r)
            return r.error().message();
        if (auto r = createVolatileMarker(w); !r)
            return r.error().message();
        const int fd = ::open((u + "/lost").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        if (fd < 0 || ::write(fd, "lost", 4) != 4)
            return "cannot write into the page cache";
        ffs.failWrites(true);
        ::close(fd); // the writeback fails: the error is on the superblock
        ffs.failWrites(false);
        return {};
    }
};

std::string joined(const std::vector<std::string> &v)
{
    std::string s;
    for (const auto &x : v)
        s += x + "; ";
    return s;
}

} // namespace

class TestVolatile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void checkpointRoundTrip()
    {
        TempDir t;
        auto cp = checkpointNow(t.path(), "kernel");
        QVERIFY2(cp, cp ? "" : cp.error().message().c_str());
        QVERIFY(!cp->bootId.empty());
        QVERIFY(cp->upperMntId != 0);
        cp->note = "a note";
        QVERIFY(writeCheckpoint(t.path(), *cp));
        auto back = readCheckpoint(t.path());
        QVERIFY(back && *back);
        QCOMPARE((*back)->bootId, cp->bootId);
        QCOMPARE((*back)->upperMntId, cp->upperMntId);
        QCOMPARE((*back)->upperDev, cp->upperDev);
        QCOMPARE((*back)->state, std::string("mounted"));
        QCOMPARE((*back)->note, std::string("a note"));
        writeFile(t / "bad/strata-volatile", "not a checkpoint\n");
        QVERIFY(!readCheckpoint(t / "bad"));
    }

    // A real volatile kernel mount, checkpointed as the mount paths do; same boot,
    // same upper mount and a clean syncfs: reused, data intact.
    void kernelVolatileReusedWhenClean()
    {
        TempDir t;
        OverlayOptions spec;
        spec.lowers = {dirIn(t.path(), "l1"), dirIn(t.path(), "l2")};
        spec.upper = dirIn(t.path(), "u");
        spec.work = dirIn(t.path(), "w");
        writeFile(t / "l2/base", "lower\n");
        {
            KernelOverlay ovl(dirIn(t.path(), "m"), spec.lowers, *spec.upper, *spec.work, {"volatile"});
            QVERIFY2(ovl.ok(), ovl.error().c_str());
            QVERIFY(recordVolatileMount(*spec.upper, *spec.work, "kernel"));
            writeFile(ovl / "kept", "written while volatile\n");
        }
        QVERIFY(volatileMarkerPresent(*spec.work));
        const VolatileAssessment a = assessVolatile(*spec.upper, *spec.work, true);
        QVERIFY2(a.safe, joined(a.reasons).c_str());
        QVERIFY(a.sameBoot && a.sameMount && a.synced && a.syncError == 0);
        QVERIFY(clearVolatileMarker(*spec.work));
        QVERIFY(!volatileMarkerPresent(*spec.work));
        KernelOverlay again(t / "m", spec.lowers, *spec.upper, *spec.work);
        QVERIFY2(again.ok(), again.error().c_str());
        QCOMPARE(readFile(again / "kept"), std::string("written while volatile\n"));
        QCOMPARE(readFile(again / "base"), std::string("lower\n"));
    }

    // No checkpoint (another tool mounted it volatile): nothing says the boot or the
    // mount is the same, so it is not safe, whatever syncfs says.
    void withoutCheckpointNotSafe()
    {
        TempDir t;
        const std::string u = dirIn(t.path(), "u"), w = dirIn(t.path(), "w");
        QVERIFY(createVolatileMarker(w));
        const VolatileAssessment a = assessVolatile(u, w, true);
        QVERIFY(a.marker);
        QVERIFY(!a.safe);
        QVERIFY(!a.reasons.empty());
    }

    // A real writeback error between the volatile mount and the repair: refused, and
    // nothing is deleted.
    void writebackErrorRefusesAndKeepsEverything()
    {
        TempDir t;
        const std::string backing = dirIn(t.path(), "backing"), fused = dirIn(t.path(), "fused");
        FaultyFs ffs(backing, fused);
        QVERIFY2(ffs.ok(), ffs.error().c_str());
        const std::string u = dirIn(fused, "u"), w = dirIn(fused, "w");
        QVERIFY(recordVolatileMount(u, w, "kernel"));
        QVERIFY(createVolatileMarker(w));
        writeFile(u + "/kept", "synced\n");
        {
            const int fd = ::open((u + "/lost").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
            QVERIFY(fd >= 0);
            QCOMPARE(::write(fd, "lost", 4), ssize_t(4));
            ffs.failWrites(true);
            ::close(fd); // the writeback fails: the error is on the superblock
        }
        const VolatileAssessment a = assessVolatile(u, w, true);
        ffs.failWrites(false);
        QVERIFY(a.sameBoot && a.sameMount);
        QCOMPARE(a.syncError, EIO);
        QVERIFY(!a.safe);
        QVERIFY(volatileMarkerPresent(w));
        QVERIFY(pathExists(u + "/kept"));
        QVERIFY(pathExists(backing + "/u/kept"));
    }

    // The GUI (and a user) runs the doctor before repairing: its syncfs consumes the
    // error, so every later syncfs reports clean. The doctor records it in the
    // checkpoint and the repair, CLI and GUI alike (repairVolatile), still refuses.
    void errorConsumedByDoctorStillRefusesRepair()
    {
        FaultyVolatile fv;
        const std::string why = fv.make();
        QVERIFY2(why.empty(), why.c_str());
        OverlayOptions spec;
        spec.lowers = {dirIn(fv.t.path(), "l1")};
        spec.upper = fv.u;
        spec.work = fv.w;
        DoctorOptions opts;
        opts.probeWorkdir = false;
        bool found = false;
        for (const auto &f : diagnose(spec, opts).findings)
            found = found || f.code == "writeback-error";
        QVERIFY(found);
        // The error is seen now: a fresh syncfs reports nothing.
        const VolatileAssessment after = assessVolatile(fv.u, fv.w, true);
        QCOMPARE(after.syncError, 0);
        QVERIFY2(!after.safe, joined(after.reasons).c_str());
        auto cp = readCheckpoint(fv.w);
        QVERIFY(cp && *cp);
        QCOMPARE((*cp)->state, std::string("tainted"));

        auto r = repairVolatile(fv.u, fv.w, VolatileRepairMode::IfSafe, false);
        QVERIFY2(r, r ? "" : r.error().message().c_str());
        QCOMPARE(r->action, VolatileAction::Refused);
        QVERIFY(volatileMarkerPresent(fv.w));
        QVERIFY(pathExists(fv.w + "/strata-volatile"));
        QVERIFY(pathExists(fv.u + "/lost"));
    }

    // The repair's own syncfs finds the error: refused, and a second repair (whose
    // syncfs now reports clean) refuses too.
    void repairRemembersTheErrorItFound()
    {
        FaultyVolatile fv;
        const std::string why = fv.make();
        QVERIFY2(why.empty(), why.c_str());
        auto first = repairVolatile(fv.u, fv.w, VolatileRepairMode::IfSafe, true); // a dry run decides too
        QVERIFY(first);
        QCOMPARE(first->assessment.syncError, EIO);
        QCOMPARE(first->action, VolatileAction::Refused);
        auto second = repairVolatile(fv.u, fv.w, VolatileRepairMode::IfSafe, false);
        QVERIFY(second);
        QCOMPARE(second->assessment.syncError, 0);
        QCOMPARE(second->action, VolatileAction::Refused);
        QVERIFY(volatileMarkerPresent(fv.w));
        // --force clears it regardless, and the checkpoint with it.
        auto forced = repairVolatile(fv.u, fv.w, VolatileRepairMode::Force, false);
        QVERIFY(forced);
        QCOMPARE(forced->action, VolatileAction::Forced);
        QVERIFY(!volatileMarkerPresent(fv.w));
        QVERIFY(!pathExists(fv.w + "/strata-volatile"));
    }

    // The core mount path records the checkpoint itself (every mounter: the helper,
    // stratactl, restore); repairVolatile then reuses the upper.
    void coreMountRecordsTheCheckpoint()
    {
        TempDir t;
        OverlayOptions spec;
        spec.lowers = {dirIn(t.path(), "l1")};
        spec.upper = dirIn(t.path(), "u");
        spec.work = dirIn(t.path(), "w");
        spec.others = {{"volatile", std::nullopt}};
        QVERIFY(spec.isVolatile());
        const std::string m = dirIn(t.path(), "m");
        auto mounted = mountOverlay(spec, m);
        QVERIFY2(mounted, mounted ? "" : mounted.error().message().c_str());
        writeFile(m + "/kept", "volatile\n");
        auto cp = readCheckpoint(*spec.work);
        QVERIFY(cp && *cp);
        QCOMPARE((*cp)->state, std::string("mounted"));
        QCOMPARE((*cp)->backend, std::string("kernel"));
        QVERIFY(unmount(m));
        struct stat st {};
        QVERIFY(::stat((*spec.work + "/strata-volatile").c_str(), &st) == 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0600)); // it names the boot and the mounts

        auto r = repairVolatile(*spec.upper, *spec.work, VolatileRepairMode::IfSafe, false);
        QVERIFY2(r, r ? "" : r.error().message().c_str());
        QVERIFY2(r->action == VolatileAction::Cleared, joined(r->assessment.reasons).c_str());
        QVERIFY(!volatileMarkerPresent(*spec.work));
        QVERIFY(!pathExists(*spec.work + "/strata-volatile"));
        spec.others.clear();
        auto again = mountOverlay(spec, m);
        QVERIFY2(again, again ? "" : again.error().message().c_str());
        QCOMPARE(readFile(m + "/kept"), std::string("volatile\n"));
        QVERIFY(unmount(m));
        // fsync=volatile is the same mount.
        QVERIFY(mountsVolatile(std::vector<OverlayOption> {{"fsync", "volatile"}}));
        QVERIFY(!mountsVolatile(std::vector<OverlayOption> {{"fsync", "auto"}}));
    }

    void discardListsExactlyWhatGoes()
    {
        TempDir t;
        const std::string u = dirIn(t.path(), "u"), w = dirIn(t.path(), "w");
        writeFile(u + "/a", "1");
        writeFile(u + "/d/b", "2");
        writeFile(u + "/d/c/e", "3");
        QVERIFY(createVolatileMarker(w));
        QVERIFY(recordVolatileMount(u, w, "kernel"));
        auto list = discardList(u, w);
        QVERIFY(list);
        const std::vector<std::string> expected = {"upper/a",
                                                   "upper/d/b",
                                                   "upper/d/c/e",
                                                   "upper/d/c",
                                                   "upper/d",
                                                   "work/incompat/volatile/dirty",
                                                   "work/incompat/volatile",
                                                   "work/incompat"};
        QCOMPARE(*list, expected);
        QVERIFY(pathExists(u + "/d/c/e")); // listing removes nothing
        QVERIFY(discardUpper(u, w));
        for (const auto &rel : expected)
            QVERIFY2(!pathExists(t.path() + "/" + (rel.starts_with("upper/") ? "u" + rel.substr(5) : "w/" + rel)),
                     rel.c_str());
        QVERIFY(pathExists(u));
        QVERIFY(pathExists(w + "/strata-volatile")); // the checkpoint is repair's to remove
    }

    // strata-fuse's volatile mode: it holds the upper fs, syncs at unmount and
    // records "clean"; its next mount in this boot reuses the upper.
    void strataFuseVolatileReuse()
    {
        if (auto why = strata::test::requireFuse(); !why.empty())
            QSKIP(why.c_str());
        UnionFixture fx;
        writeFile(fx.lower(1) + "/base", "lower\n");
        QVERIFY2(fx.mountFuse({"volatile"}), fx.daemonLog().c_str());
        QVERIFY(volatileMarkerPresent(fx.work()));
        writeFile(fx.path("kept"), "volatile data\n");
        QVERIFY2(fx.unmount(), fx.daemonLog().c_str());
        auto cp = readCheckpoint(fx.work());
        QVERIFY(cp && *cp);
        QCOMPARE((*cp)->state, std::string("clean"));
        QCOMPARE((*cp)->backend, std::string("fuse"));
        // Kernel overlayfs still sees the marker; strata-fuse reuses the upper.
        QVERIFY(volatileMarkerPresent(fx.work()));
        QVERIFY2(fx.mountFuse({"volatile"}), fx.daemonLog().c_str());
        QCOMPARE(readFile(fx.path("kept")), std::string("volatile data\n"));
        QCOMPARE(readFile(fx.path("base")), std::string("lower\n"));
        QVERIFY2(fx.unmount(), fx.daemonLog().c_str());
    }

    // A tainted checkpoint (an error seen at unmount) is never reused.
    void strataFuseRefusesTainted()
    {
        if (auto why = strata::test::requireFuse(); !why.empty())
            QSKIP(why.c_str());
        UnionFixture fx;
        QVERIFY2(fx.mountFuse({"volatile"}), fx.daemonLog().c_str());
        QVERIFY2(fx.unmount(), fx.daemonLog().c_str());
        auto cp = readCheckpoint(fx.work());
        QVERIFY(cp && *cp);
        VolatileCheckpoint tainted = **cp;
        tainted.state = "tainted";
        QVERIFY(writeCheckpoint(fx.work(), tainted));
        QVERIFY(!reuseCleanVolatile(fx.upper(), fx.work()));
        QVERIFY(!fx.mountFuse({"volatile"}));
        QVERIFY(volatileMarkerPresent(fx.work()));
    }
};

STRATA_TEST_MAIN_REQUIRES(TestVolatile, strata::test::requireKernelOverlay)
#include "test_volatile.moc"
