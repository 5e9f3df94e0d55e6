// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl against stacks of directories built here (user.overlay.* xattrs, 0/0
// whiteouts, opaque and redirected dirs), stack files and bad input: the real
// binary, its --json parsed, its exit codes and its one-line errors.
#include "clirunner.h"
#include "layerbuilder.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QFile>
#include <QJsonArray>
#include <QTest>
#include <sys/stat.h>

using namespace strata::test;

namespace {

QStringList lines(const QByteArray &text)
{
    QStringList out = QString::fromUtf8(text).split(QLatin1Char('\n'));
    if (!out.isEmpty() && out.last().isEmpty())
        out.removeLast();
    return out;
}

bool writeText(const std::string &path, const QByteArray &text)
{
    QFile f(qpath(path));
    return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
}

} // namespace

class TestCliStacks : public QObject {
    Q_OBJECT
private:
    TempDir m_tmp {"strata-cli"};
    QStringList m_layers; // the TARGET options of the main stack

    // COMMAND [ARGS] with the main stack's layer options after the command name.
    QStringList target(QStringList commandAndArgs) const
    {
        const QString command = commandAndArgs.takeFirst();
        return QStringList {command} + m_layers + commandAndArgs;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The unprivileged cases run stratactl as another user: let it in.
        QCOMPARE(::chmod(m_tmp.path().c_str(), 0755), 0);
        const LayerBuilder l2(m_tmp / "l2"), l1(m_tmp / "l1"), up(m_tmp / "up");
        // l2, the bottom layer.
        for (const char *f : {"a.txt", "d/x", "d/y", "gone.txt", "old/f", "src/inner"})
            QCOMPARE(l2.file(f, "base"), std::string());
        // l1: adds, deletes gone.txt, replaces old/ by an opaque dir.
        QCOMPARE(l1.file("b.txt"), std::string());
        QCOMPARE(l1.file("d/z"), std::string());
        if (const auto e = l1.whiteout("gone.txt"); !e.empty())
            QSKIP(("cannot make a 0/0 whiteout (needs CAP_MKNOD): " + e).c_str());
        QCOMPARE(l1.opaque("old"), std::string());
        QCOMPARE(l1.file("old/g"), std::string());
        // upper: replaces a.txt, adds c.txt, deletes d/y, renames src to dst.
        QCOMPARE(up.file("a.txt", "replaced"), std::string());
        QCOMPARE(up.file("c.txt"), std::string());
        QCOMPARE(up.whiteout("d/y"), std::string());
        QCOMPARE(up.redirect("dst", "/src"), std::string());
        QCOMPARE(up.whiteout("src"), std::string());
        QCOMPARE(::mkdir((m_tmp / "work").c_str(), 0755), 0);
        m_layers = {"--lower", qpath(m_tmp / "l1:" + m_tmp.path() + "/l2"),
                    "--upper", qpath(m_tmp / "up"),
                    "--work",  qpath(m_tmp / "work")};
    }

