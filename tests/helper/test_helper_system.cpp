// SPDX-License-Identifier: GPL-2.0-or-later
// System tier: the real strata-helper, activated by a real system dbus-daemon,
// authorized by a real polkitd, asked by strata-helper-client (HelperMounter, the
// GUI's client) running as root and as the unprivileged users strata-alice and
// strata-bob. Everything is started and torn down here, in a private mount
// namespace with its own /run: the bus socket, polkit's rules and the helper's
// records live there, and the helper's files are bind-mounted over the system
// directories the setuid activation helper and polkitd read, so nothing outside
// this process's namespace changes (except a missing /etc/machine-id: SystemBus writes one).
// Every wait is bounded: processes, names on the bus, rule reloads.
#include "helperprotocol.h"
#include "mounttable.h"
#include "systembus.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstring>
#include <fstream>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <thread>
#include <tuple>
#include <unistd.h>

using namespace strata::helper;
using strata::test::mountAt;
using strata::test::MountLine;
using strata::test::mountTable;
using strata::test::readText;

namespace {

const QString kAlice = QStringLiteral("strata-alice");
const QString kBob = QStringLiteral("strata-bob");
constexpr int kClientTimeoutMs = 45000;

std::string filesDir()
{
    return STRATA_HELPER_FILES_DIR;
}

uid_t uidOf(const QString &user)
{
    const passwd *pw = ::getpwnam(user.toUtf8().constData());
    return pw ? pw->pw_uid : static_cast<uid_t>(-1);
}

bool executable(const std::string &path)
{
    return ::access(path.c_str(), X_OK) == 0;
}

// Everything the tier needs, checked before anything is touched; then the private
// mount namespace (must happen while this process has one thread).
std::string requireSystemTier()
{
    if (auto why = strata::test::requireKernelOverlay(); !why.empty())
        return why;
    if (auto why = strata::test::requireFuse(); !why.empty())
        return why;
    for (const char *tool : {"/usr/bin/dbus-daemon", "/usr/lib/polkit-1/polkitd", "/usr/bin/setpriv"})
        if (!executable(tool))
            return std::string(tool) + " is not installed (packages dbus-daemon, polkitd, util-linux)";
    struct stat st {};
    if (::stat("/usr/lib/dbus-1.0/dbus-daemon-launch-helper", &st) != 0 || !(st.st_mode & S_ISUID))
        return "/usr/lib/dbus-1.0/dbus-daemon-launch-helper is missing or not setuid root: the system bus cannot "
               "activate the helper as root";
    for (const char *user : {"messagebus", "polkitd", "strata-alice", "strata-bob"})
        if (!::getpwnam(user))
            return std::string("user ") + user + " does not exist (the build root creates it)";
    for (const std::string f : {"io.github.strata.policy", "io.github.strata.service", "io.github.strata.conf"})
        if (::access((filesDir() + "/" + f).c_str(), R_OK) != 0)
            return filesDir() + "/" + f + " was not generated (build the io.github.strata.policy-customtarget)";
    for (const char *bin : {"strata-helper", "strata-fuse", "strata-helper-client", "strata-facts-dialog", "stratactl"})
        if (!executable(strata::test::binaryDir() + "/" + bin))
            return strata::test::binaryDir() + "/" + bin + " is not built";
    if (::unshare(CLONE_NEWNS) != 0)
        return std::string("cannot make a private mount namespace: ") + std::strerror(errno);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return std::string("cannot make / private: ") + std::strerror(errno);
    if (::mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0)
        return std::string("cannot mount a private /run: ") + std::strerror(errno);
    return {};
}

QString mountTableText()
{
    QFile f(QStringLiteral("/proc/self/mountinfo"));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// The lines that differ between two mount tables ("+ added", "- removed"): what a
// failure message must show, where QCOMPARE would cut both tables short.
QString mountTableDiff(const QString &before, const QString &after)
{
    const QStringList a = before.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    const QStringList b = after.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QString out;
    for (const QString &l : b)
        if (!a.contains(l))
            out += QLatin1String("\n+ ") + l;
    for (const QString &l : a)
        if (!b.contains(l))
            out += QLatin1String("\n- ") + l;
    return out;
}

struct ClientRun {
    int exitCode = -1;
    QList<QJsonObject> lines;
    QString stderrText;
    QJsonObject first() const { return lines.value(0); }
};

} // namespace

class TestHelperSystem : public QObject {
    Q_OBJECT

    strata::test::TempDir m_tmp {"strata-system"};
    strata::test::SystemBus m_sysbus;
    uid_t m_alice = uidOf(kAlice);
    uid_t m_bob = uidOf(kBob);

    std::string path(const std::string &rel) const { return m_tmp / rel; }

    std::string dir(const std::string &rel, uid_t owner = 0, mode_t mode = 0755)
    {
        const std::string p = path(rel);
        ::mkdir(p.c_str(), mode);
        ::chmod(p.c_str(), mode);
        if (::chown(p.c_str(), owner, owner) != 0)
            qWarning("chown %s: %s", p.c_str(), std::strerror(errno));
        return p;
    }

    void write(const std::string &p, const std::string &text, uid_t owner = 0)
    {
        std::ofstream(p) << text;
        if (::chown(p.c_str(), owner, owner) != 0)
            qWarning("chown %s: %s", p.c_str(), std::strerror(errno));
    }

    // A stack of `owner`'s below TAG/: l1 (top), l2, u, w, m.
    struct Stack {
        std::string l1, l2, u, w, m;
        QStringList mountArgs(const QString &backend) const
        {
            return {QStringLiteral("--backend"),    backend,
                    QStringLiteral("--lower"),      QString::fromStdString(l1),
                    QStringLiteral("--lower"),      QString::fromStdString(l2),
                    QStringLiteral("--upper"),      QString::fromStdString(u),
                    QStringLiteral("--work"),       QString::fromStdString(w),
                    QStringLiteral("--mountpoint"), QString::fromStdString(m),
                    QStringLiteral("--name"),       QStringLiteral("systest")};
        }
        QStringList stratactlMount() const
        {
            return {QStringLiteral("mount"),   QStringLiteral("--lower"),  QString::fromStdString(l1),
                    QStringLiteral("--lower"), QString::fromStdString(l2), QStringLiteral("--upper"),
                    QString::fromStdString(u), QStringLiteral("--work"),   QString::fromStdString(w),
                    QString::fromStdString(m), QStringLiteral("--json")};
        }
    };
    Stack stack(const std::string &tag, uid_t owner)
    {
        dir(tag, owner);
        Stack s {dir(tag + "/l1", owner), dir(tag + "/l2", owner), dir(tag + "/u", owner), dir(tag + "/w", owner),
                 dir(tag + "/m", owner)};
        write(s.l1 + "/top", "from l1\n", owner);
        write(s.l2 + "/base", "from l2\n", owner);
        return s;
    }

