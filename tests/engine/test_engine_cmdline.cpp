// SPDX-License-Identifier: GPL-2.0-or-later
// strata-fuse's command line in its one place (core/engine/config.*): what
// formatArgs writes, parseArgs reads back byte for byte; which kernel options a
// stack carries over to the engine; which options a caller may pass the helper.
// No mount, any user.
#include "engine/config.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>

#include <unistd.h>

using namespace strata::engine;
using strata::mounts::OverlayOption;

namespace {

strata::Result<Config> reparse(const Config &c)
{
    std::vector<std::string> args = formatArgs(c);
    args.insert(args.begin(), "strata-fuse");
    std::vector<char *> argv;
    for (auto &a : args)
        argv.push_back(a.data());
    return parseArgs(static_cast<int>(argv.size()), argv.data());
}

} // namespace

class TestEngineCmdline : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void formattedArgumentsParseBack_data()
    {
        QTest::addColumn<QString>("weird");
        QTest::newRow("plain") << QStringLiteral("plain");
        QTest::newRow("comma") << QStringLiteral("a,b");
        QTest::newRow("colon") << QStringLiteral("a:b");
        QTest::newRow("double colon") << QStringLiteral("a::b");
        QTest::newRow("backslash") << QStringLiteral("a\\b");
        QTest::newRow("trailing backslash") << QStringLiteral("a\\");
        QTest::newRow("escaped comma spelled out") << QStringLiteral("a\\,b");
        QTest::newRow("space and equals") << QStringLiteral("a b=c");
    }

    void formattedArgumentsParseBack()
    {
        QFETCH(QString, weird);
        const std::string w = weird.toStdString();
        Config c;
        c.lowerdirs = {"/l/one" + w, "/l/two"};
        c.datadirs = {"/d/" + w};
        c.upperdir = "/u/" + w;
        c.workdir = "/w/" + w;
        c.mountpoint = "/m/" + w;
        c.fsname = "strata:stack";
        c.userxattr = true;
        c.index = true;
        c.volatileMode = true;
        c.threads = 3;
        c.timeout = 1.5;
        c.passthrough = PassthroughMode::Off;
        c.foreground = true;
        c.fuseOptions = {"nosuid", "nodev"};
        auto back = reparse(c);
        QVERIFY2(back, back ? "" : back.error().message().c_str());
        QCOMPARE(back->lowerdirs, c.lowerdirs);
        QCOMPARE(back->datadirs, c.datadirs);
        QCOMPARE(back->upperdir, c.upperdir);
        QCOMPARE(back->workdir, c.workdir);
        QCOMPARE(back->mountpoint, c.mountpoint);
        QCOMPARE(back->fsname, c.fsname);
        QVERIFY(back->userxattr && back->index && back->volatileMode && back->foreground);
        QVERIFY(!back->metacopy);
        QCOMPARE(back->threads, 3u);
        QCOMPARE(back->timeout, 1.5);
        QVERIFY(back->passthrough == PassthroughMode::Off);
        QCOMPARE(back->fuseOptions, c.fuseOptions);
    }

    // Only what differs from the defaults is written: the user mounter's command
    // line stays the one a person would type.
    void minimalCommandLine()
    {
        Config c;
        c.lowerdirs = {"/l/a", "/l/b:c"};
        c.upperdir = "/u";
        c.workdir = "/w";
        c.mountpoint = "/mnt";
        QCOMPARE(formatArgs(c),
                 (std::vector<std::string> {"-o", "lowerdir=/l/a:/l/b\\:c,upperdir=/u,workdir=/w", "/mnt"}));
    }

    // As the kernel: upperdir and workdir are unescaped (ovl_mount_dir), so one
    // option string mounts either.
    void upperIsUnescapedAsTheKernelDoes()
    {
        const char *argv[] = {"strata-fuse", "-o", "lowerdir=/l,upperdir=/u\\:x,workdir=/w\\\\y", "/m"};
        auto c = parseArgs(4, const_cast<char **>(argv));
        QVERIFY2(c, c ? "" : c.error().message().c_str());
        QCOMPARE(c->upperdir, std::string("/u:x"));
        QCOMPARE(c->workdir, std::string("/w\\y"));
    }

    // A stack's kernel options on strata-fuse: uuid, xino and nfs_export only
    // concern inode numbers and file handles, which the engine hands out itself,
    // and are dropped; the rest are carried and either implemented with the
    // kernel's meaning or refused by name.
    void kernelOptionsCarriedOrDropped()
    {
        for (const auto &o : std::vector<OverlayOption> {
                 {"uuid", "on"}, {"uuid", "null"}, {"xino", "auto"}, {"xino", "off"}, {"nfs_export", "on"}})
            QVERIFY2(fateOf(o) == OptionFate::Drop, o.key.c_str());
        Config c;
        for (const auto &o : std::vector<OverlayOption> {{"index", "on"},
                                                         {"metacopy", "on"},
                                                         {"volatile", std::nullopt},
                                                         {"redirect_dir", "on"},
                                                         {"verity", "off"}}) {
            QVERIFY2(fateOf(o) == OptionFate::Carry, o.key.c_str());
            QVERIFY2(applyOption(c, o), o.key.c_str());
        }
        QVERIFY(c.index && c.metacopy && c.volatileMode);
        // Carried and refused: dropping these would show another tree than the kernel.
        for (const auto &o : std::vector<OverlayOption> {{"redirect_dir", "nofollow"}, {"verity", "on"}}) {
            QVERIFY2(fateOf(o) == OptionFate::Carry, o.key.c_str());
            const auto r = applyOption(c, o);
            QVERIFY(!r);
            QVERIFY2(r.error().subject.find(o.key) != std::string::npos, r.error().subject.c_str());
        }
    }

    // The helper's allow-list for strata-fuse: behaviour, never whom the union
    // serves or what the daemon runs with.
    void callerOptions()
    {
        for (const auto &o : std::vector<OverlayOption> {{"userxattr", std::nullopt},
                                                         {"volatile", std::nullopt},
                                                         {"ro", std::nullopt},
                                                         {"redirect_dir", "follow"},
                                                         {"index", "off"},
                                                         {"xino", "off"}})
            QVERIFY2(callerMayPass(o), o.key.c_str());
        for (const auto &o : std::vector<OverlayOption> {{"allow_other", std::nullopt},
                                                         {"fsname", "x"},
                                                         {"lowerdir", "/etc"},
                                                         {"passthrough", "on"},
                                                         {"debug", std::nullopt},
                                                         {"userxattr", "on"},
                                                         {"index", "on"},
                                                         {"default_permissions", std::nullopt}})
            QVERIFY2(!callerMayPass(o), o.key.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineCmdline, strata::test::requireNothing)
#include "test_engine_cmdline.moc"