    void treeGivesTheLayerAndStateOfEachEntry()
    {
        const CliRun r = runCli(target({"tree", "--json"}));
        QVERIFY2(r.exitCode == 0 && r.jsonOk, r.describe());
        QCOMPARE(r.json["schema"].toInt(), 1);
        QCOMPARE(r.json["command"].toString(), QStringLiteral("tree"));
        QVERIFY(r.json["complete"].toBool());
        QVERIFY(r.json["problems"].toArray().isEmpty());
        QCOMPARE(entryPaths(r.json),
                 (QStringList {"a.txt", "b.txt", "c.txt", "d", "d/x", "d/z", "dst", "dst/inner", "old", "old/g"}));
        const auto layerOf = [&](const char *p) { return entryAt(r.json, QString::fromUtf8(p))["layer"].toInt(-1); };
        QCOMPARE(layerOf("a.txt"), 0);
        QCOMPARE(layerOf("b.txt"), 1);
        QCOMPARE(layerOf("c.txt"), 0);
        QCOMPARE(layerOf("d"), 0);
        QCOMPARE(layerOf("d/x"), 2);
        QCOMPARE(layerOf("d/z"), 1);
        QCOMPARE(layerOf("dst/inner"), 2);
        QCOMPARE(layerOf("old"), 1);
        QCOMPARE(layerOf("old/g"), 1);

        const QJsonObject a = entryAt(r.json, QStringLiteral("a.txt"));
        QCOMPARE(a["type"].toString(), QStringLiteral("file"));
        QCOMPARE(a["size"].toInt(), 8);
        QCOMPARE(a["mode"].toString(), QStringLiteral("0644"));
        const QJsonArray shadowed = a["shadowed"].toArray();
        QCOMPARE(shadowed.size(), 1);
        QCOMPARE(shadowed[0]["layer"].toInt(), 2);
        QCOMPARE(shadowed[0]["kind"].toString(), QStringLiteral("hidden"));

        QVERIFY(states(entryAt(r.json, QStringLiteral("c.txt"))).contains(QStringLiteral("upper-only")));
        const QJsonObject d = entryAt(r.json, QStringLiteral("d"));
        QVERIFY(states(d).contains(QStringLiteral("merged")));
        QCOMPARE(d["dir_layers"].toArray(), (QJsonArray {0, 1, 2}));
        QVERIFY(states(entryAt(r.json, QStringLiteral("old"))).contains(QStringLiteral("opaque")));
        const QJsonObject dst = entryAt(r.json, QStringLiteral("dst"));
        QVERIFY(states(dst).contains(QStringLiteral("redirected")));
        QCOMPARE(dst["redirect"].toString(), QStringLiteral("/src"));
    }

    void whiteoutsOptionListsDeletedNames()
    {
        const CliRun r = runCli(target({"tree", "--whiteouts", "--json"}));
        QVERIFY2(r.exitCode == 0 && r.jsonOk, r.describe());
        for (const auto &[path, layer] : {std::pair {"d/y", 0}, {"gone.txt", 1}, {"src", 0}}) {
            const QJsonObject e = entryAt(r.json, QString::fromUtf8(path));
            QVERIFY2(!e.isEmpty(), path);
            QCOMPARE(e["layer"].toInt(), layer);
            QVERIFY(states(e).contains(QStringLiteral("whiteout")));
        }
        QVERIFY(entryAt(r.json, QStringLiteral("old/f")).isEmpty()); // below an opaque dir: not in view at all
    }

    void layerOptionShowsOneLayersContribution()
    {
        const CliRun r = runCli(target({"tree", "--layer", "1", "--json"}));
        QVERIFY2(r.exitCode == 0 && r.jsonOk, r.describe());
        QCOMPARE(r.json["view"].toString(), QStringLiteral("layer"));
        QCOMPARE(entryPaths(r.json), (QStringList {"b.txt", "d/z", "old", "old/g"}));

        const CliRun bad = runCli(target({"tree", "--layer", "7"}));
        QCOMPARE(bad.exitCode, 2);
        QCOMPARE(lines(bad.err).size(), 1);
    }

    void pathAndDepthLimitTheTree()
    {
        const CliRun sub = runCli(target({"tree", "/d/", "--json"}));
        QVERIFY2(sub.exitCode == 0, sub.describe());
        QCOMPARE(sub.json["root"].toString(), QStringLiteral("d"));
        QCOMPARE(entryPaths(sub.json), (QStringList {"d/x", "d/z"}));

        const CliRun top = runCli(target({"tree", "--depth", "1", "--json"}));
        QVERIFY2(top.exitCode == 0, top.describe());
        QCOMPARE(entryPaths(top.json), (QStringList {"a.txt", "b.txt", "c.txt", "d", "dst", "old"}));

        const CliRun file = runCli(target({"tree", "d/x", "--json"}));
        QVERIFY2(file.exitCode == 0, file.describe());
        QCOMPARE(entryPaths(file.json), QStringList {"d/x"});

        const CliRun gone = runCli(target({"tree", "gone.txt"}));
        QCOMPARE(gone.exitCode, 1);
        QCOMPARE(lines(gone.err).size(), 1);
        QVERIFY2(gone.err.contains("gone.txt"), gone.err);

        QCOMPARE(runCli(target({"tree", "--depth", "0"})).exitCode, 2);
        QCOMPARE(runCli(target({"tree", "a/../b"})).exitCode, 2);
        QCOMPARE(runCli(target({"tree", "d", "extra"})).exitCode, 2);
    }

