// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier: stratactl against a real kernel overlay whose whiteouts, opaque dir,
// renamed dir, copy-ups and index entries the kernel itself made through the mount;
// the same stack saved and inspected offline; and the view of an unprivileged user
// who cannot read trusted.overlay.* (a partial result, exit 3).
#include "clirunner.h"
#include "kerneloverlay.h"
#include "layerbuilder.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QFile>
#include <QJsonArray>
#include <QTest>
#include <cstdio>
#include <fcntl.h>
#include <memory>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata::test;

namespace {

bool appendTo(const std::string &path, const char *text)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, text, std::strlen(text)) > 0;
    ::close(fd);
    return ok;
}

} // namespace

class TestCliKernel : public QObject {
    Q_OBJECT
private:
    TempDir m_tmp {"strata-cli-kernel"};
    std::string m_fs; // a private tmpfs: xattrs, file handles and a uuid do not depend on $TMPDIR
    std::unique_ptr<KernelOverlay> m_ovl;

    std::string p(const std::string &rel) const { return m_fs + "/" + rel; }
    QString merged() const { return qpath(p("merged")); }

private Q_SLOTS:
    void initTestCase()
    {
        QCOMPARE(::chmod(m_tmp.path().c_str(), 0755), 0);
        m_fs = m_tmp / "fs";
        QCOMPARE(::mkdir(m_fs.c_str(), 0755), 0);
        QVERIFY(::mount("tmpfs", m_fs.c_str(), "tmpfs", 0, "mode=0755") == 0);
        const LayerBuilder lower(p("lower"));
        for (const char *f : {"keep.txt", "del.txt", "opq/old", "ren/f", "hl", "dir/a", "dir/b"})
            QCOMPARE(lower.file(f, "lower data"), std::string());
        // The kernel indexes lower hard links on copy-up (index=on).
        QCOMPARE(::link(p("lower/hl").c_str(), p("lower/hl-twin").c_str()), 0);
        for (const char *d : {"upper", "work", "merged"})
            QCOMPARE(::mkdir(p(d).c_str(), 0755), 0);
        m_ovl = std::make_unique<KernelOverlay>(p("merged"), std::vector {p("lower")}, p("upper"), p("work"),
                                                std::vector<std::string> {"redirect_dir=on", "index=on"});
        QVERIFY2(m_ovl->ok(), m_ovl->error().c_str());

        // Every change through the mount: the kernel writes the overlay metadata.
        const KernelOverlay &m = *m_ovl;
        QVERIFY(appendTo(m / "keep.txt", " + more")); // copy-up with origin
        QCOMPARE(::unlink((m / "del.txt").c_str()), 0); // whiteout
        QCOMPARE(::unlink((m / "opq/old").c_str()), 0);
        QCOMPARE(::rmdir((m / "opq").c_str()), 0);
        QCOMPARE(::mkdir((m / "opq").c_str(), 0755), 0); // opaque dir over the whiteout
        QCOMPARE(LayerBuilder(m / "opq").file("new"), std::string());
        QCOMPARE(::rename((m / "ren").c_str(), (m / "ren2").c_str()), 0); // redirect + whiteout
        QCOMPARE(::link((m / "hl").c_str(), (m / "hl2").c_str()), 0);
        QVERIFY(appendTo(m / "hl-twin", " + more")); // copy-up of a lower hard link: index entry
        QCOMPARE(LayerBuilder(m.target()).file("new.txt"), std::string());
        QCOMPARE(::unlink((m / "dir/a").c_str()), 0);
        ::sync();
    }

    void cleanupTestCase() { m_ovl.reset(); } // unmount before TempDir goes

    void mountsListsTheOverlayWithItsLayers()
    {
        const CliRun r = runCli({"mounts", "--json"});
        QVERIFY2(r.exitCode == 0 && r.jsonOk, r.describe());
        QJsonObject found;
        for (const auto &m : r.json["mounts"].toArray())
            if (m.toObject()["target"].toString() == merged())
                found = m.toObject();
        QVERIFY2(!found.isEmpty(), r.out);
        QCOMPARE(found["fstype"].toString(), QStringLiteral("overlay"));
        QCOMPARE(found["layers"].toObject()["lower"].toArray(), QJsonArray {qpath(p("lower"))});
        QCOMPARE(found["layers"].toObject()["upper"].toString(), qpath(p("upper")));
        QCOMPARE(found["layers"].toObject()["work"].toString(), qpath(p("work")));
        const CliRun text = runCli({"mounts"});
        QVERIFY(text.out.contains(merged().toUtf8()));
    }

