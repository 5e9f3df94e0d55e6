// SPDX-License-Identifier: GPL-2.0-or-later
// Clean-machine tier: Strata's Debian packages, built from this checkout by
// packaging/package.sh (or taken from STRATA_PACKAGE_DIR), installed with apt on a
// fresh minimal Debian 13 root with every dependency from the archive and no
// recommends (so Depends alone must be enough), then used as a distribution's user
// would: a real system dbus-daemon and polkitd inside the root activate the installed
// helper, and an unprivileged user whom a polkit rule allows mounts through it with
// each backend. Then fstab, the desktop files, and removal and purge.
//
// The fresh root is an overlay: the day's bare debootstrap root (cached, see
// cleanroot.h) below a new upper directory, so each run installs our packages into
// an untouched system in seconds. Downloaded .debs are kept in the cache. Everything
// happens in a private mount namespace; mounts and daemons end with the test.
#include "cleanroot.h"
#include "mounttable.h"
#include "systembus.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QDBusConnectionInterface>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSet>
#include <QTest>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using strata::test::CommandRun;
using strata::test::mountAt;
using strata::test::readText;
using strata::test::runCommand;

namespace {

const QString kUser = QStringLiteral("strata-user");
const QStringList kPackages {QStringLiteral("strata"), QStringLiteral("strata-cli"), QStringLiteral("strata-helper")};

std::string env(const char *name, const std::string &fallback)
{
    const char *v = std::getenv(name);
    return v && *v ? v : fallback;
}

std::string mirror()
{
    return env("STRATA_MIRROR", "http://deb.debian.org/debian");
}

// Persistent across runs: the bare roots and apt's downloads.
std::string cacheDir()
{
    return env("STRATA_PACKAGE_CACHE", "/var/cache/strata/package-test");
}

bool executable(const char *path)
{
    return ::access(path, X_OK) == 0;
}

std::string requirePackageTier()
{
    if (auto why = strata::test::requireKernelOverlay(); !why.empty())
        return why;
    if (auto why = strata::test::requireFuse(); !why.empty())
        return why;
    for (const char *tool : {"/usr/sbin/debootstrap", "/usr/sbin/chroot", "/usr/bin/desktop-file-validate",
                             "/usr/bin/appstreamcli", "/usr/bin/dbus-daemon"})
        if (!executable(tool))
            return std::string(tool)
                + " is not installed (packages debootstrap, coreutils, desktop-file-utils, "
                  "appstream, dbus-daemon)";
    if (std::getenv("STRATA_PACKAGE_DIR") == nullptr && !executable("/usr/bin/dpkg-buildpackage"))
        return "dpkg-buildpackage is not installed (package dpkg-dev) and STRATA_PACKAGE_DIR names no built packages";
    if (auto why = strata::test::mirrorReachable(mirror()); !why.empty())
        return why;
    if (::unshare(CLONE_NEWNS) != 0)
        return std::string("cannot make a private mount namespace: ") + std::strerror(errno);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return std::string("cannot make / private: ") + std::strerror(errno);
    return {};
}

} // namespace

class TestPackageInstall : public QObject {
    Q_OBJECT

    strata::test::TempDir m_tmp {"strata-package"};
    std::string m_root; // the fresh Debian root, as this process sees it
    strata::test::BareRoot m_bare;
    QStringList m_debs; // inside the root
    std::unique_ptr<strata::test::SystemBus> m_bus;
    QSet<QString> m_withoutStrata; // the root's files with only the dependencies installed

    std::string host(const std::string &inRoot) const { return m_root + inRoot; }

    // ARGV inside the root, as root or as kUser (setpriv from the root's util-linux).
    CommandRun inRoot(const QStringList &argv, const QString &user = QStringLiteral("root"), int timeoutMs = 60000,
                      const QStringList &extraEnv = {}) const
    {
        QStringList cmd {QStringLiteral("/usr/sbin/chroot"), QString::fromStdString(m_root)};
        if (user != QLatin1String("root"))
            cmd << QStringLiteral("/usr/bin/setpriv") << QStringLiteral("--reuid=") + user
                << QStringLiteral("--regid=") + user << QStringLiteral("--init-groups") << QStringLiteral("--");
        QStringList e = extraEnv;
        e << (user == QLatin1String("root") ? QStringLiteral("HOME=/root") : QStringLiteral("HOME=/home/") + user);
        return runCommand(cmd + argv, timeoutMs, e);
    }

