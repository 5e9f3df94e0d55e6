// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier (root): `stratactl watch --json` reports how each layer is watched and
// the changes made on the layers with their effect (fanotify and inotify); `stratactl
// verify` agrees on an untouched kernel overlay and finds the ghost a real kernel
// mount shows after a lower directory is removed under it (exit 5).
#include "clirunner.h"
#include "kerneloverlay.h"
#include "layerbuilder.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata::test;

namespace {

QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> lines;
    for (const QByteArray &l : out.split('\n'))
        if (!l.trimmed().isEmpty())
            lines.push_back(QJsonDocument::fromJson(l).object());
    return lines;
}

// Reads the feed's stdout until a line of `type` arrives (bounded).
bool waitForLine(QProcess &p, QByteArray &seen, const QString &type, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        for (const auto &o : jsonLines(seen))
            if (o.value("type").toString() == type)
                return true;
        if (p.state() == QProcess::NotRunning)
            return false;
        p.waitForReadyRead(static_cast<int>(std::max<qint64>(1, timeoutMs - t.elapsed())));
        seen += p.readAllStandardOutput();
    }
    return false;
}

} // namespace

class TestCliWatch : public QObject {
    Q_OBJECT
private:
    TempDir m_tmp {"strata-cli-watch"};
    std::string m_fs;

    std::string p(const std::string &rel) const { return m_fs + "/" + rel; }

private Q_SLOTS:
    void initTestCase()
    {
        m_fs = m_tmp / "fs";
        QCOMPARE(::mkdir(m_fs.c_str(), 0755), 0);
        QVERIFY(::mount("tmpfs", m_fs.c_str(), "tmpfs", 0, "mode=0755") == 0);
    }
    void cleanupTestCase() { ::umount2(m_fs.c_str(), MNT_DETACH); }

    void watchFeed_data()
    {
        QTest::addColumn<QString>("method");
        QTest::newRow("fanotify") << "fanotify";
        QTest::newRow("inotify") << "inotify";
    }

    void watchFeed()
    {
        QFETCH(QString, method);
        const std::string base = "watch-" + method.toStdString();
        const LayerBuilder lower(p(base + "/lower")), upper(p(base + "/upper"));
        QCOMPARE(lower.file("keep", "k"), std::string());
        QCOMPARE(lower.file("dir/old", "o"), std::string());
        QCOMPARE(upper.file("top", "t"), std::string());
        QCOMPARE(upper.dir("dir"), std::string());

        QProcess proc;
        proc.setProgram(QString::fromStdString(binaryDir() + "/stratactl"));
        proc.setArguments({"watch", "--lower", qpath(lower.root()), "--upper", qpath(upper.root()), "--json", "--count",
                           "2", "--timeout", "60", "--method", method});
        proc.start();
        QVERIFY(proc.waitForStarted(10000));
        QByteArray out;
        QVERIFY2(waitForLine(proc, out, "ready", 30000), out.constData());

        // One change in the lower (a new name), one in the upper (a chmod).
        QCOMPARE(lower.file("dir/new", "n"), std::string());
        QCOMPARE(::chmod(upper.operator/("top").c_str(), 0600), 0);
        QVERIFY(proc.waitForFinished(60000));
        out += proc.readAllStandardOutput();
        QCOMPARE(proc.exitCode(), 0);

        const auto lines = jsonLines(out);
        int layers = 0;
        QJsonObject created, chmodded, end;
        for (const auto &o : lines) {
            QCOMPARE(o.value("schema").toInt(), 1);
            const QString type = o.value("type").toString();
            if (type == "layer") {
                ++layers;
                QCOMPARE(o.value("method").toString(), method);
                QVERIFY(!o.value("reason").toString().isEmpty());
            } else if (type == "change" && o.value("path").toString() == "dir/new") {
                created = o;
            } else if (type == "change" && o.value("path").toString() == "top") {
                chmodded = o;
            } else if (type == "end") {
                end = o;
            }
        }
        QCOMPARE(layers, 2);
        QVERIFY2(!created.isEmpty(), out.constData());
        QCOMPARE(created.value("layer").toInt(), 1);
        QCOMPARE(created.value("role").toString(), "lower");
        QVERIFY(created.value("kinds").toArray().contains("created"));
        const QJsonObject ce = created.value("effects").toArray().first().toObject();
        QCOMPARE(ce.value("merged_path").toString(), "dir/new");
        QVERIFY(ce.value("effect").toArray().contains("appeared"));
        QVERIFY(ce.value("before").isNull());
        QCOMPARE(ce.value("after").toObject().value("layer").toInt(), 1);
        QCOMPARE(ce.value("after").toObject().value("type").toString(), "file");

        QVERIFY2(!chmodded.isEmpty(), out.constData());
        const QJsonObject me = chmodded.value("effects").toArray().first().toObject();
        QVERIFY(me.value("effect").toArray().contains("mode-changed"));
        QCOMPARE(me.value("before").toObject().value("mode").toString(), "0644");
        QCOMPARE(me.value("after").toObject().value("mode").toString(), "0600");
        QCOMPARE(end.value("reason").toString(), "count");
        QCOMPARE(end.value("changes").toInt(), 2);
    }

