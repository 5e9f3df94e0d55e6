// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl doctor and repair --volatile against real stacks: a dirty marker left
// by a real volatile mount (made by stratactl mount, which records the checkpoint),
// the kernel's own try-mount next to the verdict, and the repair's decisions.
#include "clirunner.h"
#include "kerneloverlay.h"
#include "tempdir.h"
#include "testdirs.h"
#include "testenv.h"
#include "testmain.h"

#include <QJsonArray>
#include <QTest>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata::test;

namespace {

QJsonObject findingOf(const QJsonObject &doc, const QString &code)
{
    for (const auto &f : doc.value(QStringLiteral("findings")).toArray())
        if (f.toObject().value(QStringLiteral("code")).toString() == code)
            return f.toObject();
    return {};
}

struct Stack {
    TempDir t;
    std::string l1 = dirIn(t.path(), "l1"), u = dirIn(t.path(), "u"), w = dirIn(t.path(), "w"),
                m = dirIn(t.path(), "m");
    QStringList layers() const
    {
        return {QStringLiteral("--lower"), qpath(l1), QStringLiteral("--upper"), qpath(u),
                QStringLiteral("--work"),  qpath(w)};
    }
};

} // namespace

class TestCliDoctor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void volatileMountThenDoctorThenRepair()
    {
        Stack s;
        // stratactl mount as root without a system bus mounts directly and records
        // the volatile checkpoint beside the upper.
        CliRun mounted = runCli(QStringList {QStringLiteral("mount")} + s.layers()
                                + QStringList {QStringLiteral("-o"), QStringLiteral("volatile"), qpath(s.m)});
        if (mounted.exitCode == 4 || mounted.err.contains("helper"))
            QSKIP("stratactl mount goes through the helper here (a system bus is up)");
        QVERIFY2(mounted.exitCode == 0, mounted.describe().constData());
        touch(s.m + "/file");
        QVERIFY(::umount2(s.m.c_str(), 0) == 0);
        QVERIFY(pathExists(s.w + "/strata-volatile"));

        CliRun doc
            = runCli(QStringList {QStringLiteral("doctor")} + s.layers() + QStringList {QStringLiteral("--json")});
        QVERIFY2(doc.jsonOk, doc.describe().constData());
        QCOMPARE(doc.exitCode, 6);
        QVERIFY(doc.json.value(QStringLiteral("refused")).toBool());
        const QJsonObject f = findingOf(doc.json, QStringLiteral("volatile-dirty"));
        QVERIFY2(!f.isEmpty(), doc.out.constData());
        QCOMPARE(f.value(QStringLiteral("severity")).toString(), QStringLiteral("error"));
        QVERIFY(f.value(QStringLiteral("confirmed")).toBool()); // the kernel said it in the try-mount
        QVERIFY(doc.json.value(QStringLiteral("agrees")).toBool());
        QVERIFY(!doc.json.value(QStringLiteral("try_mount")).toObject().value(QStringLiteral("mounted")).toBool());

        CliRun dry = runCli(
            QStringList {QStringLiteral("repair")} + s.layers()
            + QStringList {QStringLiteral("--volatile"), QStringLiteral("--dry-run"), QStringLiteral("--json")});
        QVERIFY2(dry.exitCode == 0 && dry.jsonOk, dry.describe().constData());
        QVERIFY(dry.json.value(QStringLiteral("safe")).toBool());
        QCOMPARE(dry.json.value(QStringLiteral("action")).toString(), QStringLiteral("cleared"));
        QVERIFY(pathExists(s.w + "/work/incompat/volatile")); // a dry run changes nothing

        CliRun fixed = runCli(QStringList {QStringLiteral("repair")} + s.layers()
                              + QStringList {QStringLiteral("--volatile"), QStringLiteral("--json")});
        QVERIFY2(fixed.exitCode == 0, fixed.describe().constData());
        QVERIFY(!pathExists(s.w + "/work/incompat/volatile"));
        QVERIFY(pathExists(s.u + "/file"));

        CliRun healthy
            = runCli(QStringList {QStringLiteral("doctor")} + s.layers() + QStringList {QStringLiteral("--json")});
        QVERIFY2(healthy.exitCode == 0, healthy.describe().constData());
        QVERIFY(healthy.json.value(QStringLiteral("try_mount")).toObject().value(QStringLiteral("mounted")).toBool());
    }

    void repairWithoutCheckpointRefusesThenDiscards()
    {
        Stack s;
        {
            KernelOverlay ovl(s.m, {s.l1}, s.u, s.w, {"volatile"}); // another tool: no checkpoint
            QVERIFY2(ovl.ok(), ovl.error().c_str());
            touch(ovl / "a");
            ::mkdir((ovl / "d").c_str(), 0755);
            touch(ovl / "d/b");
        }
        CliRun refused = runCli(QStringList {QStringLiteral("repair")} + s.layers()
                                + QStringList {QStringLiteral("--volatile"), QStringLiteral("--json")});
        QVERIFY2(refused.jsonOk, refused.describe().constData());
        QCOMPARE(refused.exitCode, 6);
        QCOMPARE(refused.json.value(QStringLiteral("action")).toString(), QStringLiteral("refused"));
        QVERIFY(!refused.json.value(QStringLiteral("reasons")).toArray().isEmpty());
        QVERIFY(pathExists(s.u + "/d/b"));

        CliRun discard = runCli(
            QStringList {QStringLiteral("repair")} + s.layers()
            + QStringList {QStringLiteral("--volatile"), QStringLiteral("--discard-upper"), QStringLiteral("--json")});
        QVERIFY2(discard.exitCode == 0, discard.describe().constData());
        QStringList removed;
        for (const auto &r : discard.json.value(QStringLiteral("removed")).toArray())
            removed << r.toString();
        // Exactly the upper's entries (children first), then the work dir's.
        QStringList uppers;
        for (const auto &r : removed)
            if (r.startsWith(QLatin1String("upper/")))
                uppers << r;
        QCOMPARE(uppers,
                 (QStringList {QStringLiteral("upper/a"), QStringLiteral("upper/d/b"), QStringLiteral("upper/d")}));
        QCOMPARE(removed.mid(0, 3), uppers);
        QVERIFY(removed.contains(QStringLiteral("work/incompat/volatile/dirty")));
        for (const auto &r : removed)
            QVERIFY2(r.startsWith(QLatin1String("upper/")) || r.startsWith(QLatin1String("work/")), qPrintable(r));
        QVERIFY(!pathExists(s.u + "/a"));
        QVERIFY(!pathExists(s.w + "/work/incompat"));
        KernelOverlay again(s.m, {s.l1}, s.u, s.w);
        QVERIFY2(again.ok(), again.error().c_str());
    }

    void doctorReadsLayerDirectories()
    {
        TempDir t;
        dirIn(t.path(), "lower1");
        dirIn(t.path(), "lower2");
        dirIn(t.path(), "upper");
        dirIn(t.path(), "work");
        CliRun doc = runCli({QStringLiteral("doctor"), qpath(t.path()), QStringLiteral("--json")});
        QVERIFY2(doc.exitCode == 0 && doc.jsonOk, doc.describe().constData());
        QCOMPARE(doc.json.value(QStringLiteral("target")).toObject().value(QStringLiteral("kind")).toString(),
                 QStringLiteral("layer-directory"));
        QVERIFY(doc.json.value(QStringLiteral("agrees")).toBool());
    }

    // --layout DIR names the stack for doctor and repair as for every other command,
    // and the hints name it the same way.
    void doctorAndRepairTakeLayout()
    {
        TempDir t;
        const std::string l1 = dirIn(t.path(), "lower1"), u = dirIn(t.path(), "upper"), w = dirIn(t.path(), "work");
        const QStringList layout {QStringLiteral("--layout"), qpath(t.path())};
        CliRun doc = runCli(QStringList {QStringLiteral("doctor")} + layout + QStringList {QStringLiteral("--json")});
        QVERIFY2(doc.exitCode == 0 && doc.jsonOk, doc.describe().constData());
        QCOMPARE(doc.json.value(QStringLiteral("target")).toObject().value(QStringLiteral("kind")).toString(),
                 QStringLiteral("layer-directory"));
        {
            KernelOverlay ovl(dirIn(t.path(), "m"), {l1}, u, w, {"volatile"}); // another tool: no checkpoint
            QVERIFY2(ovl.ok(), ovl.error().c_str());
            touch(ovl / "a");
        }
        CliRun dirty = runCli(QStringList {QStringLiteral("doctor")} + layout + QStringList {QStringLiteral("--json")});
        QCOMPARE(dirty.exitCode, 6);
        const QString hint
            = findingOf(dirty.json, QStringLiteral("volatile-dirty")).value(QStringLiteral("repair")).toString();
        QCOMPARE(hint, QStringLiteral("stratactl repair --layout ") + qpath(t.path()) + QStringLiteral(" --volatile"));

        CliRun refused
            = runCli(QStringList {QStringLiteral("repair")} + layout + QStringList {QStringLiteral("--volatile")});
        QCOMPARE(refused.exitCode, 6);
        QVERIFY2(refused.err.contains(QByteArray("stratactl repair --layout ") + qpath(t.path()).toUtf8()
                                      + " --volatile --discard-upper"),
                 refused.describe().constData());
        QVERIFY(!refused.err.contains("TARGET"));
        CliRun dry = runCli(QStringList {QStringLiteral("repair")} + layout
                            + QStringList {QStringLiteral("--volatile"), QStringLiteral("--discard-upper"),
                                           QStringLiteral("--dry-run"), QStringLiteral("--json")});
        QVERIFY2(dry.exitCode == 0 && dry.jsonOk, dry.describe().constData());
        QCOMPARE(dry.json.value(QStringLiteral("action")).toString(), QStringLiteral("discarded"));
        QVERIFY(dry.json.value(QStringLiteral("removed")).toArray().contains(QStringLiteral("upper/a")));
        QVERIFY(pathExists(u + "/a"));
        CliRun done = runCli(QStringList {QStringLiteral("repair")} + layout
                             + QStringList {QStringLiteral("--volatile"), QStringLiteral("--discard-upper")});
        QVERIFY2(done.exitCode == 0, done.describe().constData());
        QVERIFY2(done.out.contains("volatile marker cleared in"), done.describe().constData());
        QVERIFY(!pathExists(u + "/a"));
        QVERIFY(!pathExists(w + "/work/incompat"));
    }

    // index=on over a lower inside an overlay without nfs_export (no decodable file
    // handles): a warning, and the kernel's fallback message in the try-mount.
    void indexOverALowerWithoutFileHandles()
    {
        Stack s;
        const std::string a1 = dirIn(s.t.path(), "a1");
        dirIn(a1, "sub");
        KernelOverlay a(dirIn(s.t.path(), "a"), {a1, dirIn(s.t.path(), "a2")}, {}, {}, {"nfs_export=off"});
        QVERIFY2(a.ok(), a.error().c_str());
        const QStringList args {QStringLiteral("doctor"),
                                QStringLiteral("--lower"),
                                qpath(a / "sub"),
                                QStringLiteral("--upper"),
                                qpath(s.u),
                                QStringLiteral("--work"),
                                qpath(s.w),
                                QStringLiteral("-o"),
                                QStringLiteral("index=on"),
                                QStringLiteral("--json")};
        CliRun doc = runCli(args);
        QVERIFY2(doc.exitCode == 0 && doc.jsonOk, doc.describe().constData());
        const QJsonObject f = findingOf(doc.json, QStringLiteral("index-no-file-handles"));
        QVERIFY2(!f.isEmpty(), doc.out.constData());
        QCOMPARE(f.value(QStringLiteral("severity")).toString(), QStringLiteral("warning"));
        QVERIFY2(f.value(QStringLiteral("confirmed")).toBool(), doc.out.constData());
        QVERIFY(doc.json.value(QStringLiteral("agrees")).toBool());
        QVERIFY(doc.json.value(QStringLiteral("try_mount")).toObject().value(QStringLiteral("mounted")).toBool());
    }

    void fuseBackendTakesAnOverlayUpper()
    {
        TempDir t;
        const std::string base = dirIn(t.path(), "base");
        KernelOverlay ovl(dirIn(t.path(), "m"), {dirIn(base, "l")}, dirIn(base, "u"), dirIn(base, "w"));
        QVERIFY2(ovl.ok(), ovl.error().c_str());
        const QStringList layers {QStringLiteral("--lower"), qpath(dirIn(t.path(), "l1")),
                                  QStringLiteral("--upper"), qpath(dirIn(ovl.target(), "up")),
                                  QStringLiteral("--work"),  qpath(dirIn(ovl.target(), "wk"))};
        CliRun kernel
            = runCli(QStringList {QStringLiteral("doctor")} + layers + QStringList {QStringLiteral("--json")});
        QCOMPARE(kernel.exitCode, 6);
        QVERIFY(findingOf(kernel.json, QStringLiteral("upper-overlay")).value(QStringLiteral("confirmed")).toBool());
        CliRun fuse
            = runCli(QStringList {QStringLiteral("doctor")} + layers
                     + QStringList {QStringLiteral("--backend"), QStringLiteral("fuse"), QStringLiteral("--json")});
        QVERIFY2(fuse.exitCode == 0, fuse.describe().constData());
        // strata-fuse's own decision for this upper: xattr whiteouts, staged renames.
        const QJsonObject staged = findingOf(fuse.json, QStringLiteral("upper-fuse-staged"));
        QCOMPARE(staged.value(QStringLiteral("severity")).toString(), QStringLiteral("info"));
        QVERIFY(staged.value(QStringLiteral("cause")).toString().contains(QStringLiteral("xattr whiteouts")));
    }
};

STRATA_TEST_MAIN_REQUIRES(TestCliDoctor, strata::test::requireKernelOverlay)
#include "test_cli_doctor.moc"