    void changesPerLayer()
    {
        const CliRun r = runCli(target({"tree", "--changes", "--json"}));
        QVERIFY2(r.exitCode == 0 && r.jsonOk, r.describe());
        QCOMPARE(r.json["view"].toString(), QStringLiteral("changes"));
        const QJsonArray layers = r.json["changes"].toArray();
        QCOMPARE(layers.size(), 3);
        auto changeOf = [&](int layer, const QString &path) {
            for (const auto &c : layers[layer]["entries"].toArray())
                if (c.toObject()["path"].toString() == path)
                    return c.toObject()["change"].toString();
            return QString();
        };
        QCOMPARE(changeOf(0, QStringLiteral("a.txt")), QStringLiteral("modified"));
        QCOMPARE(changeOf(0, QStringLiteral("c.txt")), QStringLiteral("added"));
        QCOMPARE(changeOf(0, QStringLiteral("d/y")), QStringLiteral("deleted"));
        QCOMPARE(changeOf(1, QStringLiteral("b.txt")), QStringLiteral("added"));
        QCOMPARE(changeOf(1, QStringLiteral("gone.txt")), QStringLiteral("deleted"));
        QCOMPARE(changeOf(2, QStringLiteral("d/y")), QStringLiteral("added"));

        const CliRun one = runCli(target({"tree", "--changes", "--layer", "1", "--json"}));
        QVERIFY2(one.exitCode == 0, one.describe());
        QCOMPARE(one.json["changes"].toArray().size(), 1);
        QCOMPARE(one.json["changes"].toArray()[0].toObject()["layer"].toInt(), 1);

        const CliRun text = runCli(target({"tree", "--changes"}));
        QVERIFY2(text.exitCode == 0, text.describe());
        QVERIFY(text.out.contains("Layer 0 (upper"));
    }

    void whiteoutsCommandSaysWhatEachHides()
    {
        const CliRun r = runCli(target({"whiteouts", "--json"}));
        QVERIFY2(r.exitCode == 0 && r.jsonOk, r.describe());
        QMap<QString, QJsonObject> byPath;
        for (const auto &w : r.json["whiteouts"].toArray())
            byPath[w.toObject()["path"].toString()] = w.toObject();
        QCOMPARE(byPath.keys(), (QStringList {"d/y", "gone.txt", "src"}));
        const QJsonObject gone = byPath[QStringLiteral("gone.txt")];
        QCOMPARE(gone["layer"].toInt(), 1);
        QCOMPARE(gone["kind"].toString(), QStringLiteral("0/0"));
        QVERIFY(gone["in_effect"].toBool());
        QCOMPARE(gone["hides"].toArray().size(), 1);
        QCOMPARE(gone["hides"].toArray()[0].toObject()["layer"].toInt(), 2);
        QCOMPARE(byPath[QStringLiteral("src")]["hides"].toArray()[0].toObject()["type"].toString(),
                 QStringLiteral("dir"));
    }

    void inspectReportsLayersAndSummary()
    {
        const CliRun r = runCli(target({"inspect", "--json"}));
        QVERIFY2(r.exitCode == 0 && r.jsonOk, r.describe());
        const QJsonObject stack = r.json["stack"].toObject();
        QCOMPARE(stack["source"]["kind"].toString(), QStringLiteral("directories"));
        QCOMPARE(stack["xattr_namespace"].toString(), QStringLiteral("user"));
        QVERIFY(stack["overlay_xattrs_readable"].toBool());
        const QJsonArray layers = stack["layers"].toArray();
        QCOMPARE(layers.size(), 3);
        QCOMPARE(layers[0]["role"].toString(), QStringLiteral("upper"));
        QCOMPARE(layers[1]["path"].toString(), qpath(m_tmp / "l1"));
        QCOMPARE(layers[2]["role"].toString(), QStringLiteral("lower"));
        QVERIFY(!layers[0]["fs_type"].toString().isEmpty());
        const QJsonObject summary = r.json["summary"].toObject();
        QCOMPARE(summary["layers"].toArray()[1].toObject()["whiteouts"].toInt(), 1);
        QCOMPARE(summary["layers"].toArray()[0].toObject()["whiteouts"].toInt(), 2);
        QVERIFY(summary["wasted_bytes"].toInt() >= 4); // l2's a.txt, replaced
        QVERIFY(summary["merged_entries"].toInt() >= 10);

        const CliRun text = runCli(target({"inspect", "--bytes"}));
        QVERIFY2(text.exitCode == 0, text.describe());
        QVERIFY(text.out.contains("Wasted space:"));
        const CliRun quick = runCli(target({"inspect", "--no-summary", "--json"}));
        QVERIFY(quick.json["summary"].isNull());
    }

