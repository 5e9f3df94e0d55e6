// SPDX-License-Identifier: GPL-2.0-or-later
// Unit: `--layout DIR` opens layers as they lie on disk through the same core code as
// the app's "Open Layer Directory" (stack/layerlayout.h): a directory of lowerN/
// upper/ work/, a Docker/Podman overlay layer dir with its `lower` file, one plain
// layer dir; and it refuses what it cannot mean, with the usual exit codes.
#include "clirunner.h"
#include "layerbuilder.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QFile>
#include <QJsonArray>
#include <QTest>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata::test;

namespace {

QStringList layerPaths(const QJsonObject &inspectDoc)
{
    QStringList out;
    for (const auto &v : inspectDoc["stack"].toObject()["layers"].toArray()) {
        const QJsonObject l = v.toObject();
        out << l["role"].toString() + QLatin1Char(' ') + l["path"].toString();
    }
    return out;
}

// path|layer|states of every entry: what the tree says, without the layers' paths.
QStringList treeFacts(const QJsonObject &treeDoc)
{
    QStringList out;
    for (const auto &v : treeDoc["entries"].toArray()) {
        const QJsonObject e = v.toObject();
        out << QStringLiteral("%1|%2|%3").arg(e["path"].toString()).arg(e["layer"].toInt()).arg(states(e).join(','));
    }
    return out;
}

} // namespace

class TestCliLayout : public QObject {
    Q_OBJECT
    TempDir m_tmp {"strata-cli-layout"};

private Q_SLOTS:
    void aDirectoryOfLayersIsTheStackItsFileDescribes()
    {
        const std::string dir = m_tmp / "demo";
        const CliRun demo = runCli({"demo", qpath(dir)});
        QVERIFY2(demo.exitCode == 0, demo.describe());

        const CliRun byLayout = runCli({"tree", "--layout", qpath(dir), "--whiteouts", "--json"});
        QVERIFY2(byLayout.exitCode == 0 && byLayout.jsonOk, byLayout.describe());
        const CliRun byFile = runCli({"tree", qpath(dir + "/stack.json"), "--whiteouts", "--json"});
        QVERIFY2(byFile.exitCode == 0 && byFile.jsonOk, byFile.describe());
        QVERIFY(treeFacts(byLayout.json).size() >= 15);
        QCOMPARE(treeFacts(byLayout.json), treeFacts(byFile.json));

        const CliRun inspect = runCli({"inspect", "--layout", qpath(dir + "/"), "--no-summary", "--json"});
        QVERIFY2(inspect.exitCode == 0 && inspect.jsonOk, inspect.describe());
        QCOMPARE(layerPaths(inspect.json),
                 (QStringList {"upper " + qpath(dir + "/upper"), "lower " + qpath(dir + "/lower2"),
                               "lower " + qpath(dir + "/lower1")}));
        QCOMPARE(inspect.json["stack"].toObject()["work"].toString(), qpath(dir + "/work"));
        QCOMPARE(inspect.json["stack"].toObject()["source"].toObject()["kind"].toString(),
                 QStringLiteral("directories"));
    }

    // Docker overlay2 / containers-storage: `lower` lists l/ short links, top first;
    // with work/ beside diff/ the layer is a container's writable one.
    void aContainersLayerDir()
    {
        const std::string root = m_tmp / "overlay2";
        for (const char *id : {"aaa", "bbb"}) {
            const LayerBuilder diff(root + "/" + id + "/diff");
            QCOMPARE(diff.file(std::string(id) + ".txt"), std::string());
        }
        QCOMPARE(::mkdir((root + "/l").c_str(), 0755), 0);
        QCOMPARE(::symlink("../aaa/diff", (root + "/l/AAA").c_str()), 0);
        QCOMPARE(::mkdir((root + "/bbb/work").c_str(), 0755), 0);
        QFile lower(qpath(root + "/bbb/lower"));
        QVERIFY(lower.open(QIODevice::WriteOnly));
        lower.write("l/AAA\n");
        lower.close();

        const CliRun inspect = runCli({"inspect", "--layout", qpath(root + "/bbb"), "--no-summary", "--json"});
        QVERIFY2(inspect.exitCode == 0 && inspect.jsonOk, inspect.describe());
        QCOMPARE(layerPaths(inspect.json),
                 (QStringList {"upper " + qpath(root + "/bbb/diff"), "lower " + qpath(root + "/aaa/diff")}));
        const CliRun tree = runCli({"tree", "--layout", qpath(root + "/bbb"), "--json"});
        QVERIFY2(tree.exitCode == 0 && tree.jsonOk, tree.describe());
        QCOMPARE(treeFacts(tree.json), (QStringList {"aaa.txt|1|", "bbb.txt|0|upper-only"}));
    }

    void aPlainDirIsOneLowerLayer()
    {
        const LayerBuilder plain(m_tmp / "plain");
        QCOMPARE(plain.file("only.txt"), std::string());
        const CliRun inspect = runCli({"inspect", "--layout", qpath(m_tmp / "plain"), "--no-summary", "--json"});
        QVERIFY2(inspect.exitCode == 0 && inspect.jsonOk, inspect.describe());
        QCOMPARE(layerPaths(inspect.json), QStringList {"lower " + qpath(m_tmp / "plain")});
    }

    void refusesWhatItCannotMean_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("says");
        const QString plain = qpath(m_tmp / "plain2");
        ::mkdir((m_tmp / "plain2").c_str(), 0755);
        QTest::newRow("with --lower") << QStringList {"tree", "--layout", plain, "--lower", plain} << 2
                                      << "not with --lower";
        QTest::newRow("twice") << QStringList {"tree", "--layout", plain, "--layout", plain} << 2 << "more than once";
        QTest::newRow("empty") << QStringList {"tree", "--layout", ""} << 2 << "empty path";
        QTest::newRow("missing dir") << QStringList {"tree", "--layout", qpath(m_tmp / "nothing")} << 1
                                     << "cannot open";
        QTest::newRow("a file") << QStringList {"tree", "--layout", qpath(m_tmp / "demo/stack.json")} << 1
                                << "not a directory";
    }
    void refusesWhatItCannotMean()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, says);
        const CliRun r = runCli(args);
        QVERIFY2(r.exitCode == exitCode, r.describe());
        QVERIFY2(QString::fromUtf8(r.err).contains(says), r.describe());
        QCOMPARE(QString::fromUtf8(r.err).count(QLatin1Char('\n')), 1);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestCliLayout, strata::test::requireNothing)
#include "test_cli_layout.moc"
