// SPDX-License-Identifier: GPL-2.0-or-later
// Unit: stratactl's argument parser, layer-list splitting and TARGET options.
#include "args.h"
#include "lowerlist.h"
#include "target.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>
#include <array>

using namespace strata;
using namespace strata::cli;

namespace {

constexpr std::array kSpecs = {
    OptionSpec {"json"},
    OptionSpec {"depth", true},
    OptionSpec {"option", true, 'o'},
    OptionSpec {"help", false, 'h'},
};

Result<ParsedArgs> parse(std::initializer_list<const char *> argv, std::span<const OptionSpec> specs = kSpecs)
{
    std::vector<std::string> args(argv.begin(), argv.end());
    return parseArgs(args, specs);
}

Result<ParsedArgs> parseTarget(std::initializer_list<const char *> argv)
{
    return parse(argv, kTargetOptions);
}

using Paths = std::vector<std::string>;

} // namespace

class TestCliArgs : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void flagsValuesPositionals()
    {
        auto r = parse({"tree", "--json", "--depth", "2", "path", "--depth=3", "-o", "x=y", "-h"});
        QVERIFY(r);
        QCOMPARE(r->positionals, (Paths {"tree", "path"}));
        QVERIFY(r->has("json"));
        QCOMPARE(r->count("depth"), size_t(2));
        QCOMPARE(*r->last("depth"), std::string("3")); // the last one wins
        QCOMPARE(r->all("option"), (Paths {"x=y"}));
        QVERIFY(r->has("help"));
        QVERIFY(!r->has("nope"));
        QVERIFY(!r->last("nope"));
    }

    void valuesMayLookLikeOptionsOrBeEmpty()
    {
        auto r = parse({"--depth", "--json", "--option=", "-"});
        QVERIFY(r);
        QCOMPARE(*r->last("depth"), std::string("--json"));
        QVERIFY(!r->has("json"));
        QCOMPARE(*r->last("option"), std::string());
        QCOMPARE(r->positionals, (Paths {"-"}));
    }

    void doubleDashEndsOptions()
    {
        auto r = parse({"--json", "--", "--depth", "-h", ""});
        QVERIFY(r);
        QCOMPARE(r->positionals, (Paths {"--depth", "-h", ""}));
        QVERIFY(!r->has("help"));
    }

    void refusesBadOptions_data()
    {
        QTest::addColumn<QStringList>("argv");
        QTest::addColumn<QString>("subject");
        QTest::addColumn<QString>("reason");
        QTest::newRow("unknown long") << QStringList {"--jsn"} << "--jsn" << "unknown option";
        QTest::newRow("unknown short") << QStringList {"-x"} << "-x" << "unknown option";
        QTest::newRow("bundled shorts") << QStringList {"-ho"} << "-ho" << "unknown option";
        QTest::newRow("missing value") << QStringList {"a", "--depth"} << "--depth" << "needs a value";
        QTest::newRow("value to a flag") << QStringList {"--json=yes"} << "--json=yes" << "takes no value";
        QTest::newRow("prefix is not enough") << QStringList {"--dep", "1"} << "--dep" << "unknown option";
    }
    void refusesBadOptions()
    {
        QFETCH(QStringList, argv);
        QFETCH(QString, subject);
        QFETCH(QString, reason);
        std::vector<std::string> args;
        for (const auto &a : argv)
            args.push_back(a.toStdString());
        auto r = parseArgs(args, kSpecs);
        QVERIFY(!r);
        QCOMPARE(QString::fromStdString(r.error().subject), subject);
        QCOMPARE(QString::fromStdString(r.error().reason), reason);
    }

    void counts()
    {
        QCOMPARE(parseCount("0"), std::optional<int>(0));
        QCOMPARE(parseCount("42"), std::optional<int>(42));
        QCOMPARE(parseCount(""), std::nullopt);
        QCOMPARE(parseCount("-1"), std::nullopt);
        QCOMPARE(parseCount("+1"), std::nullopt);
        QCOMPARE(parseCount("1x"), std::nullopt);
        QCOMPARE(parseCount("99999999999"), std::nullopt);
    }

    void splitsLayerLists_data()
    {
        QTest::addColumn<QString>("list");
        QTest::addColumn<QStringList>("paths");
        QTest::newRow("one") << "/a" << QStringList {"/a"};
        QTest::newRow("three") << "/a:b:/c d" << QStringList {"/a", "b", "/c d"};
        QTest::newRow("escaped colon") << R"(/la\:yer:/b)" << QStringList {"/la:yer", "/b"};
        QTest::newRow("escaped backslash") << R"(/a\\:/b)" << QStringList {"/a\\", "/b"};
        QTest::newRow("backslash before other") << R"(/a\b)" << QStringList {"/ab"};
        QTest::newRow("comma and newline") << "/a,b:/c\nd" << QStringList {"/a,b", "/c\nd"};
    }
    void splitsLayerLists()
    {
        QFETCH(QString, list);
        QFETCH(QStringList, paths);
        auto r = splitLayerList(list.toStdString(), "lower");
        QVERIFY2(r, r ? "" : r.error().message().c_str());
        QStringList got;
        for (const auto &p : *r)
            got << QString::fromStdString(p);
        QCOMPARE(got, paths);
    }

    void refusesBadLayerLists_data()
    {
        QTest::addColumn<QString>("list");
        QTest::newRow("empty") << "";
        QTest::newRow("leading colon") << ":/a";
        QTest::newRow("trailing colon") << "/a:";
        QTest::newRow("data-only separator") << "/a::/b";
        QTest::newRow("lone backslash") << "/a\\";
    }
    void refusesBadLayerLists()
    {
        QFETCH(QString, list);
        auto r = splitLayerList(list.toStdString(), "lower");
        QVERIFY(!r);
        QCOMPARE(r.error().subject, std::string("--lower"));
    }

    void nonUtf8BytesPassThrough()
    {
        auto r = splitLayerList("/x\xff\xfe:/y", "lower");
        QVERIFY(r);
        QCOMPARE(*r, (Paths {"/x\xff\xfe", "/y"}));
    }

    void repeatedOptionIsVerbatim()
    {
        const Paths values = {"/a:b", R"(/c\d)"};
        auto r = layerPaths(values, "lower");
        QVERIFY(r);
        QCOMPARE(*r, values);
        const Paths one = {"/a:b"};
        QCOMPARE(*layerPaths(one, "lower"), (Paths {"/a", "b"}));
        const Paths withEmpty = {"/a", ""};
        QVERIFY(!layerPaths(withEmpty, "lower"));
    }

    void specFromLayerOptions()
    {
        auto args = parseTarget({"--lower", "/l1:/l2", "--upper", "/u", "--work", "/w", "--data", "/d1", "-o",
                                 "redirect_dir=on", "-o", "volatile", "--userxattr"});
        QVERIFY(args);
        QVERIFY(hasLayerOptions(*args));
        auto spec = specFromOptions(*args);
        QVERIFY2(spec, spec ? "" : spec.error().message().c_str());
        QCOMPARE(spec->lower, (Paths {"/l1", "/l2"}));
        QCOMPARE(spec->data, (Paths {"/d1"}));
        QCOMPARE(spec->upper, std::optional<std::string>("/u"));
        QCOMPARE(spec->work, std::optional<std::string>("/w"));
        QCOMPARE(spec->sourceKind, std::string("directories"));
        QVERIFY(spec->xattrNamespace == ovl::Namespace::User);
        QVERIFY(spec->option("userxattr"));
        QCOMPARE(**spec->option("redirect_dir"), std::string("on"));
        QVERIFY(spec->option("volatile") && !spec->option("volatile")->has_value());
    }

    void namespaceWithoutUserxattrImplications()
    {
        auto args = parseTarget({"--lower", "/l", "--xattr-namespace", "user"});
        auto spec = specFromOptions(*args);
        QVERIFY(spec);
        QVERIFY(spec->xattrNamespace == ovl::Namespace::User);
        QVERIFY(!spec->option("userxattr"));
        auto none = specFromOptions(*parseTarget({"--lower", "/l"}));
        QVERIFY(none && !none->xattrNamespace); // detected from the layers
    }

    void refusesBadLayerOptions_data()
    {
        QTest::addColumn<QStringList>("argv");
        QTest::addColumn<QString>("subject");
        QTest::newRow("work without upper") << QStringList {"--lower", "/l", "--work", "/w"} << "--work";
        QTest::newRow("no lower, no upper") << QStringList {"--work", "/w"} << "--work";
        QTest::newRow("data only") << QStringList {"--data", "/d"} << "--lower";
        QTest::newRow("two uppers") << QStringList {"--lower", "/l", "--upper", "/u", "--upper", "/v"} << "--upper";
        QTest::newRow("empty upper") << QStringList {"--lower", "/l", "--upper", ""} << "--upper";
        QTest::newRow("bad namespace") << QStringList {"--lower", "/l", "--xattr-namespace", "system"}
                                       << "--xattr-namespace";
        QTest::newRow("userxattr vs trusted")
            << QStringList {"--lower", "/l", "--userxattr", "--xattr-namespace", "trusted"} << "--userxattr";
        QTest::newRow("layer as option") << QStringList {"--lower", "/l", "-o", "lowerdir=/x"} << "--option";
        QTest::newRow("nameless option") << QStringList {"--lower", "/l", "-o", "=on"} << "--option";
        QTest::newRow("doubled colon") << QStringList {"--lower", "/a::/b"} << "--lower";
    }
    void refusesBadLayerOptions()
    {
        QFETCH(QStringList, argv);
        QFETCH(QString, subject);
        std::vector<std::string> raw;
        for (const auto &a : argv)
            raw.push_back(a.toStdString());
        auto args = parseArgs(raw, kTargetOptions);
        QVERIFY(args);
        auto spec = specFromOptions(*args);
        QVERIFY(!spec);
        QCOMPARE(QString::fromStdString(spec.error().subject), subject);
    }

    void targetOpenFailuresAreClassified()
    {
        auto args = parseTarget({});
        std::vector<std::string> none;
        auto missing = openTarget(*args, none);
        QVERIFY(!missing);
        QCOMPARE(missing.error().exitCode, int(ExitUsage));

        std::vector<std::string> nonexistent = {"/nonexistent/strata-target", "PATH"};
        auto r = openTarget(*args, nonexistent);
        QVERIFY(!r);
        QCOMPARE(r.error().exitCode, int(ExitFailed));
        QCOMPARE(nonexistent, (Paths {"PATH"})); // TARGET was taken, PATH left

        auto layers = parseTarget({"--lower", "/nonexistent/strata-layer"});
        std::vector<std::string> rest = {"PATH"};
        auto r2 = openTarget(*layers, rest);
        QVERIFY(!r2);
        QCOMPARE(r2.error().exitCode, int(ExitFailed));
        QCOMPARE(rest, (Paths {"PATH"})); // with layer options the first positional is not TARGET
    }
};

STRATA_TEST_MAIN_REQUIRES(TestCliArgs, strata::test::requireNothing)
#include "test_cli_args.moc"