    static void dieWithParent(QProcess &p)
    {
        p.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    }

    QStringList asUser(const QString &user, const QStringList &command) const
    {
        if (user == QLatin1String("root"))
            return command;
        return QStringList {QStringLiteral("/usr/bin/setpriv"), QStringLiteral("--reuid=") + user,
                            QStringLiteral("--regid=") + user, QStringLiteral("--init-groups"), QStringLiteral("--")}
        + command;
    }

    QProcess *startAs(const QString &user, const QStringList &command)
    {
        auto *p = new QProcess(this);
        QProcessEnvironment env;
        env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/sbin:/usr/bin:/sbin:/bin"));
        env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
        env.insert(QStringLiteral("HOME"), QStringLiteral("/"));
        p->setProcessEnvironment(env);
        p->setWorkingDirectory(QStringLiteral("/"));
        dieWithParent(*p);
        const QStringList argv = asUser(user, command);
        p->start(argv.first(), argv.mid(1));
        return p;
    }

    static ClientRun collect(QProcess *p, int timeoutMs = kClientTimeoutMs)
    {
        ClientRun r;
        if (!p->waitForFinished(timeoutMs)) {
            p->kill();
            p->waitForFinished(3000);
            r.stderrText = QStringLiteral("killed after %1 ms. ").arg(timeoutMs);
        } else {
            r.exitCode = p->exitStatus() == QProcess::NormalExit ? p->exitCode() : -1;
        }
        r.stderrText += QString::fromUtf8(p->readAllStandardError());
        // One JSON line per result (the client), or one document (stratactl --json).
        const QByteArray out = p->readAllStandardOutput();
        if (const QJsonDocument whole = QJsonDocument::fromJson(out); whole.isObject())
            r.lines << whole.object();
        else
            for (const QByteArray &line : out.split('\n'))
                if (!line.trimmed().isEmpty())
                    r.lines << QJsonDocument::fromJson(line).object();
        p->deleteLater();
        return r;
    }

    QProcess *startClient(const QString &user, const QString &action, const QStringList &args)
    {
        return startAs(user,
                       QStringList {QString::fromStdString(strata::test::binaryDir() + "/strata-helper-client"), action,
                                    QStringLiteral("--timeout"), QStringLiteral("15000")}
                           + args);
    }

    ClientRun client(const QString &user, const QString &action, const QStringList &args)
    {
        return collect(startClient(user, action, args));
    }

    // stratactl as `user`; --json gives one line like the client's.
    ClientRun stratactl(const QString &user, const QStringList &args)
    {
        return collect(
            startAs(user, QStringList {QString::fromStdString(strata::test::binaryDir() + "/stratactl")} + args));
    }

    int shell(const QString &user, const QString &script)
    {
        QProcess *p = startAs(user, {QStringLiteral("/bin/sh"), QStringLiteral("-c"), script});
        const ClientRun r = collect(p, 10000);
        return r.exitCode;
    }

    static QString describe(const ClientRun &r)
    {
        QString s = QStringLiteral("exit %1; ").arg(r.exitCode);
        for (const auto &l : r.lines)
            s += QString::fromUtf8(QJsonDocument(l).toJson(QJsonDocument::Compact)) + QLatin1Char(' ');
        return s + r.stderrText.right(2000);
    }

