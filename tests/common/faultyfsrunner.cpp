// SPDX-License-Identifier: GPL-2.0-or-later
#include "faultyfsrunner.h"

#include "testenv.h"

#include <QDeadlineTimer>

#include <algorithm>
#include <csignal>
#include <sys/mount.h>
#include <sys/vfs.h>

namespace strata::test {

namespace {

constexpr long kFuseMagic = 0x65735546;
constexpr int kStartTimeoutMs = 60000;

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
    // The daemon says "mounted" on stdout once its mount exists; its errors go to ours.
    m_proc->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_proc->setStandardInputFile(QProcess::nullDevice());
    m_proc->start(QString::fromStdString(binaryDir() + "/strata-test-faultyfs"),
                  {QString::fromStdString(backing), QString::fromStdString(m_mountpoint)});
    // Generous bounds: under a loaded ctest -j a start can take seconds, and a
    // fixture that gives up too early fails a test for nothing.
    QDeadlineTimer deadline(kStartTimeoutMs);
    if (!m_proc->waitForStarted(static_cast<int>(deadline.remainingTime()))) {
        m_error = "strata-test-faultyfs did not start: " + m_proc->errorString().toStdString();
        return;
    }
    QByteArray said;
    while (!said.contains('\n') && !deadline.hasExpired()) {
        if (!m_proc->waitForReadyRead(static_cast<int>(std::max<qint64>(deadline.remainingTime(), 1)))
            && m_proc->state() != QProcess::Running)
            break;
        said += m_proc->readAllStandardOutput();
    }
    if (!said.startsWith("mounted\n")) {
        m_error = m_proc->state() == QProcess::Running
            ? "strata-test-faultyfs did not mount " + m_mountpoint + " within " + std::to_string(kStartTimeoutMs / 1000)
                + " s"
            : "strata-test-faultyfs ended (exit " + std::to_string(m_proc->exitCode()) + ") without mounting "
                + m_mountpoint + " (its messages are above)";
        return;
    }
    m_mounted = isFuseMount(m_mountpoint);
    if (!m_mounted)
        m_error = "strata-test-faultyfs said it mounted, but " + m_mountpoint + " is not a FUSE mount";
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
    // Never kill(0, ...): that would signal this test's whole process group.
    if (const auto pid = static_cast<pid_t>(m_proc->processId()); pid > 0)
        ::kill(pid, fail ? SIGUSR1 : SIGUSR2);
}

} // namespace strata::test