    void savedStackFileReopensTheSameStack()
    {
        const std::string file = m_tmp / "saved.json";
        const CliRun save = runCli(target({"save", qpath(file), "--name", "test stack"}));
        QVERIFY2(save.exitCode == 0, save.describe());
        const CliRun direct = runCli(target({"tree", "--whiteouts", "--json"}));
        const CliRun fromFile = runCli({"tree", qpath(file), "--whiteouts", "--json"});
        QVERIFY2(fromFile.exitCode == 0, fromFile.describe());
        QCOMPARE(fromFile.json["entries"], direct.json["entries"]);
        const CliRun inspect = runCli({"inspect", qpath(file), "--no-summary", "--json"});
        QCOMPARE(inspect.json["stack"]["source"]["kind"].toString(), QStringLiteral("file"));
        QCOMPARE(inspect.json["stack"]["name"].toString(), QStringLiteral("test stack"));
        QCOMPARE(inspect.json["stack"]["work"].toString(), qpath(m_tmp / "work"));

        const CliRun noDir = runCli(target({"save", qpath(m_tmp / "nonexistent-dir/x.json")}));
        QCOMPARE(noDir.exitCode, 1);
        QCOMPARE(lines(noDir.err).size(), 1);
        QCOMPARE(runCli(target({"save"})).exitCode, 2);
    }

    void oddNamesStayBytes()
    {
        const std::string base = m_tmp / "odd";
        const std::string lowerA = base + "/lay:er", lowerB = base + "/la,yer\nnl";
        const LayerBuilder a(lowerA), b(lowerB);
        for (const char *name : {"new\nline", "co:lon", "com,ma", "tab\there", "bad\xff\xfe"})
            QCOMPARE(a.file(name), std::string());
        QCOMPARE(b.file("below"), std::string());

        // Escaped colon in one --lower, or one --lower per layer.
        std::string escaped = base + "/lay\\:er:" + lowerB;
        for (const QStringList &layers : {QStringList {"--lower", qpath(escaped)},
                                          QStringList {"--lower", qpath(lowerA), "--lower", qpath(lowerB)}}) {
            const CliRun r = runCli(QStringList {"tree", "--json"} + layers);
            QVERIFY2(r.exitCode == 0 && r.jsonOk, r.describe());
            const QJsonArray stackLayers = r.json["layers"].toArray();
            QCOMPARE(stackLayers.size(), 2);
            QCOMPARE(stackLayers[0]["path"].toString(), qpath(lowerA));
            QCOMPARE(stackLayers[1]["path"].toString(), qpath(lowerB));
            QVERIFY(!entryAt(r.json, QStringLiteral("new\nline")).isEmpty());
            QVERIFY(!entryAt(r.json, QStringLiteral("co:lon")).isEmpty());
            QVERIFY(!entryAt(r.json, QStringLiteral("com,ma")).isEmpty());
            bool hexFound = false;
            for (const auto &e : r.json["entries"].toArray())
                if (e.toObject()["path"].isObject())
                    hexFound = e.toObject()["path"].toObject()["bytes_hex"].toString() == QStringLiteral("626164fffe");
            QVERIFY2(hexFound, r.out);
        }

        // Text: one line per entry, control and invalid bytes escaped.
        const CliRun text = runCli({"tree", "--lower", qpath(escaped)});
        QVERIFY2(text.exitCode == 0, text.describe());
        QCOMPARE(lines(text.out).size(), 1 + 6);
        QVERIFY(text.out.contains("new\\nline"));
        QVERIFY(text.out.contains("tab\\there"));
        QVERIFY(text.out.contains("bad\\xff\\xfe"));
        QVERIFY(!text.out.contains('\t'));

        // A layer path that is not UTF-8 travels through a stack file as bytes_hex.
        const std::string badLayer = base + "/bad\xff";
        QCOMPARE(LayerBuilder(badLayer).file("f"), std::string());
        const QByteArray hex = QByteArray::fromStdString(badLayer).toHex();
        QVERIFY(writeText(base + "/bytes.json", "{\"schema\": 1, \"lower\": [{\"bytes_hex\": \"" + hex + "\"}]}"));
        const CliRun bytes = runCli({"tree", qpath(base + "/bytes.json"), "--json"});
        QVERIFY2(bytes.exitCode == 0 && bytes.jsonOk, bytes.describe());
        QCOMPARE(bytes.json["layers"].toArray()[0].toObject()["path"].toObject()["bytes_hex"].toString(),
                 QString::fromLatin1(hex));
        const CliRun shown = runCli({"inspect", qpath(base + "/bytes.json"), "--no-summary"});
        QVERIFY2(shown.out.contains("/bad\\xff"), shown.out);
    }