    void watchUsage()
    {
        const CliRun r = runCli({"watch", "--lower", qpath(p("nowhere")), "--count", "0"});
        QCOMPARE(r.exitCode, 2);
        const CliRun m = runCli({"watch", "--lower", qpath(p("nowhere")), "--method", "carrier-pigeon"});
        QCOMPARE(m.exitCode, 2);
    }

    void verifyAgreesOnUntouchedMount()
    {
        const LayerBuilder l1(p("agree/l1")), l2(p("agree/l2")), up(p("agree/up"));
        QCOMPARE(l1.file("a/one", "1"), std::string());
        QCOMPARE(l2.file("a/two", "22"), std::string());
        QCOMPARE(l2.file("b", "b"), std::string());
        QCOMPARE(up.file("c", "c"), std::string());
        QCOMPARE(::mkdir(p("agree/work").c_str(), 0755), 0);
        QCOMPARE(::mkdir(p("agree/merged").c_str(), 0755), 0);
        KernelOverlay ovl(p("agree/merged"), {l1.root(), l2.root()}, up.root(), p("agree/work"));
        QVERIFY2(ovl.ok(), ovl.error().c_str());
        QCOMPARE(::unlink((ovl / "b").c_str()), 0); // a whiteout the kernel made: still agreeing
        const CliRun r = runCli({"verify", qpath(ovl.target()), "--json"});
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QVERIFY(r.json.value("agree").toBool());
        QVERIFY(r.json.value("entries").toInt() >= 4);
        QCOMPARE(r.json.value("discrepancies").toArray().size(), 0);
    }

    // Kernel overlayfs keeps a merged dir's listing while someone holds it open, and
    // its dentries: after a lower dir is removed underneath, the mount still shows it.
    void verifyFindsKernelGhost()
    {
        const LayerBuilder l1(p("ghost/l1")), up(p("ghost/up"));
        QCOMPARE(l1.file("gone/inner", "x"), std::string());
        QCOMPARE(l1.file("stays", "s"), std::string());
        QCOMPARE(::mkdir(p("ghost/work").c_str(), 0755), 0);
        QCOMPARE(::mkdir(p("ghost/merged").c_str(), 0755), 0);
        KernelOverlay ovl(p("ghost/merged"), {l1.root()}, up.root(), p("ghost/work"));
        QVERIFY2(ovl.ok(), ovl.error().c_str());

        // Hold the merged root open and read it (its merged listing is cached), and
        // look the dir up (its dentry is cached).
        DIR *held = ::opendir(ovl.target().c_str());
        QVERIFY(held);
        while (::readdir(held)) { }
        struct stat st {};
        QCOMPARE(::stat((ovl / "gone/inner").c_str(), &st), 0);
        std::error_code ec;
        std::filesystem::remove_all(l1 / "gone", ec);
        QVERIFY(!ec);

        const CliRun r = runCli({"verify", qpath(ovl.target()), "--json"});
        const CliRun t = runCli({"verify", qpath(ovl.target())});
        ::closedir(held);
        QVERIFY2(r.exitCode == 5, r.describe().constData());
        QVERIFY(!r.json.value("agree").toBool());
        bool ghost = false;
        for (const auto &d : r.json.value("discrepancies").toArray()) {
            const QJsonObject o = d.toObject();
            if (o.value("kind").toString() == "ghost" && o.value("path").toString() == "gone")
                ghost = true;
        }
        QVERIFY2(ghost, r.out.constData());
        QVERIFY(r.json.value("ghosts").toInt() >= 1);

        // Text output names it too.
        QCOMPARE(t.exitCode, 5);
        QVERIFY2(t.out.contains("ghost  gone"), t.out.constData());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestCliWatch, requireKernelOverlay)
#include "test_cli_watch.moc"