    CommandRun apt(const QStringList &args, int timeoutMs = 900000) const
    {
        return inRoot(QStringList {QStringLiteral("apt-get"), QStringLiteral("-y"), QStringLiteral("-q"),
                                   QStringLiteral("-o"), QStringLiteral("Dpkg::Use-Pty=0")}
                          + args,
                      QStringLiteral("root"), timeoutMs, {QStringLiteral("DEBIAN_FRONTEND=noninteractive")});
    }

    // Every path in the root except what package managers keep about themselves
    // (dpkg's database, apt's lists and caches, logs) and the test's own data.
    QSet<QString> rootFiles() const
    {
        const CommandRun r
            = runCommand({QStringLiteral("/usr/bin/find"), QString::fromStdString(m_root), QStringLiteral("-xdev"),
                          QStringLiteral("-printf"), QStringLiteral("%y %P\\n")},
                         120000);
        static const QRegularExpression ignored(
            QStringLiteral("^. (var/lib/dpkg|var/lib/apt|var/cache|var/log|home/strata-user|srv/strata-fstab)(/|$)"));
        QSet<QString> out;
        for (const QString &line : r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            if (!ignored.match(line).hasMatch())
                out.insert(line);
        return out;
    }

    static QString difference(const QSet<QString> &a, const QSet<QString> &b)
    {
        QStringList lines;
        for (const QString &l : a)
            if (!b.contains(l))
                lines << QLatin1String("+ ") + l;
        for (const QString &l : b)
            if (!a.contains(l))
                lines << QLatin1String("- ") + l;
        lines.sort();
        return lines.mid(0, 60).join(QLatin1Char('\n'));
    }

    void mountInRoot(const char *source, const std::string &target, const char *type, unsigned long flags,
                     const char *data = nullptr)
    {
        std::filesystem::create_directories(target);
        QVERIFY2(
            ::mount(source, target.c_str(), type, flags, data) == 0,
            qPrintable(QString::fromStdString(target) + QLatin1String(": ") + QString::fromUtf8(std::strerror(errno))));
    }

    // The packages: built from this checkout (ccache makes a rebuild cheap), or the
    // ones STRATA_PACKAGE_DIR names.
    QStringList buildPackages()
    {
        std::string dir = env("STRATA_PACKAGE_DIR", "");
        if (dir.empty()) {
            // The folder ./dev package uses: the same paths in the compiles, so the
            // shared compiler cache serves both.
            dir = strata::test::sourceDir() + "/build/package";
            QElapsedTimer t;
            t.start();
            const CommandRun r
                = runCommand({QString::fromStdString(strata::test::sourceDir() + "/packaging/package.sh"),
                              QString::fromStdString(dir)},
                             1500000,
                             // No -dbgsym packages: nothing here installs them, and
                             // splitting the debug info off takes a good part of the build.
                             {QStringLiteral("DEB_BUILD_OPTIONS=nocheck noddebs")});
            if (r.exitCode != 0) {
                QTest::qFail(qPrintable(QLatin1String("packaging/package.sh failed: ") + r.describe()), __FILE__,
                             __LINE__);
                return {};
            }
            qInfo("packages built in %.0f s", t.elapsed() / 1000.0);
        }
        QStringList debs;
        for (const QString &pkg : kPackages) {
            const QStringList found = QDir(QString::fromStdString(dir))
                                          .entryList({pkg + QStringLiteral("_*.deb")}, QDir::Files, QDir::Name);
            if (found.isEmpty()) {
                QTest::qFail(qPrintable(QStringLiteral("no %1_*.deb in %2").arg(pkg, QString::fromStdString(dir))),
                             __FILE__, __LINE__);
                return {};
            }
            debs << QString::fromStdString(dir) + QLatin1Char('/') + found.last();
        }
        return debs;
    }

    // The Depends of our packages without the ones on each other, for apt-get satisfy.
    QString dependencies(const QStringList &debs) const
    {
        QStringList clauses;
        for (const QString &deb : debs) {
            const CommandRun r = runCommand(
                {QStringLiteral("/usr/bin/dpkg-deb"), QStringLiteral("-f"), deb, QStringLiteral("Depends")}, 30000);
            for (const QString &c : r.out.trimmed().split(QLatin1Char(','), Qt::SkipEmptyParts))
                if (!c.trimmed().startsWith(QLatin1String("strata")))
                    clauses << c.trimmed();
        }
        clauses.removeDuplicates();
        return clauses.join(QLatin1String(", "));
    }

    // A stack of kUser's: l1 (top), l2, u, w, m below DIR (inside the root).
    struct Stack {
        QString l1, l2, u, w, m;
    };
    Stack userStack(const QString &dir)
    {
        const Stack s {dir + QStringLiteral("/l1"), dir + QStringLiteral("/l2"), dir + QStringLiteral("/u"),
                       dir + QStringLiteral("/w"), dir + QStringLiteral("/m")};
        const CommandRun r = inRoot({QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                                     QStringLiteral("mkdir -p %1 %2 %3 %4 %5 && echo 'from l1' > %1/top && "
                                                    "echo 'from l2' > %2/base && mkdir %2/dir && echo deep > %2/dir/f")
                                         .arg(s.l1, s.l2, s.u, s.w, s.m)},
                                    kUser);
        if (r.exitCode != 0)
            QTest::qFail(qPrintable(r.describe()), __FILE__, __LINE__);
        return s;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QElapsedTimer total;
        total.start();
        const QStringList debs = buildPackages();
        if (QTest::currentTestFailed())
            return;

        QElapsedTimer t;
        t.start();
        m_bare = strata::test::bareRoot(cacheDir(), mirror(), kUser.toStdString());
        QVERIFY2(!m_bare.path.empty(), m_bare.error.c_str());
        qInfo("bare Debian 13 root %s ready in %.1f s", m_bare.path.c_str(), t.elapsed() / 1000.0);

        // The fresh root: an overlay over the bare one, with the usual API filesystems.
        ::chmod(m_tmp.path().c_str(), 0755);
        m_root = m_tmp / "root";
        for (const char *d : {"upper", "work", "root"})
            std::filesystem::create_directories(m_tmp / d);
        const std::string opts
            = "lowerdir=" + m_bare.path + ",upperdir=" + (m_tmp / "upper") + ",workdir=" + (m_tmp / "work");
        mountInRoot("strata-clean-root", m_root, "overlay", 0, opts.c_str());
        mountInRoot("proc", host("/proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC);
        mountInRoot("/dev", host("/dev"), nullptr, MS_BIND | MS_REC);
        mountInRoot("/sys", host("/sys"), nullptr, MS_BIND | MS_REC);
        mountInRoot("tmpfs", host("/run"), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
        mountInRoot("tmpfs", host("/tmp"), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
        const std::string archives = cacheDir() + "/archives";
        std::filesystem::create_directories(archives + "/partial");
        mountInRoot(archives.c_str(), host("/var/cache/apt/archives"), nullptr, MS_BIND);
        if (QTest::currentTestFailed())
            return;

        std::filesystem::create_directories(host("/tmp/debs"));
        for (const QString &deb : debs) {
            const QString name = deb.section(QLatin1Char('/'), -1);
            QVERIFY(QFile::copy(deb, QString::fromStdString(host("/tmp/debs/")) + name));
            m_debs << QStringLiteral("/tmp/debs/") + name;
        }

        // First the dependencies alone, as the archive has them: the baseline that
        // removing and purging Strata must return to.
        t.restart();
        const CommandRun deps
            = apt({QStringLiteral("satisfy"), QStringLiteral("--no-install-recommends"), dependencies(debs)});
        QVERIFY2(deps.exitCode == 0, qPrintable(deps.describe()));
        qInfo("dependencies installed from %s in %.1f s", mirror().c_str(), t.elapsed() / 1000.0);
        m_withoutStrata = rootFiles();

        t.restart();
        const CommandRun install
            = apt(QStringList {QStringLiteral("install"), QStringLiteral("--no-install-recommends")} + m_debs);
        QVERIFY2(install.exitCode == 0, qPrintable(install.describe()));
        qInfo("packages installed in %.1f s", t.elapsed() / 1000.0);

        // The user's stacks live on a tmpfs of theirs: the root itself is an overlay,
        // which the kernel refuses as an upper layer.
        mountInRoot("strata-user-stacks", host("/home/strata-user/stacks"), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
        const CommandRun own = inRoot(
            {QStringLiteral("chown"), kUser + QLatin1Char(':') + kUser, QStringLiteral("/home/strata-user/stacks")});
        QVERIFY2(own.exitCode == 0, qPrintable(own.describe()));

        // A rule letting the test user do everything (ES5: duktape), in /run so the
        // root's files stay the packages' own; polkitd reads it at its start.
        std::filesystem::create_directories(host("/run/polkit-1/rules.d"));
        std::ofstream(host("/run/polkit-1/rules.d/50-strata-test.rules"))
            << "polkit.addRule(function(action, subject) {\n"
               "    if (action.id.indexOf(\"io.github.strata.\") == 0 && subject.user == \""
            << kUser.toStdString() << "\")\n        return polkit.Result.YES;\n});\n";
        ::chmod(host("/run/polkit-1/rules.d/50-strata-test.rules").c_str(), 0644);
        m_bus = std::make_unique<strata::test::SystemBus>(m_root);
        const std::string why = m_bus->start();
        QVERIFY2(why.empty(), why.c_str());
        QVERIFY(m_bus->connection().interface()->activatableServiceNames().value().contains(
            QStringLiteral("io.github.strata")));
        qInfo("clean root ready in %.0f s", total.elapsed() / 1000.0);
    }

    void cleanupTestCase()
    {
        if (m_bus)
            m_bus->stop();
        // Mounts inside the root first (the engines exit with them), deepest first;
        // TempDir detaches the rest.
        if (!m_root.empty()) {
            for (const char *m :
                 {"/home/strata-user/stacks", "/var/cache/apt/archives", "/tmp", "/run", "/sys", "/dev", "/proc"})
                ::umount2(host(m).c_str(), MNT_DETACH);
            ::umount2(m_root.c_str(), MNT_DETACH);
        }
        if (m_bare.lockFd >= 0)
            ::close(m_bare.lockFd);
    }

    void installedFiles()
    {
        for (const char *f :
             {"/usr/bin/strata", "/usr/bin/stratactl", "/usr/bin/strata-fuse",
              "/usr/lib/kf6/kauth/libexec/strata-helper", "/usr/share/dbus-1/system-services/io.github.strata.service",
              "/usr/share/dbus-1/system.d/io.github.strata.conf", "/usr/share/polkit-1/actions/io.github.strata.policy",
              "/usr/share/applications/io.github.strata.desktop", "/usr/share/metainfo/io.github.strata.metainfo.xml",
              "/usr/share/icons/hicolor/scalable/apps/io.github.strata.svg",
              "/usr/share/icons/hicolor/48x48/apps/io.github.strata.png", "/usr/share/man/man1/strata.1.gz",
              "/usr/share/man/man1/stratactl.1.gz", "/usr/share/man/man8/strata-fuse.8.gz",
              "/usr/share/bash-completion/completions/stratactl"})
            QVERIFY2(::access(host(f).c_str(), R_OK) == 0, f);
        // The activation file starts the helper where the package put it.
        QVERIFY(readText(host("/usr/share/dbus-1/system-services/io.github.strata.service"))
                    .find("Exec=/usr/lib/kf6/kauth/libexec/strata-helper\n")
                != std::string::npos);
        // The completion reads the commands from the installed stratactl.
        const CommandRun c = inRoot({QStringLiteral("/bin/bash"), QStringLiteral("-c"),
                                     QStringLiteral(". /usr/share/bash-completion/completions/stratactl && "
                                                    "_stratactl_commands")});
        QVERIFY2(c.exitCode == 0 && c.out.split(QLatin1Char('\n')).contains(QLatin1String("inspect"))
                     && c.out.split(QLatin1Char('\n')).contains(QLatin1String("umount")),
                 qPrintable(c.describe()));
    }

    void desktopFilesValidate()
    {
        const CommandRun d
            = runCommand({QStringLiteral("/usr/bin/desktop-file-validate"),
                          QString::fromStdString(host("/usr/share/applications/io.github.strata.desktop"))},
                         30000);
        QVERIFY2(d.exitCode == 0 && d.out.trimmed().isEmpty(), qPrintable(d.describe()));
        // --no-net: the screenshot and homepage URLs are not fetched (no network in CI).
        const CommandRun a
            = runCommand({QStringLiteral("/usr/bin/appstreamcli"), QStringLiteral("validate"),
                          QStringLiteral("--no-net"), QStringLiteral("--pedantic"),
                          QString::fromStdString(host("/usr/share/metainfo/io.github.strata.metainfo.xml"))},
                         30000);
        QVERIFY2(a.exitCode == 0, qPrintable(a.describe()));
    }

    void selfTestOffscreen()
    {
        const CommandRun r = inRoot({QStringLiteral("/usr/bin/strata"), QStringLiteral("--self-test")}, kUser, 120000,
                                    {QStringLiteral("QT_QPA_PLATFORM=offscreen")});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("strata self-test: ok")), qPrintable(r.describe()));
    }

    // The unprivileged user mounts through the installed helper (D-Bus activation,
    // polkit), reads through the mount, inspects it, unmounts.
    void userMountsThroughTheHelper_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<QString>("fstype");
        QTest::newRow("kernel") << QStringLiteral("kernel") << QStringLiteral("overlay");
        QTest::newRow("fuse") << QStringLiteral("fuse") << QStringLiteral("fuse.strata-fuse");
    }
    void userMountsThroughTheHelper()
    {
        QFETCH(QString, backend);
        QFETCH(QString, fstype);
        const Stack s = userStack(QStringLiteral("/home/strata-user/stacks/") + backend);
        if (QTest::currentTestFailed())
            return;
        const QStringList layers {QStringLiteral("--lower"), s.l1, QStringLiteral("--lower"), s.l2,
                                  QStringLiteral("--upper"), s.u,  QStringLiteral("--work"),  s.w};
        const CommandRun mount
            = inRoot(QStringList {QStringLiteral("stratactl"), QStringLiteral("mount")} + layers
                         + QStringList {QStringLiteral("--backend"), backend, s.m, QStringLiteral("--json")},
                     kUser);
        QVERIFY2(mount.exitCode == 0, qPrintable(mount.describe()));
        const QJsonObject m = QJsonDocument::fromJson(mount.out.toUtf8()).object();
        QCOMPARE(m.value(QStringLiteral("via")).toString(), QStringLiteral("helper"));
        const auto line = mountAt(host(s.m.toStdString()));
        QVERIFY2(line, "nothing mounted at the mount point");
        QCOMPARE(line->fstype, fstype);
        QVERIFY2(line->options.contains(QLatin1String("nosuid")) && line->options.contains(QLatin1String("nodev")),
                 qPrintable(line->options));

        const CommandRun read = inRoot({QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                                        QStringLiteral("cat %1/top %1/base %1/dir/f && echo mine > %1/new").arg(s.m)},
                                       kUser);
        QVERIFY2(read.exitCode == 0, qPrintable(read.describe()));
        QCOMPARE(read.out, QStringLiteral("from l1\nfrom l2\ndeep\n"));
        struct stat st {};
        QCOMPARE(::stat(host((s.u + QStringLiteral("/new")).toStdString()).c_str(), &st), 0);
        QCOMPARE(readText(host((s.u + QStringLiteral("/new")).toStdString())), std::string("mine\n"));

        // A kernel overlay is inspected by its mount point; a FUSE union does not
        // publish its layers, so by them. As a user, trusted.overlay.* is unreadable:
        // the result is partial (3), still listing every layer.
        const QStringList target = backend == QLatin1String("kernel") ? QStringList {s.m} : layers;
        const CommandRun inspect = inRoot(QStringList {QStringLiteral("stratactl"), QStringLiteral("inspect")} + target
                                              + QStringList {QStringLiteral("--json")},
                                          kUser);
        QVERIFY2(inspect.exitCode == 0 || inspect.exitCode == 3, qPrintable(inspect.describe()));
        const QJsonObject stack
            = QJsonDocument::fromJson(inspect.out.toUtf8()).object().value(QStringLiteral("stack")).toObject();
        const QJsonArray ls = stack.value(QStringLiteral("layers")).toArray();
        QVERIFY2(ls.size() == 3, qPrintable(inspect.out.left(2000)));
        QCOMPARE(ls.at(0).toObject().value(QStringLiteral("path")).toString(), s.u);
        QCOMPARE(ls.at(1).toObject().value(QStringLiteral("path")).toString(), s.l1);
        QCOMPARE(ls.at(2).toObject().value(QStringLiteral("path")).toString(), s.l2);

        const CommandRun un
            = inRoot({QStringLiteral("stratactl"), QStringLiteral("umount"), s.m, QStringLiteral("--json")}, kUser);
        QVERIFY2(un.exitCode == 0, qPrintable(un.describe()));
        QVERIFY(!mountAt(host(s.m.toStdString())));
    }

    // An fstab line with the type fuse.strata-fuse: mount(8) runs mount.fuse3, which
    // runs `strata-fuse SOURCE MOUNTPOINT -o OPTIONS`.
    void fstabMountsWithMountMountpoint()
    {
        const QString d = QStringLiteral("/srv/strata-fstab");
        const CommandRun mk
            = inRoot({QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                      QStringLiteral("mkdir -p %1/l1 %1/l2 %1/u %1/w %1/m && echo 'from l1' > %1/l1/top "
                                     "&& echo 'from l2' > %1/l2/base")
                          .arg(d)});
        QVERIFY2(mk.exitCode == 0, qPrintable(mk.describe()));
        const std::string fstab = host("/etc/fstab");
        const std::string before = readText(fstab);
        const auto restore = qScopeGuard([&] { std::ofstream(fstab) << before; });
        std::ofstream(fstab, std::ios::app)
            << "strata-fstab " << d.toStdString() << "/m fuse.strata-fuse lowerdir=" << d.toStdString()
            << "/l1:" << d.toStdString() << "/l2,upperdir=" << d.toStdString() << "/u,workdir=" << d.toStdString()
            << "/w,noauto,nofail 0 0\n";

        const CommandRun mount = inRoot({QStringLiteral("mount"), d + QStringLiteral("/m")});
        QVERIFY2(mount.exitCode == 0, qPrintable(mount.describe()));
        const auto line = mountAt(host(d.toStdString() + "/m"));
        QVERIFY2(line, "nothing mounted at the mount point");
        QCOMPARE(line->fstype, QStringLiteral("fuse.strata-fuse"));
        QCOMPARE(line->source, QStringLiteral("strata-fstab"));
        const CommandRun read = inRoot({QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                                        QStringLiteral("cat %1/m/top %1/m/base && echo new > %1/m/new").arg(d)});
        QVERIFY2(read.exitCode == 0 && read.out == QLatin1String("from l1\nfrom l2\n"), qPrintable(read.describe()));
        QCOMPARE(readText(host(d.toStdString() + "/u/new")), std::string("new\n"));
        const CommandRun un = inRoot({QStringLiteral("umount"), d + QStringLiteral("/m")});
        QVERIFY2(un.exitCode == 0, qPrintable(un.describe()));
        QVERIFY(!mountAt(host(d.toStdString() + "/m")));
    }

    // Removing leaves only conffiles, purging leaves nothing: the root's files are
    // those it had with only the dependencies installed.
    void removeAndPurgeLeaveNothing()
    {
        m_bus->stop(); // the bus holds nothing of ours, but the helper may still be running
        const CommandRun q = inRoot(QStringList {QStringLiteral("dpkg-query"), QStringLiteral("-W"),
                                                 QStringLiteral("-f"), QStringLiteral("${Conffiles}\\n")}
                                    + kPackages);
        QVERIFY2(q.exitCode == 0, qPrintable(q.describe()));
        QSet<QString> conffiles;
        for (const QString &line : q.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            conffiles.insert(QStringLiteral("f ") + line.trimmed().section(QLatin1Char(' '), 0, 0).mid(1));

        const CommandRun remove = apt(QStringList {QStringLiteral("remove")} + kPackages, 300000);
        QVERIFY2(remove.exitCode == 0, qPrintable(remove.describe()));
        const QSet<QString> removed = rootFiles();
        QVERIFY2(removed == (m_withoutStrata | conffiles),
                 qPrintable(difference(removed, m_withoutStrata | conffiles)));

        // dpkg, not apt: apt no longer knows packages that came from local files.
        const CommandRun purge = inRoot(QStringList {QStringLiteral("dpkg"), QStringLiteral("--purge")} + kPackages,
                                        QStringLiteral("root"), 300000);
        QVERIFY2(purge.exitCode == 0, qPrintable(purge.describe()));
        const QSet<QString> purged = rootFiles();
        QVERIFY2(purged == m_withoutStrata, qPrintable(difference(purged, m_withoutStrata)));
    }
};

STRATA_TEST_MAIN_REQUIRES(TestPackageInstall, requirePackageTier)
#include "test_package_install.moc"