    // Installs (or with an empty text removes) the test's polkit rule and waits until
    // polkitd answers accordingly for `probeUser`'s readprivileged.
    void setRule(const QString &js, const QString &probeUser, int wantCode)
    {
        const QString file = QStringLiteral("/run/polkit-1/rules.d/50-strata-test.rules");
        if (js.isEmpty()) {
            QFile::remove(file);
        } else {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(js.toUtf8());
            f.close();
            QFile::setPermissions(file, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
        }
        const Stack probe = stack("probe-" + probeUser.toStdString(), uidOf(probeUser));
        QDeadlineTimer deadline(15000);
        ClientRun r;
        do {
            QTest::qWait(300);
            r = client(probeUser, QStringLiteral("readprivileged"),
                       {QStringLiteral("--lower"), QString::fromStdString(probe.l1)});
        } while (r.first().value(QStringLiteral("code")).toInt() != wantCode && !deadline.hasExpired());
        QVERIFY2(r.first().value(QStringLiteral("code")).toInt() == wantCode, qPrintable(describe(r)));
    }

    // The mount table must not change across a refused request.
    void expectRefused(const QString &user, const QStringList &args, int code, const char *what)
    {
        const QString before = mountTableText();
        const ClientRun r = client(user, QStringLiteral("mount"), args);
        QVERIFY2(r.exitCode == 0 && r.lines.size() == 1, qPrintable(QLatin1String(what) + ": " + describe(r)));
        QVERIFY2(r.first().value(QStringLiteral("code")).toInt() == code,
                 qPrintable(QStringLiteral("%1: want %2, got %3").arg(QLatin1String(what)).arg(code).arg(describe(r))));
        QVERIFY2(!r.first().value(QStringLiteral("message")).toString().isEmpty(), what);
        const QString after = mountTableText();
        QVERIFY2(after == before,
                 qPrintable(QLatin1String(what) + QLatin1String(": the mount table changed:")
                            + mountTableDiff(before, after)));
    }

    void mountUseUnmount(const QString &backend, const QString &fstype)
    {
        const Stack s = stack("root-" + backend.toStdString(), 0);
        const ClientRun r = client(QStringLiteral("root"), QStringLiteral("mount"), s.mountArgs(backend));
        QVERIFY2(r.first().value(QStringLiteral("ok")).toBool(), qPrintable(describe(r)));
        const auto m = mountAt(s.m);
        QVERIFY(m);
        QCOMPARE(m->fstype, fstype);
        QVERIFY2(m->options.contains(QLatin1String("nosuid")) && m->options.contains(QLatin1String("nodev")),
                 qPrintable(m->options));
        if (backend == QLatin1String("strata-fuse"))
            QCOMPARE(m->source, QStringLiteral("strata:systest"));
        // Use it: both lowers are seen, a write lands in the upper.
        QCOMPARE(readText(s.m + "/top"), std::string("from l1\n"));
        QCOMPARE(readText(s.m + "/base"), std::string("from l2\n"));
        write(s.m + "/new", "written\n");
        QCOMPARE(readText(s.u + "/new"), std::string("written\n"));
        const ClientRun un = client(QStringLiteral("root"), QStringLiteral("unmount"),
                                    {QStringLiteral("--mountpoint"), QString::fromStdString(s.m)});
        QVERIFY2(un.first().value(QStringLiteral("ok")).toBool(), qPrintable(describe(un)));
        QVERIFY(!mountAt(s.m));
    }

    // strata-alice mounts, creates through the mount, strata-bob cannot unmount it,
    // `unmounter` (alice or root) can.
    void aliceMounts(const QString &backend, const QString &unmounter)
    {
        const Stack s = stack("alice-" + backend.toStdString(), m_alice);
        const ClientRun r = client(kAlice, QStringLiteral("mount"), s.mountArgs(backend));
        QVERIFY2(r.first().value(QStringLiteral("ok")).toBool(), qPrintable(describe(r)));
        QVERIFY(mountAt(s.m));
        QCOMPARE(shell(kAlice,
                       QStringLiteral("echo mine > '%1/created' && mkdir '%1/madedir' && cat '%1/top' >/dev/null")
                           .arg(QString::fromStdString(s.m))),
                 0);
        struct stat st {};
        QCOMPARE(::stat((s.u + "/created").c_str(), &st), 0);
        QCOMPARE(st.st_uid, m_alice);
        QCOMPARE(::stat((s.u + "/madedir").c_str(), &st), 0);
        QCOMPARE(st.st_uid, m_alice);
        // Bob may use unmount (the rule grants it), but not on alice's mount.
        const ClientRun bob
            = client(kBob, QStringLiteral("unmount"), {QStringLiteral("--mountpoint"), QString::fromStdString(s.m)});
        QVERIFY2(bob.first().value(QStringLiteral("code")).toInt() == NotMountOwner, qPrintable(describe(bob)));
        QVERIFY(mountAt(s.m));
        const ClientRun un = client(unmounter, QStringLiteral("unmount"),
                                    {QStringLiteral("--mountpoint"), QString::fromStdString(s.m)});
        QVERIFY2(un.first().value(QStringLiteral("ok")).toBool(), qPrintable(describe(un)));
        QVERIFY(!mountAt(s.m));
    }

    // A stack of alice's whose lower l1 holds overlay metadata only root can read:
    // an opaque dir and a redirect (trusted.overlay.*, set here as root).
    Stack stackWithTrustedFacts(const std::string &tag)
    {
        const Stack s = stack(tag, m_alice);
        const std::string opaque = dir(tag + "/l1/opaque", m_alice), moved = dir(tag + "/l1/moved", m_alice);
        for (const auto &[p, name, value] : {std::tuple {opaque, "trusted.overlay.opaque", std::string("y")},
                                             std::tuple {moved, "trusted.overlay.redirect", std::string("/elsewhere")}})
            if (::setxattr(p.c_str(), name, value.data(), value.size(), 0) != 0)
                qWarning("setxattr %s: %s", p.c_str(), std::strerror(errno));
        return s;
    }

    static QStringList layerArgs(const Stack &s)
    {
        return {QStringLiteral("--lower"), QString::fromStdString(s.l1 + ":" + s.l2),
                QStringLiteral("--upper"), QString::fromStdString(s.u),
                QStringLiteral("--work"),  QString::fromStdString(s.w)};
    }

    // Root's own kernel mount of `s` (mount(2), no helper): what a restore brings back.
    static bool rootMounts(const Stack &s)
    {
        const std::string data = "lowerdir=" + s.l1 + ":" + s.l2 + ",upperdir=" + s.u + ",workdir=" + s.w;
        if (::mount("overlay", s.m.c_str(), "overlay", 0, data.c_str()) == 0)
            return true;
        qWarning("mount %s: %s", s.m.c_str(), std::strerror(errno));
        return false;
    }

    // `stratactl restore FILE --json` as `user` must fail naming `wanted` (the
    // helper's rule, the layer), and leave the mount table as it was.
    void expectRestoreRefused(const QString &user, const std::string &file, const QString &wanted, const char *what)
    {
        const QString before = mountTableText();
        const ClientRun r
            = stratactl(user, {QStringLiteral("restore"), QString::fromStdString(file), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 1, qPrintable(QLatin1String(what) + QLatin1String(": ") + describe(r)));
        QCOMPARE(r.first().value(QStringLiteral("complete")).toBool(true), false);
        const QString message
            = r.first().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
        QVERIFY2(message.contains(wanted), qPrintable(QLatin1String(what) + QLatin1String(": ") + describe(r)));
        const QString after = mountTableText();
        QVERIFY2(after == before,
                 qPrintable(QLatin1String(what) + QLatin1String(": the mount table changed:")
                            + mountTableDiff(before, after)));
    }

    // The GUI's privileged-facts dialog, offscreen, as `user`: what it shows.
    ClientRun factsDialog(const QString &user, const Stack &s)
    {
        return collect(startAs(user,
                               {QStringLiteral("/usr/bin/env"), QStringLiteral("QT_QPA_PLATFORM=offscreen"),
                                QString::fromStdString(strata::test::binaryDir() + "/strata-facts-dialog"),
                                QStringLiteral("--lower"), QString::fromStdString(s.l1), QStringLiteral("--lower"),
                                QString::fromStdString(s.l2), QStringLiteral("--upper"), QString::fromStdString(s.u),
                                QStringLiteral("--work"), QString::fromStdString(s.w)}));
    }

    // The capture file's JSON with mount 0's lower layers replaced by `lowers`
    // (layer objects taken from real captures), written to `out` for `user` to read.
    static bool writeCaptureWithLowers(const std::string &in, const std::string &out, const QJsonArray &lowers)
    {
        QJsonObject doc = QJsonDocument::fromJson(QByteArray::fromStdString(readText(in))).object();
        QJsonArray mounts = doc.value(QStringLiteral("mounts")).toArray();
        QJsonObject m = mounts.at(0).toObject();
        QJsonArray layers = lowers;
        for (const auto &l : m.value(QStringLiteral("layers")).toArray())
            if (l.toObject().value(QStringLiteral("role")).toString() != QLatin1String("lower"))
                layers.append(l);
        m.insert(QStringLiteral("layers"), layers);
        mounts.replace(0, m);
        doc.insert(QStringLiteral("mounts"), QJsonArray {mounts.at(0)});
        QFile f(QString::fromStdString(out));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return false;
        f.write(QJsonDocument(doc).toJson());
        return f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    }

private Q_SLOTS:
    void initTestCase()
    {
        ::chmod(m_tmp.path().c_str(), 0755);

        // polkitd reads actions only from /usr/share/polkit-1/actions, the setuid
        // activation helper reads service files only from the standard system dirs
        // (whatever the bus's config says): test dirs holding Strata's files are
        // bind-mounted over them, in this namespace only.
        const std::string actions = dir("actions"), services = dir("services"), policy = dir("system.d");
        // Only Strata's service: polkitd's attempts to activate systemd then fail at
        // once instead of running the launch helper each time.
        QCOMPARE(QProcess::execute(
                     QStringLiteral("/bin/sh"),
                     {QStringLiteral("-c"),
                      QStringLiteral("cp -a /usr/share/polkit-1/actions/. '%1'").arg(QString::fromStdString(actions))}),
                 0);
        write(actions + "/io.github.strata.policy", readText(filesDir() + "/io.github.strata.policy"));
        std::string service = readText(filesDir() + "/io.github.strata.service");
        const size_t exec = service.find("Exec=");
        QVERIFY(exec != std::string::npos);
        service.replace(exec, service.find('\n', exec) - exec, "Exec=" + strata::test::binaryDir() + "/strata-helper");
        write(services + "/io.github.strata.service", service);
        write(policy + "/io.github.strata.conf", readText(filesDir() + "/io.github.strata.conf"));
        write(path("bus.conf"),
              "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
              " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
              "<busconfig>\n  <include>/usr/share/dbus-1/system.conf</include>\n  <includedir>"
                  + policy + "</includedir>\n</busconfig>\n");
        QCOMPARE(::mount(actions.c_str(), "/usr/share/polkit-1/actions", nullptr, MS_BIND, nullptr), 0);
        QCOMPARE(::mount(services.c_str(), "/usr/share/dbus-1/system-services", nullptr, MS_BIND, nullptr), 0);
        // The bus (its config adds the generated system.d policy) and polkitd.
        const std::string why = m_sysbus.start(path("bus.conf"));
        QVERIFY2(why.empty(), why.c_str());
        QVERIFY(m_sysbus.connection().interface()->activatableServiceNames().value().contains(
            QStringLiteral("io.github.strata")));
    }

    void cleanupTestCase()
    {
        // Strata's mounts first (the engines exit with them), deepest first.
        QList<MountLine> table = mountTable();
        for (auto it = table.crbegin(); it != table.crend(); ++it)
            if (it->mountpoint.startsWith(QString::fromStdString(m_tmp.path() + "/")))
                ::umount2(it->mountpoint.toUtf8().constData(), MNT_DETACH);
        m_sysbus.stop();
        ::umount2("/usr/share/polkit-1/actions", MNT_DETACH);
        ::umount2("/usr/share/dbus-1/system-services", MNT_DETACH);
    }

    void rootMountsWithTheKernel() { mountUseUnmount(QStringLiteral("kernel"), QStringLiteral("overlay")); }
    void rootMountsWithStrataFuse()
    {
        mountUseUnmount(QStringLiteral("strata-fuse"), QStringLiteral("fuse.strata-fuse"));
    }

    // No rule, no logind session: polkit uses allow_any, which is "no" for every
    // action, readprivileged included (its allow_active=yes needs an active local
    // session). KAuth reports AuthorizationDenied (4); nothing is mounted.
    void unprivilegedIsDeniedByDefault()
    {
        const Stack s = stack("denied", m_alice);
        const QString before = mountTableText();
        for (const auto &backend : {QStringLiteral("kernel"), QStringLiteral("strata-fuse")}) {
            const ClientRun r = client(kAlice, QStringLiteral("mount"), s.mountArgs(backend));
            QVERIFY2(r.first().value(QStringLiteral("code")).toInt() == 4, qPrintable(describe(r)));
        }
        const ClientRun un
            = client(kAlice, QStringLiteral("unmount"), {QStringLiteral("--mountpoint"), QString::fromStdString(s.m)});
        QVERIFY2(un.first().value(QStringLiteral("code")).toInt() == 4, qPrintable(describe(un)));
        const ClientRun rd
            = client(kBob, QStringLiteral("readprivileged"), {QStringLiteral("--lower"), QString::fromStdString(s.l1)});
        QVERIFY2(rd.first().value(QStringLiteral("code")).toInt() == 4, qPrintable(describe(rd)));
        QCOMPARE(mountTableText(), before);
    }

    // stratactl mount / umount go through the same helper: without a rule alice's
    // requests exit 4 (not authorized) and nothing is mounted.
    void stratactlIsNotAuthorizedByDefault()
    {
        const Stack s = stack("ctl-denied", m_alice);
        const QString before = mountTableText();
        const ClientRun r = stratactl(kAlice, s.stratactlMount());
        QVERIFY2(r.exitCode == 4, qPrintable(describe(r)));
        QCOMPARE(r.first().value(QStringLiteral("code")).toInt(), 4);
        QVERIFY2(!r.first().value(QStringLiteral("message")).toString().isEmpty(), qPrintable(describe(r)));
        const ClientRun un
            = stratactl(kAlice, {QStringLiteral("umount"), QString::fromStdString(s.m), QStringLiteral("--json")});
        QVERIFY2(un.exitCode == 4, qPrintable(describe(un)));
        QCOMPARE(mountTableText(), before);
    }

    // Reading trusted.* facts through the helper is refused by default too: a clear
    // sentence, exit 4, and the facts are not shown.
    void privilegedFactsAreRefusedByDefault()
    {
        const Stack s = stackWithTrustedFacts("facts-denied");
        const ClientRun r
            = stratactl(kAlice, QStringList {QStringLiteral("privileged")} + layerArgs(s) << QStringLiteral("--json"));
        QVERIFY2(r.exitCode == 4, qPrintable(describe(r)));
        QCOMPARE(r.first().value(QStringLiteral("complete")).toBool(true), false);
        QCOMPARE(r.first().value(QStringLiteral("code")).toInt(), 4);
        QVERIFY2(r.first()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("message"))
                     .toString()
                     .contains(QLatin1String("Not authorized")),
                 qPrintable(describe(r)));
        QVERIFY2(!r.first().contains(QStringLiteral("facts")), qPrintable(describe(r)));
        QVERIFY2(r.stderrText.contains(QLatin1String("Not authorized")), qPrintable(describe(r)));
        // The GUI's dialog says the same and shows no facts.
        const ClientRun gui = factsDialog(kAlice, s);
        QVERIFY2(gui.exitCode == 0 && !gui.first().value(QStringLiteral("ok")).toBool(true), qPrintable(describe(gui)));
        QVERIFY2(gui.first().value(QStringLiteral("status")).toString().contains(QLatin1String("Not authorized")),
                 qPrintable(describe(gui)));
        QVERIFY2(gui.first().value(QStringLiteral("rows")).toArray().isEmpty(), qPrintable(describe(gui)));
    }

    // From here on: alice may do everything, bob may unmount and read (ES5: no
    // arrow functions, duktape ignores such a file).
    void grantRule()
    {
        setRule(QStringLiteral(
                    "polkit.addRule(function(action, subject) {\n"
                    "    if (action.id.indexOf(\"io.github.strata.\") == 0 && subject.user == \"strata-alice\")\n"
                    "        return polkit.Result.YES;\n"
                    "    if ((action.id == \"io.github.strata.unmount\" || action.id == "
                    "\"io.github.strata.readprivileged\") && subject.user == \"strata-bob\")\n"
                    "        return polkit.Result.YES;\n"
                    "});\n"),
                kAlice, 0);
        // Bob is still refused the mount itself.
        const Stack s = stack("bob-denied", m_bob);
        const QString before = mountTableText();
        const ClientRun r = client(kBob, QStringLiteral("mount"), s.mountArgs(QStringLiteral("kernel")));
        QVERIFY2(r.first().value(QStringLiteral("code")).toInt() == 4, qPrintable(describe(r)));
        QCOMPARE(mountTableText(), before);
    }

    void stratactlMountsAsAlice()
    {
        const Stack s = stack("ctl-alice", m_alice);
        const ClientRun r = stratactl(kAlice, s.stratactlMount());
        QVERIFY2(r.exitCode == 0 && r.first().value(QStringLiteral("via")).toString() == QLatin1String("helper"),
                 qPrintable(describe(r)));
        const auto m = mountAt(s.m);
        QVERIFY(m);
        QCOMPARE(m->fstype, QStringLiteral("overlay"));
        QCOMPARE(shell(kAlice,
                       QStringLiteral("echo mine > '%1/created' && cat '%1/top' '%1/base' >/dev/null")
                           .arg(QString::fromStdString(s.m))),
                 0);
        struct stat st {};
        QCOMPARE(::stat((s.u + "/created").c_str(), &st), 0);
        QCOMPARE(st.st_uid, m_alice);
        // Bob may unmount (the rule grants it), but not her mount: a failure, not 4.
        const ClientRun bob
            = stratactl(kBob, {QStringLiteral("umount"), QString::fromStdString(s.m), QStringLiteral("--json")});
        QVERIFY2(bob.exitCode == 1 && bob.first().value(QStringLiteral("code")).toInt() == NotMountOwner,
                 qPrintable(describe(bob)));
        QVERIFY(mountAt(s.m));
        const ClientRun un
            = stratactl(kAlice, {QStringLiteral("umount"), QString::fromStdString(s.m), QStringLiteral("--json")});
        QVERIFY2(un.exitCode == 0, qPrintable(describe(un)));
        QVERIFY(!mountAt(s.m));
    }

    // Alice cannot read trusted.* herself (inspect shows the counts as unknown);
    // once polkit says yes, `stratactl privileged` shows them, read by the helper.
    void privilegedFactsAfterPolkitSaysYes()
    {
        const Stack s = stackWithTrustedFacts("facts-alice");
        const ClientRun own
            = stratactl(kAlice, QStringList {QStringLiteral("inspect")} + layerArgs(s) << QStringLiteral("--json"));
        QVERIFY2(own.exitCode == 3, qPrintable(describe(own))); // partial: the xattrs are unreadable
        const QJsonArray ownLayers
            = own.first().value(QStringLiteral("summary")).toObject().value(QStringLiteral("layers")).toArray();
        QVERIFY2(!ownLayers.isEmpty(), qPrintable(describe(own)));
        for (const auto &l : ownLayers)
            QVERIFY2(l.toObject().value(QStringLiteral("opaque_dirs")).isNull(), qPrintable(describe(own)));

        const ClientRun r
            = stratactl(kAlice, QStringList {QStringLiteral("privileged")} + layerArgs(s) << QStringLiteral("--json"));
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(r.first().value(QStringLiteral("via")).toString(), QStringLiteral("helper"));
        const QJsonObject facts = r.first().value(QStringLiteral("facts")).toObject();
        QVERIFY2(facts.value(QStringLiteral("can_read_overlay_xattrs")).toBool(), qPrintable(describe(r)));
        const QJsonArray layers = facts.value(QStringLiteral("layers")).toArray();
        QCOMPARE(layers.size(), 3); // upper, l1, l2
        QJsonObject l1;
        for (const auto &l : layers)
            if (l.toObject().value(QStringLiteral("path")).toString() == QString::fromStdString(s.l1))
                l1 = l.toObject();
        QVERIFY2(l1.value(QStringLiteral("xattrs_read")).toBool(), qPrintable(describe(r)));
        QCOMPARE(l1.value(QStringLiteral("opaque_dirs")).toInt(-1), 1);
        QCOMPARE(l1.value(QStringLiteral("redirects")).toInt(-1), 1);
        QVERIFY(facts.value(QStringLiteral("index")).toObject().contains(QStringLiteral("present")));
        // The GUI's dialog shows the same counts in its row for l1 (columns: layer,
        // whiteouts, opaque dirs, redirects, metacopy, copied up, path).
        const ClientRun gui = factsDialog(kAlice, s);
        QVERIFY2(gui.exitCode == 0 && gui.first().value(QStringLiteral("ok")).toBool(), qPrintable(describe(gui)));
        const QJsonArray rows = gui.first().value(QStringLiteral("rows")).toArray();
        QCOMPARE(rows.size(), 3);
        bool sawL1 = false;
        for (const auto &row : rows) {
            const QJsonArray cells = row.toArray();
            if (cells.at(6).toString() != QString::fromStdString(s.l1))
                continue;
            sawL1 = true;
            QCOMPARE(cells.at(2).toString(), QStringLiteral("1"));
            QCOMPARE(cells.at(3).toString(), QStringLiteral("1"));
        }
        QVERIFY2(sawL1, qPrintable(describe(gui)));
        // The text form is printed from the same reply.
        const ClientRun text = stratactl(kAlice, QStringList {QStringLiteral("privileged")} + layerArgs(s));
        QVERIFY2(text.exitCode == 0, qPrintable(describe(text)));
    }

    // A non-root restore goes through the helper's mount action: root mounted and
    // captured a stack of alice's; alice restores it from the capture file.
    void aliceRestoresACapture()
    {
        const Stack s = stack("restore-alice", m_alice);
        QVERIFY(rootMounts(s));
        QCOMPARE(
            shell(kAlice, QStringLiteral("echo mine > '%1/created' && rm '%1/base'").arg(QString::fromStdString(s.m))),
            0);
        const std::string file = path("restore-alice.json");
        const ClientRun cap = stratactl(QStringLiteral("root"),
                                        {QStringLiteral("capture"), QString::fromStdString(s.m),
                                         QString::fromStdString(file), QStringLiteral("--json")});
        QVERIFY2(cap.exitCode == 0, qPrintable(describe(cap)));
        ::chmod(file.c_str(), 0644);
        QVERIFY(::umount2(s.m.c_str(), 0) == 0);

        const ClientRun dry = stratactl(kAlice,
                                        {QStringLiteral("restore"), QString::fromStdString(file),
                                         QStringLiteral("--dry-run"), QStringLiteral("--json")});
        QVERIFY2(dry.exitCode == 0, qPrintable(describe(dry)));
        QVERIFY(!mountAt(s.m));
        const ClientRun r
            = stratactl(kAlice, {QStringLiteral("restore"), QString::fromStdString(file), QStringLiteral("--json")});
        // Alice cannot read trusted.overlay.*: the layers' identities are checked, the
        // view comparison is left out and said so (a partial result, exit 3).
        QVERIFY2(r.exitCode == 0 || r.exitCode == 3, qPrintable(describe(r)));
        const QJsonObject m = r.first().value(QStringLiteral("mounts")).toArray().at(0).toObject();
        QVERIFY2(m.value(QStringLiteral("restored")).toBool(), qPrintable(describe(r)));
        QCOMPARE(m.value(QStringLiteral("via")).toString(), QStringLiteral("helper"));
        const auto line = mountAt(s.m);
        QVERIFY(line);
        QCOMPARE(line->fstype, QStringLiteral("overlay"));
        // The view, verified as root (who can read every layer's metadata).
        const ClientRun verify = stratactl(
            QStringLiteral("root"), {QStringLiteral("verify"), QString::fromStdString(s.m), QStringLiteral("--json")});
        QVERIFY2(verify.exitCode == 0, qPrintable(describe(verify)));
        QCOMPARE(readText(s.m + "/created"), std::string("mine\n"));
        QCOMPARE(readText(s.m + "/top"), std::string("from l1\n"));
        QVERIFY(::access((s.m + "/base").c_str(), F_OK) != 0); // the whiteout came back too
        // The restore was recorded as hers: she unmounts it through the helper.
        const ClientRun un
            = stratactl(kAlice, {QStringLiteral("umount"), QString::fromStdString(s.m), QStringLiteral("--json")});
        QVERIFY2(un.exitCode == 0, qPrintable(describe(un)));
        QVERIFY(!mountAt(s.m));

        // Moved layers are found by handle only with CAP_DAC_READ_SEARCH: alice's
        // restore says so, naming the layer, and mounts nothing; root's dry run finds them.
        const std::string moved = path("restore-alice-moved");
        dir("restore-alice-moved", m_alice);
        QVERIFY(::rename(s.l2.c_str(), (moved + "/l2").c_str()) == 0);
        expectRestoreRefused(kAlice, file, QStringLiteral("CAP_DAC_READ_SEARCH"), "a moved layer");
        const ClientRun rootDry = stratactl(QStringLiteral("root"),
                                            {QStringLiteral("restore"), QString::fromStdString(file),
                                             QStringLiteral("--dry-run"), QStringLiteral("--json")});
        QVERIFY2(rootDry.exitCode == 0, qPrintable(describe(rootDry)));
        const QJsonObject l2 = rootDry.first()
                                   .value(QStringLiteral("mounts"))
                                   .toArray()
                                   .at(0)
                                   .toObject()
                                   .value(QStringLiteral("layers"))
                                   .toArray()
                                   .at(1)
                                   .toObject();
        QCOMPARE(l2.value(QStringLiteral("verdict")).toString(), QStringLiteral("by_handle"));
        QCOMPARE(l2.value(QStringLiteral("found_path")).toString(), QString::fromStdString(moved + "/l2"));
        QVERIFY(::rename((moved + "/l2").c_str(), s.l2.c_str()) == 0);
    }

    // Every helper rule applies to the layers a restore re-found: a lower alice may
    // not read, two lowers that are one directory, a lower nested in another.
    void restoredLayersMeetTheHelperRules()
    {
        const Stack s = stack("restore-rules", m_alice);
        const std::string inner = dir("restore-rules/l1/inner", m_alice);
        const std::string innerMount = dir("restore-rules/m2", m_alice);
        QVERIFY(rootMounts(s));
        const std::string innerData = "lowerdir=" + inner + ":" + s.l2;
        QVERIFY2(::mount("overlay", innerMount.c_str(), "overlay", 0, innerData.c_str()) == 0, std::strerror(errno));
        const std::string file = path("restore-rules.json");
        const ClientRun cap
            = stratactl(QStringLiteral("root"),
                        {QStringLiteral("capture"), QString::fromStdString(s.m), QString::fromStdString(innerMount),
                         QString::fromStdString(file), QStringLiteral("--json")});
        QVERIFY2(cap.exitCode == 0, qPrintable(describe(cap)));
        QVERIFY(::umount2(s.m.c_str(), 0) == 0);
        QVERIFY(::umount2(innerMount.c_str(), 0) == 0);
        const QJsonObject doc = QJsonDocument::fromJson(QByteArray::fromStdString(readText(file))).object();
        QJsonObject outer, nested;
        for (const auto &m : doc.value(QStringLiteral("mounts")).toArray())
            (m.toObject().value(QStringLiteral("mountpoint")).toString() == QString::fromStdString(s.m) ? outer
                                                                                                        : nested)
                = m.toObject();
        const QJsonArray outerLayers = outer.value(QStringLiteral("layers")).toArray();
        const QJsonValue l1 = outerLayers.at(0), l2 = outerLayers.at(1);
        const QJsonValue innerLayer = nested.value(QStringLiteral("layers")).toArray().at(0);
        QCOMPARE(innerLayer.toObject().value(QStringLiteral("resolved_path")).toString(),
                 QString::fromStdString(inner));
        // Mount 0 of the file must be the outer one for writeCaptureWithLowers.
        QJsonObject ordered = doc;
        ordered.insert(QStringLiteral("mounts"), QJsonArray {outer});
        const std::string single = path("restore-rules-single.json");
        {
            QFile f(QString::fromStdString(single));
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(QJsonDocument(ordered).toJson());
        }
        ::chmod(single.c_str(), 0644);

        const std::string same = path("restore-rules-same.json"), nestedFile = path("restore-rules-nested.json");
        QVERIFY(writeCaptureWithLowers(single, same, {l1, l1}));
        QVERIFY(writeCaptureWithLowers(single, nestedFile, {l1, innerLayer}));
        expectRestoreRefused(kAlice, same, QStringLiteral("must not overlap"), "one directory twice");
        expectRestoreRefused(kAlice, nestedFile, QStringLiteral("must not overlap"), "a lower inside another");

        // A lower made root-only after the capture: still the same directory, but not
        // one alice may stack.
        QVERIFY(::chown(s.l2.c_str(), 0, 0) == 0 && ::chmod(s.l2.c_str(), 0700) == 0);
        expectRestoreRefused(kAlice, single, QStringLiteral("cannot read"), "a lower alice cannot read");
        QVERIFY(::chown(s.l2.c_str(), m_alice, m_alice) == 0 && ::chmod(s.l2.c_str(), 0755) == 0);
        // With the rules met again, the same file restores.
        const ClientRun ok
            = stratactl(kAlice, {QStringLiteral("restore"), QString::fromStdString(single), QStringLiteral("--json")});
        QVERIFY2(ok.exitCode == 0 || ok.exitCode == 3, qPrintable(describe(ok)));
        QVERIFY(mountAt(s.m));
        const ClientRun un
            = stratactl(kAlice, {QStringLiteral("umount"), QString::fromStdString(s.m), QStringLiteral("--json")});
        QVERIFY2(un.exitCode == 0, qPrintable(describe(un)));
    }

    void aliceMountsWithTheKernel() { aliceMounts(QStringLiteral("kernel"), kAlice); }
    void aliceMountsWithStrataFuse() { aliceMounts(QStringLiteral("strata-fuse"), QStringLiteral("root")); }

    // The records cannot be written once the mount is up (a full /run): the helper
    // undoes the mount rather than leave one nobody may unmount through it.
    void anUnrecordableMountIsUndone_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("kernel") << QStringLiteral("kernel");
        QTest::newRow("strata-fuse") << QStringLiteral("strata-fuse");
    }
    void anUnrecordableMountIsUndone()
    {
        QFETCH(QString, backend);
        const Stack s = stack("full-" + backend.toStdString(), 0);
        const char *state = "/run/strata";
        ::mkdir(state, 0700);
        QVERIFY2(::mount("strata-full", state, "tmpfs", MS_NOSUID | MS_NODEV, "size=16k,mode=0700") == 0,
                 std::strerror(errno));
        const auto unmountState = qScopeGuard([state] { ::umount2(state, MNT_DETACH); });
        {
            std::ofstream fill(std::string(state) + "/fill");
            const std::string block(4096, 'x');
            for (int i = 0; i < 64 && fill; ++i)
                fill << block << std::flush;
        }
        const QString before = mountTableText();
        const ClientRun r = client(QStringLiteral("root"), QStringLiteral("mount"), s.mountArgs(backend));
        QVERIFY2(r.exitCode == 0 && r.lines.size() == 1, qPrintable(describe(r)));
        QVERIFY2(r.first().value(QStringLiteral("code")).toInt() == StateError, qPrintable(describe(r)));
        QVERIFY2(r.first().value(QStringLiteral("message")).toString().contains(QLatin1String("new mount was undone")),
                 qPrintable(describe(r)));
        QVERIFY2(!mountAt(s.m), qPrintable(describe(r)));
        const QString after = mountTableText();
        QVERIFY2(after == before,
                 qPrintable(QLatin1String("the mount table changed:") + mountTableDiff(before, after)));
    }