    void badTargetsFailWithOneLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("mentions");
        const QString dir = qpath(m_tmp / "plain-dir");
        ::mkdir((m_tmp / "plain-dir").c_str(), 0755);
        writeText(m_tmp / "malformed.json", "{\"schema\": 1, \"lower\": [");
        writeText(m_tmp / "wrongtype.json", "{\"schema\": 1, \"lower\": \"/x\"}");
        writeText(m_tmp / "missinglayer.json",
                  QByteArray::fromStdString("{\"schema\": 1, \"lower\": [\"" + m_tmp / "no-such-layer" + "\"]}"));
        const QString nonexistent = qpath(m_tmp / "nonexistent");
        QTest::newRow("nonexistent") << QStringList {"tree", nonexistent} << 1 << nonexistent;
        QTest::newRow("plain dir") << QStringList {"inspect", dir} << 1 << QStringLiteral("not a mount point");
        QTest::newRow("malformed json") << QStringList {"tree", qpath(m_tmp / "malformed.json")} << 1
                                        << QStringLiteral("malformed.json");
        QTest::newRow("wrong type") << QStringList {"tree", qpath(m_tmp / "wrongtype.json")} << 1
                                    << QStringLiteral("wrongtype.json");
        QTest::newRow("missing layer") << QStringList {"whiteouts", qpath(m_tmp / "missinglayer.json")} << 1
                                       << QStringLiteral("no-such-layer");
        QTest::newRow("missing lower dir") << QStringList {"tree", "--lower", nonexistent} << 1 << nonexistent;
        QTest::newRow("file as layer") << QStringList {"tree", "--lower", qpath(m_tmp / "malformed.json")} << 1
                                       << QStringLiteral("not a directory");
        QTest::newRow("no target") << QStringList {"tree"} << 2 << QStringLiteral("TARGET");
        QTest::newRow("unknown option") << QStringList {"tree", dir, "--bogus"} << 2 << QStringLiteral("--bogus");
        QTest::newRow("work without upper")
            << QStringList {"tree", "--lower", dir, "--work", dir} << 2 << QStringLiteral("--work");
        QTest::newRow("doubled colon") << QStringList {"tree", "--lower", dir + "::" + dir} << 2
                                       << QStringLiteral("--lower");
        QTest::newRow("mount with namespace")
            << QStringList {"tree", dir, "--userxattr"} << 2 << QStringLiteral("--userxattr");
        QTest::newRow("unknown command") << QStringList {"bogus"} << 2 << QStringLiteral("bogus");
        QTest::newRow("no command") << QStringList {} << 2 << QStringLiteral("usage");
    }
    void badTargetsFailWithOneLine()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, mentions);
        const CliRun r = runCli(args);
        QVERIFY2(r.exitCode == exitCode, r.describe());
        QVERIFY2(r.out.isEmpty(), r.describe());
        const QStringList err = lines(r.err);
        if (!args.isEmpty())
            QVERIFY2(err.size() == 1, r.describe());
        QVERIFY2(err.join('\n').contains(mentions), r.describe());
    }

    void failureIsAJsonDocumentToo()
    {
        const QString missing = qpath(m_tmp / "nonexistent");
        const CliRun r = runCli({"inspect", missing, "--json"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.jsonOk, r.out);
        QCOMPARE(r.json["complete"].toBool(true), false);
        QCOMPARE(r.json["error"]["subject"].toString(), missing);
        QVERIFY(r.json["error"]["errno"].toInt() != 0);
    }

    void unreadableLayerFails()
    {
        if (const auto why = canRunUnprivileged(); !why.empty())
            QSKIP(why.c_str());
        const LayerBuilder locked(m_tmp / "locked");
        QCOMPARE(locked.file("secret"), std::string());
        QCOMPARE(::chmod(locked.root().c_str(), 0), 0);
        const CliRun r = runCliAs({"tree", "--lower", qpath(locked.root()) + ":" + qpath(m_tmp / "l2")});
        ::chmod(locked.root().c_str(), 0755);
        QVERIFY2(r.exitCode == 1, r.describe());
        QVERIFY2(lines(r.err).size() == 1, r.describe());
        QVERIFY2(r.err.contains(locked.root().c_str()) && r.err.contains("not readable"), r.describe());
    }

    void unreadableSubdirectoryIsPartial()
    {
        if (const auto why = canRunUnprivileged(); !why.empty())
            QSKIP(why.c_str());
        const std::string d = m_tmp / "l2/d";
        QCOMPARE(::chmod(d.c_str(), 0), 0);
        const CliRun r = runCliAs(target({"tree", "--json"}));
        const CliRun text = runCliAs(target({"tree"}));
        ::chmod(d.c_str(), 0755);
        QVERIFY2(r.exitCode == 3 && r.jsonOk, r.describe());
        QCOMPARE(r.json["complete"].toBool(true), false);
        const QJsonArray problems = r.json["problems"].toArray();
        QVERIFY(!problems.isEmpty());
        bool named = false;
        for (const auto &p : problems)
            named = named || p.toObject()["message"].toString().contains(qpath(d));
        QVERIFY2(named, r.out);
        QVERIFY(!entryAt(r.json, QStringLiteral("a.txt")).isEmpty()); // the rest is still there
        QCOMPARE(text.exitCode, 3);
        QVERIFY2(text.err.contains("partial"), text.err);
    }

    void demoCreatesAStackToInspect()
    {
        const std::string dir = m_tmp / "demo";
        const CliRun r = runCli({"demo", qpath(dir)});
        QVERIFY2(r.exitCode == 0, r.describe());
        QVERIFY(r.out.contains("stratactl tree"));
        const CliRun tree = runCli({"tree", qpath(dir + "/stack.json"), "--whiteouts", "--json"});
        QVERIFY2(tree.exitCode == 0 && tree.jsonOk, tree.describe());
        bool whiteout = false, redirected = false;
        for (const auto &e : tree.json["entries"].toArray()) {
            whiteout = whiteout || states(e.toObject()).contains(QStringLiteral("whiteout"));
            redirected = redirected || states(e.toObject()).contains(QStringLiteral("redirected"));
        }
        QVERIFY(whiteout && redirected);
        const CliRun again = runCli({"demo", qpath(dir)});
        QCOMPARE(again.exitCode, 1);
        QCOMPARE(lines(again.err).size(), 1);
    }

    void helpAndColor()
    {
        const CliRun help = runCli({"--help"});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("Exit codes"));
        const CliRun treeHelp = runCli({"tree", "--help"});
        QCOMPARE(treeHelp.exitCode, 0);
        QVERIFY(treeHelp.out.contains("--changes") && treeHelp.out.contains("--lower"));

        const CliRun plain = runCli(target({"tree"}));
        QVERIFY(!plain.out.contains('\x1b'));
        const CliRun color = runCli(target({"tree", "--color"}));
        QVERIFY(color.out.contains("\x1b["));
        QCOMPARE(runCli(target({"tree", "--color", "--no-color"})).exitCode, 2);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestCliStacks, strata::test::requireNothing)
#include "test_cli_stacks.moc"