    void treeOfTheMountShowsWhatTheKernelDid()
    {
        const CliRun r = runCli({"tree", merged(), "--whiteouts", "--json"});
        QVERIFY2(r.exitCode == 0 && r.jsonOk, r.describe());
        QVERIFY(r.json["complete"].toBool());
        auto e = [&](const char *path) { return entryAt(r.json, QString::fromUtf8(path)); };

        QCOMPARE(e("keep.txt")["layer"].toInt(), 0);
        QVERIFY(states(e("keep.txt")).contains(QStringLiteral("copied-up")));
        const QJsonObject origin = e("keep.txt")["origin"].toObject();
        QCOMPARE(origin["layer"].toInt(), 1);
        QCOMPARE(origin["path"].toString(), QStringLiteral("keep.txt"));
        QVERIFY(!origin["handle"].isNull());

        QVERIFY(states(e("del.txt")).contains(QStringLiteral("whiteout")));
        QCOMPARE(e("del.txt")["layer"].toInt(), 0);
        QCOMPARE(e("opq")["layer"].toInt(), 0);
        QVERIFY(states(e("opq")).contains(QStringLiteral("opaque")));
        QCOMPARE(e("opq/new")["layer"].toInt(), 0);
        QVERIFY(e("opq/old").isEmpty());
        QVERIFY(states(e("ren2")).contains(QStringLiteral("redirected")));
        QCOMPARE(e("ren2/f")["layer"].toInt(), 1);
        QVERIFY(states(e("ren")).contains(QStringLiteral("whiteout")));
        QVERIFY(states(e("new.txt")).contains(QStringLiteral("upper-only")));
        QVERIFY(states(e("dir")).contains(QStringLiteral("merged")));
        QVERIFY(states(e("dir/a")).contains(QStringLiteral("whiteout")));
        QCOMPARE(e("dir/b")["layer"].toInt(), 1);
        QCOMPARE(e("hl2")["layer"].toInt(), 0);
        QVERIFY(e("hl2")["nlink"].toInt() >= 2); // the upper inode: its links and the index entry
    }

    void whiteoutsOfTheMount()
    {
        const CliRun r = runCli({"whiteouts", merged(), "--json"});
        QVERIFY2(r.exitCode == 0 && r.jsonOk, r.describe());
        QStringList paths;
        for (const auto &w : r.json["whiteouts"].toArray()) {
            paths << w.toObject()["path"].toString();
            QCOMPARE(w.toObject()["layer"].toInt(), 0);
            QCOMPARE(w.toObject()["kind"].toString(), QStringLiteral("0/0"));
            QCOMPARE(w.toObject()["hides"].toArray().size(), 1);
        }
        paths.sort();
        QCOMPARE(paths, (QStringList {"del.txt", "dir/a", "ren"}));
    }

    void indexOfTheMount()
    {
        const CliRun r = runCli({"index", merged(), "--json"});
        QVERIFY2(r.exitCode == 0 && r.jsonOk, r.describe());
        QVERIFY(r.json["present"].toBool());
        bool hardlink = false;
        for (const auto &v : r.json["entries"].toArray()) {
            const QJsonObject e = v.toObject();
            if (e["kind"].toString() != QStringLiteral("hardlink"))
                continue;
            hardlink = true;
            QCOMPARE(e["status"].toString(), QStringLiteral("ok"));
            QCOMPARE(e["lower_layer"].toInt(), 1);
            QVERIFY(!e["handle"].isNull());
        }
        QVERIFY2(hardlink, r.out);
        QVERIFY(runCli({"index", merged()}).out.contains("hardlink"));
    }

