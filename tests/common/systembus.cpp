// SPDX-License-Identifier: GPL-2.0-or-later
#include "systembus.h"

#include "testenv.h"

#include <QDBusConnectionInterface>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTest>

#include <csignal>
#include <fstream>
#include <sys/prctl.h>
#include <unistd.h>

namespace strata::test {

namespace {

// The daemon runs inside ROOT and dies with this process (as long as it keeps its
// credentials: dbus-daemon drops to messagebus, so stop() ends it explicitly).
void startIn(QProcess &p, const std::string &root, const QString &program, const QStringList &args)
{
    p.setChildProcessModifier([root] {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (root != "/" && (::chroot(root.c_str()) != 0 || ::chdir("/") != 0))
            ::_exit(127);
    });
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(program, args);
}

} // namespace

SystemBus::SystemBus(std::string root)
    : m_root(std::move(root))
    , m_name(QStringLiteral("strata-systembus-%1").arg(QRandomGenerator::global()->generate()))
{ }

SystemBus::~SystemBus()
{
    stop();
}

std::string SystemBus::host(const std::string &path) const
{
    return m_root == "/" ? path : m_root + path;
}

std::string SystemBus::start(const std::string &busConfig)
{
    // dbus-daemon refuses to start without a machine id; an empty file (as
    // debootstrap leaves it) is refused by dbus-uuidgen --ensure, so write one.
    if (readText(host("/etc/machine-id")).size() < 32) {
        QString fresh;
        for (int i = 0; i < 4; ++i)
            fresh += QStringLiteral("%1").arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0'));
        std::ofstream(host("/etc/machine-id")) << fresh.toStdString() << "\n";
    }
    for (const char *dir : {"/run/dbus", "/run/polkit-1/rules.d", "/run/polkit-1/actions"})
        if (!QDir().mkpath(QString::fromStdString(host(dir))))
            return "cannot create " + host(dir);

    startIn(m_bus, m_root, QStringLiteral("/usr/bin/dbus-daemon"),
            {busConfig.empty() ? QStringLiteral("--system")
                               : QStringLiteral("--config-file=") + QString::fromStdString(busConfig),
             QStringLiteral("--nofork"), QStringLiteral("--nopidfile")});
    if (!m_bus.waitForStarted(5000))
        return "dbus-daemon did not start: " + m_bus.errorString().toStdString();
    const QString socket = QString::fromStdString(host("/run/dbus/system_bus_socket"));
    QDeadlineTimer deadline(10000);
    while (!QFile::exists(socket) && !deadline.hasExpired() && m_bus.state() == QProcess::Running)
        QTest::qWait(20);
    m_conn = std::make_unique<QDBusConnection>(
        QDBusConnection::connectToBus(QStringLiteral("unix:path=") + socket, m_name));
    if (!m_conn->isConnected())
        return "cannot connect to the system bus at " + socket.toStdString() + ": "
            + m_conn->lastError().message().toStdString();

    startIn(m_polkit, m_root, QStringLiteral("/usr/lib/polkit-1/polkitd"), {QStringLiteral("--no-debug")});
    if (!m_polkit.waitForStarted(5000))
        return "polkitd did not start: " + m_polkit.errorString().toStdString();
    const QString pk = QStringLiteral("org.freedesktop.PolicyKit1");
    while (!m_conn->interface()->isServiceRegistered(pk) && !deadline.hasExpired()
           && m_polkit.state() == QProcess::Running)
        QTest::qWait(20);
    if (!m_conn->interface()->isServiceRegistered(pk))
        return "polkitd did not appear on the bus within 10 s";
    return {};
}

void SystemBus::stop()
{
    if (m_conn) {
        m_conn.reset();
        QDBusConnection::disconnectFromBus(m_name);
    }
    for (QProcess *p : {&m_polkit, &m_bus}) {
        if (p->state() == QProcess::NotRunning)
            continue;
        p->terminate();
        if (!p->waitForFinished(5000)) {
            p->kill();
            p->waitForFinished(3000);
        }
    }
}

} // namespace strata::test