    // Through D-Bus and polkit: a root-only directory inside alice's lower would
    // be listed to her by a directory of hers in the upper; the helper refuses.
    void aLowerHidingSomethingFromTheCallerIsRefused()
    {
        const Stack s = stack("hiding", m_alice);
        const std::string secret = dir("hiding/l2/secret", 0, 0700);
        write(secret + "/name", "root's\n");
        dir("hiding/u/secret", m_alice);
        for (const QString &backend : {QStringLiteral("kernel"), QStringLiteral("strata-fuse")})
            expectRefused(kAlice, s.mountArgs(backend), LowerNotReadableInside, "a root-only dir inside a lower");
        QVERIFY(::chmod(secret.c_str(), 0755) == 0);
        const ClientRun r = client(kAlice, QStringLiteral("mount"), s.mountArgs(QStringLiteral("kernel")));
        QVERIFY2(r.first().value(QStringLiteral("ok")).toBool(), qPrintable(describe(r)));
        const ClientRun un
            = client(kAlice, QStringLiteral("unmount"), {QStringLiteral("--mountpoint"), QString::fromStdString(s.m)});
        QVERIFY2(un.first().value(QStringLiteral("ok")).toBool(), qPrintable(describe(un)));
    }

    void invalidInputsGetTheirCodes()
    {
        const Stack s = stack("bad", m_alice);
        const Stack bob = stack("bad-bob", m_bob);
        const QString m = QString::fromStdString(s.m), u = QString::fromStdString(s.u), w = QString::fromStdString(s.w),
                      l1 = QString::fromStdString(s.l1), l2 = QString::fromStdString(s.l2);
        QCOMPARE(::symlink(path("bad").c_str(), path("bad-link").c_str()), 0);
        const QString comma = QString::fromStdString(dir("bad/a,b", m_alice));
        const QString colon = QString::fromStdString(dir("bad/a:b", m_alice));
        const QString newline = QString::fromStdString(dir("bad/a\nb", m_alice));
        const QString innerU = QString::fromStdString(dir("bad/l1/u", m_alice));
        const QString innerW = QString::fromStdString(dir("bad/l1/w", m_alice));
        auto req = [&](const QStringList &lowers, const QString &upper, const QString &work, const QString &mp,
                       const QString &backend = QStringLiteral("kernel")) {
            QStringList a {QStringLiteral("--backend"), backend, QStringLiteral("--mountpoint"), mp};
            for (const auto &l : lowers)
                a << QStringLiteral("--lower") << l;
            if (!upper.isEmpty())
                a << QStringLiteral("--upper") << upper << QStringLiteral("--work") << work;
            return a;
        };
        for (const auto &backend : {QStringLiteral("kernel"), QStringLiteral("strata-fuse")}) {
            expectRefused(kAlice, req({QStringLiteral("bad/l1"), l2}, u, w, m, backend), NotAbsolute, "relative");
            expectRefused(kAlice, req({l1 + QStringLiteral("/../l2"), l2}, u, w, m, backend), NotCanonical, "..");
            expectRefused(kAlice, req({QString::fromStdString(path("bad-link/l1")), l2}, u, w, m, backend),
                          SymlinkComponent, "symlinked component");
            expectRefused(kAlice, req({l1, l2}, u, w, QStringLiteral("/etc"), backend), SystemDirectory, "over /etc");
            expectRefused(kAlice, req({l1, l2}, u, w, QStringLiteral("/etc/systemd"), backend), SystemDirectory,
                          "inside /etc");
            expectRefused(kAlice,
                          req({l1, l2}, QString::fromStdString(bob.u), QString::fromStdString(bob.w), m, backend),
                          NotOwner, "someone else's upper");
            expectRefused(kAlice, req({l1, l2}, u, w, QString::fromStdString(bob.m), backend), NotOwner,
                          "someone else's mount point");
            expectRefused(kAlice, req({comma, l2}, u, w, m, backend), Separator, "comma");
            expectRefused(kAlice, req({colon, l2}, u, w, m, backend), Separator, "colon");
            expectRefused(kAlice, req({newline, l2}, u, w, m, backend), ControlCharacter, "newline");
            expectRefused(kAlice, req({l1 + QStringLiteral("-missing"), l2}, u, w, m, backend), NotFound,
                          "nonexistent");
            expectRefused(kAlice, req({l1, l2}, innerU, innerW, m, backend), UpperInsideLower, "upper inside lower");
            QStringList many;
            for (int i = 0; i < 501; ++i)
                many << l2;
            expectRefused(kAlice, req(many, u, w, m, backend), TooManyLayers, "more layers than the cap");
            expectRefused(
                kAlice, req({l1, l2}, u, w, m, backend) << QStringLiteral("--option") << QStringLiteral("metacopy=on"),
                OptionNotAllowed, "metacopy=on from a user");
            expectRefused(kAlice, req({l1, l2}, u, w, m, backend) << QStringLiteral("--name") << QStringLiteral("a b"),
                          BadName, "name with a space");
        }
        // Malformed requests straight through KAuth (no HelperMounter): no nonce, an
        // argument the helper does not know, a wrong type.
        const QString args
            = QStringLiteral("\"backend\": \"kernel\", \"lower\": [\"%1\", \"%2\"], \"mountpoint\": \"%3\"")
                  .arg(l1, l2, m);
        const QString nonce = QStringLiteral("\"nonce\": \"0123456789abcdef0123456789abcdef\", ");
        for (const auto &[json, what] :
             {std::pair {QStringLiteral("{") + args + QStringLiteral("}"), "no nonce"},
              std::pair {QStringLiteral("{") + nonce + args + QStringLiteral(", \"data\": [\"/\"]}"), "data layers"},
              std::pair {QStringLiteral("{") + nonce + args + QStringLiteral(", \"uid\": 0}"), "a uid argument"},
              std::pair {QStringLiteral("{\"nonce\": \"0123456789abcdef0123456789abcdef\", \"backend\": \"kernel\", "
                                        "\"lower\": \"%1\", \"mountpoint\": \"%2\"}")
                             .arg(l1, m),
                         "lower as a string"}}) {
            const QString before = mountTableText();
            const ClientRun r = client(kAlice, QStringLiteral("mount"), {QStringLiteral("--raw"), json});
            QVERIFY2(r.first().value(QStringLiteral("code")).toInt() == BadRequest,
                     qPrintable(QLatin1String(what) + QLatin1String(": ") + describe(r)));
            QCOMPARE(mountTableText(), before);
        }
    }