    void inspectTheMount()
    {
        const CliRun r = runCli({"inspect", merged(), "--json"});
        QVERIFY2(r.exitCode == 0 && r.jsonOk, r.describe());
        const QJsonObject stack = r.json["stack"].toObject();
        QCOMPARE(stack["source"]["kind"].toString(), QStringLiteral("mount"));
        QCOMPARE(stack["source"]["mountpoint"].toString(), merged());
        QCOMPARE(stack["xattr_namespace"].toString(), QStringLiteral("trusted"));
        QVERIFY(stack["overlay_xattrs_readable"].toBool());
        QCOMPARE(stack["layers"].toArray()[0].toObject()["fs_type"].toString(), QStringLiteral("tmpfs"));
        const QJsonObject upper = r.json["summary"]["layers"].toArray()[0].toObject();
        QVERIFY(upper["whiteouts"].toInt() >= 3);
        QVERIFY(upper["opaque_dirs"].toInt() >= 1);
        QVERIFY(upper["redirects"].toInt() >= 1);
        QVERIFY(r.json["summary"]["wasted_bytes"].toInt() > 0); // keep.txt and del.txt in the lower
    }

    void savedStackMatchesTheMount()
    {
        const std::string file = m_tmp / "mounted.json";
        const CliRun save = runCli({"save", merged(), qpath(file)});
        QVERIFY2(save.exitCode == 0, save.describe());
        const CliRun mounted = runCli({"tree", merged(), "--whiteouts", "--json"});
        const CliRun offline = runCli({"tree", qpath(file), "--whiteouts", "--json"});
        QVERIFY2(offline.exitCode == 0 && offline.jsonOk, offline.describe());
        QCOMPARE(offline.json["entries"], mounted.json["entries"]);
        const CliRun inspect = runCli({"inspect", qpath(file), "--no-summary", "--json"});
        QCOMPARE(inspect.json["stack"]["xattr_namespace"].toString(), QStringLiteral("trusted"));
    }

    void withoutCapSysAdminTheResultIsPartial()
    {
        if (const auto why = canRunUnprivileged(); !why.empty())
            QSKIP(why.c_str());
        const CliRun r = runCliAs({"tree", merged(), "--json"});
        QVERIFY2(r.exitCode == 3 && r.jsonOk, r.describe());
        QCOMPARE(r.json["complete"].toBool(true), false);
        bool named = false;
        for (const auto &pr : r.json["problems"].toArray())
            named = named || pr.toObject()["message"].toString().contains(QStringLiteral("CAP_SYS_ADMIN"));
        QVERIFY2(named, r.out);
        QVERIFY(!entryAt(r.json, QStringLiteral("keep.txt")).isEmpty());
        const CliRun text = runCliAs({"whiteouts", merged()});
        QVERIFY2(text.exitCode == 3, text.describe());
        QVERIFY2(text.err.contains("partial"), text.err);
        const CliRun inspect = runCliAs({"inspect", merged(), "--json"});
        QVERIFY2(inspect.exitCode == 3, inspect.describe());
        QVERIFY(inspect.json["summary"]["layers"].toArray()[0].toObject()["opaque_dirs"].isNull()); // unknown, not 0
    }

    void aMountThatIsNotAnOverlayFails()
    {
        const CliRun r = runCli({"tree", qpath(m_fs)});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("not an overlay") && r.err.contains("tmpfs"), r.err);
        QCOMPARE(r.err.count('\n'), 1);
    }

    void layerPathsWithColonCommaAndNewline()
    {
        const std::string odd = p("lo:w,er x\nnl");
        QCOMPARE(LayerBuilder(odd).file("f"), std::string());
        QCOMPARE(LayerBuilder(p("base")).file("g"), std::string());
        QCOMPARE(::mkdir(p("merged2").c_str(), 0755), 0);
        KernelOverlay ovl(p("merged2"), {odd, p("base")});
        QVERIFY2(ovl.ok(), ovl.error().c_str());
        const CliRun r = runCli({"tree", qpath(p("merged2")), "--json"});
        QVERIFY2(r.exitCode == 0 && r.jsonOk, r.describe());
        QCOMPARE(r.json["layers"].toArray()[0].toObject()["path"].toString(), qpath(odd));
        QCOMPARE(entryAt(r.json, QStringLiteral("f"))["layer"].toInt(), 0);
        QCOMPARE(entryAt(r.json, QStringLiteral("g"))["layer"].toInt(), 1);
        const CliRun text = runCli({"inspect", qpath(p("merged2")), "--no-summary"});
        QVERIFY2(text.out.contains("lo:w,er x\\nnl"), text.out);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestCliKernel, strata::test::requireKernelOverlay)
#include "test_cli_kernel.moc"
