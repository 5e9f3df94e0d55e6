// SPDX-License-Identifier: GPL-2.0-or-later
// `stratactl mount --backend fuse` as root without a system bus: strata-fuse started
// as the user mounter does, with the stack's own options as the engine's rule
// (engine::fateOf) decides: kernel-only ones (uuid) dropped, the rest carried over
// (index, volatile) or refused by strata-fuse by name (redirect_dir=nofollow).
#include "clirunner.h"
#include "mounts/mounttable.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <fstream>
#include <sys/mount.h>
#include <sys/stat.h>

using namespace strata::test;

namespace {

std::string dirIn(const TempDir &t, const std::string &name)
{
    const std::string p = t / name;
    ::mkdir(p.c_str(), 0755);
    return p;
}

// The command line of the strata-fuse serving `mountpoint`, NUL-separated
// arguments joined by spaces; empty when none runs.
QByteArray engineCommandLine(const std::string &mountpoint)
{
    const QDir proc(QStringLiteral("/proc"));
    for (const QString &pid : proc.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile f(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> args = f.readAll().split('\0');
        if (args.size() >= 2 && args.first().endsWith("strata-fuse")
            && args.contains(QByteArray::fromStdString(mountpoint)))
            return args.join(' ');
    }
    return {};
}

} // namespace

class TestCliMount : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // No system bus: as root, stratactl then mounts directly (docs/stratactl.md).
        qputenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/strata-test-bus");
    }

    void kernelOnlyOptionsDroppedOthersCarried()
    {
        TempDir t("strata-cli-mount");
        std::ofstream(dirIn(t, "l1") + "/f") << "lower\n";
        dirIn(t, "l2");
        dirIn(t, "u");
        dirIn(t, "w");
        const std::string mp = dirIn(t, "m");
        const auto run
            = runCli({QStringLiteral("mount"), QStringLiteral("--lower"), qpath(t / "l1:") + qpath(t / "l2"),
                      QStringLiteral("--upper"), qpath(t / "u"), QStringLiteral("--work"), qpath(t / "w"),
                      QStringLiteral("-o"), QStringLiteral("uuid=on"), QStringLiteral("-o"), QStringLiteral("index=on"),
                      QStringLiteral("-o"), QStringLiteral("volatile"), QStringLiteral("--backend"),
                      QStringLiteral("fuse"), qpath(mp), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QCOMPARE(run.json.value(QStringLiteral("via")).toString(), QStringLiteral("direct"));
        const auto entry = strata::mounts::findMount(mp);
        QVERIFY(entry.has_value());
        QVERIFY2(entry->fstype.starts_with("fuse"), entry->fstype.c_str());
        QVERIFY(QFile::exists(qpath(mp + "/f")));
        const QByteArray cmd = engineCommandLine(mp);
        ::umount2(mp.c_str(), MNT_DETACH);
        QVERIFY2(!cmd.isEmpty(), "no strata-fuse process serves the mount");
        QVERIFY2(cmd.contains("index=on") && cmd.contains("volatile"), cmd.constData());
        QVERIFY2(!cmd.contains("uuid"), cmd.constData());
    }

    void anOptionTheEngineRefusesIsNamed()
    {
        TempDir t("strata-cli-mount");
        dirIn(t, "l1");
        const std::string mp = dirIn(t, "m");
        const auto run
            = runCli({QStringLiteral("mount"), QStringLiteral("--lower"), qpath(t / "l1"), QStringLiteral("-o"),
                      QStringLiteral("redirect_dir=nofollow"), QStringLiteral("--backend"), QStringLiteral("fuse"),
                      qpath(mp), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.json.value(QStringLiteral("message")).toString().contains(QStringLiteral("redirect_dir")),
                 run.describe().constData());
        QVERIFY(!strata::mounts::findMount(mp).has_value());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestCliMount, strata::test::requireFuse)
#include "test_cli_mount.moc"