    // A lower layer flips between the real directory and a symbolic link to a
    // root-only directory while alice mounts again and again: each request is
    // refused (106 link, 107 mid-rename) or mounts the directory that was checked,
    // never the link's target.
    void aSwappedInSymlinkIsNeverMounted()
    {
        const Stack s = stack("race", m_alice);
        write(s.l1 + "/which", "checked\n", m_alice);
        const std::string secret = dir("race-secret", 0, 0700);
        write(secret + "/which", "secret\n");
        std::atomic<bool> stop = false;
        std::thread flipper([&] {
            const std::string real = s.l1 + ".real";
            while (!stop) {
                ::rename(s.l1.c_str(), real.c_str());
                ::symlink(secret.c_str(), s.l1.c_str());
                std::this_thread::sleep_for(std::chrono::microseconds(200));
                ::unlink(s.l1.c_str());
                ::rename(real.c_str(), s.l1.c_str());
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
        });
        int mounted = 0, refused = 0;
        for (int i = 0; i < 12; ++i) {
            const ClientRun r = client(kAlice, QStringLiteral("mount"), s.mountArgs(QStringLiteral("kernel")));
            const int code = r.first().value(QStringLiteral("code")).toInt();
            if (code == 0) {
                ++mounted;
                const std::string seen = readText(s.m + "/which");
                const ClientRun un = client(kAlice, QStringLiteral("unmount"),
                                            {QStringLiteral("--mountpoint"), QString::fromStdString(s.m)});
                if (seen != "checked\n" || !un.first().value(QStringLiteral("ok")).toBool()) {
                    stop = true;
                    flipper.join();
                    QFAIL(qPrintable(
                        QStringLiteral("mounted %1 / unmount: %2").arg(QString::fromStdString(seen), describe(un))));
                }
            } else if (code == SymlinkComponent || code == NotFound) {
                ++refused;
            } else {
                stop = true;
                flipper.join();
                QFAIL(qPrintable(describe(r)));
            }
        }
        stop = true;
        flipper.join();
        qInfo("swap race: %d mounted the checked directory, %d refused", mounted, refused);
        QVERIFY(!mountAt(s.m));
    }

    // Alice and bob read their own stacks at the same time, five requests each
    // queued in one client: every answer that arrives is the asker's own (layer
    // paths), a crossed reply is discarded (190) rather than delivered.
    void concurrentRequestsNeverCross()
    {
        const Stack a = stack("cross-alice", m_alice);
        const Stack b = stack("cross-bob", m_bob);
        auto args = [](const Stack &s) {
            return QStringList {QStringLiteral("--lower"),    QString::fromStdString(s.l1), QStringLiteral("--lower"),
                                QString::fromStdString(s.l2), QStringLiteral("--repeat"),   QStringLiteral("5")};
        };
        for (int round = 0; round < 3; ++round) {
            QProcess *pa = startClient(kAlice, QStringLiteral("readprivileged"), args(a));
            QProcess *pb = startClient(kBob, QStringLiteral("readprivileged"), args(b));
            const ClientRun ra = collect(pa), rb = collect(pb);
            for (const auto &[run, own, other] : {std::tuple {&ra, &a, &b}, std::tuple {&rb, &b, &a}}) {
                QVERIFY2(run->exitCode == 0 && run->lines.size() == 5, qPrintable(describe(*run)));
                for (const auto &line : run->lines) {
                    const QString json = line.value(QStringLiteral("json")).toString();
                    QVERIFY2(!json.contains(QString::fromStdString(other->l1)), qPrintable(describe(*run)));
                    const int code = line.value(QStringLiteral("code")).toInt();
                    if (line.value(QStringLiteral("ok")).toBool())
                        QVERIFY2(json.contains(QString::fromStdString(own->l1)), qPrintable(describe(*run)));
                    else
                        QVERIFY2(code == ReplyMismatch || code == Timeout || code == 6, qPrintable(describe(*run)));
                }
            }
            // Reading is retried after a crossed reply, so each user gets answers.
            auto oks = [](const ClientRun &r) {
                return std::count_if(r.lines.cbegin(), r.lines.cend(),
                                     [](const QJsonObject &l) { return l.value(QStringLiteral("ok")).toBool(); });
            };
            qInfo("round %d: alice %d of 5 answered, bob %d of 5", round, int(oks(ra)), int(oks(rb)));
            QVERIFY2(oks(ra) > 0 && oks(rb) > 0, qPrintable(describe(ra) + QLatin1Char('\n') + describe(rb)));
        }
    }

    void removeRuleDeniesAgain() { setRule({}, kAlice, 4); }
};

STRATA_TEST_MAIN_REQUIRES(TestHelperSystem, requireSystemTier)
#include "test_helper_system.moc"
