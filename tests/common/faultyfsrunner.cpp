// SPDX-License-Identifier: GPL-2.0-or-later
#include "faultyfsrunner.h"

#include "testenv.h"

#include <QDeadlineTimer>
#include <QThread>

#include <csignal>
#include <sys/mount.h>
#include <sys/vfs.h>

namespace strata::test {

namespace {

constexpr long kFuseMagic = 0x65735546;

bool isFuseMount(const std::string &path)
{
    struct statfs sfs {};
    return ::statfs(path.c_str(), &sfs) == 0 && sfs.f_type == kFuseMagic;
}

} // namespace

FaultyFs::FaultyFs(std::string backing, std::string mountpoint)
    : m_mountpoint(std::move(mountpoint))
    , m_proc(std::make_unique<QProcess>())
{
    m_proc->setProcessChannelMode(QProcess::ForwardedChannels);
    m_proc->start(QString::fromStdString(binaryDir() + "/strata-test-faultyfs"),
                  {QString::fromStdString(backing), QString::fromStdString(m_mountpoint)});
    if (!m_proc->waitForStarted(5000)) {
        m_error = "strata-test-faultyfs did not start: " + m_proc->errorString().toStdString();
        return;
    }
    // Bounded poll: the mount appears once the daemon has set up its session.
    QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired() && m_proc->state() == QProcess::Running) {
        if (isFuseMount(m_mountpoint)) {
            m_mounted = true;
            return;
        }
        QThread::msleep(20);
    }
    m_error = "strata-test-faultyfs did not mount " + m_mountpoint;
}

FaultyFs::~FaultyFs()
{
    if (m_mounted)
        ::umount2(m_mountpoint.c_str(), MNT_DETACH);
    if (m_proc->state() != QProcess::NotRunning) {
        m_proc->terminate();
        if (!m_proc->waitForFinished(5000))
            m_proc->kill();
        m_proc->waitForFinished(5000);
    }
}

void FaultyFs::failWrites(bool fail)
{
    ::kill(static_cast<pid_t>(m_proc->processId()), fail ? SIGUSR1 : SIGUSR2);
}

} // namespace strata::test
