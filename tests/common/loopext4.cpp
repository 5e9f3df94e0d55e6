// SPDX-License-Identifier: GPL-2.0-or-later
#include "loopext4.h"

#include <QProcess>
#include <QStringList>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::test {

int runProgram(const std::initializer_list<std::string> &argv, std::string *out, int timeoutMs)
{
    if (argv.size() == 0)
        return -1;
    QStringList args;
    for (const auto &a : argv)
        args << QString::fromStdString(a);
    QProcess proc;
    proc.setStandardInputFile(QProcess::nullDevice());
    proc.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    proc.start(args.takeFirst(), args);
    if (!proc.waitForStarted(timeoutMs))
        return -1;
    if (!proc.waitForFinished(timeoutMs)) {
        // A hung mkfs or losetup (a loop device stuck in the kernel) must not hang
        // the test until ctest's timeout: say so and go on.
        std::fprintf(stderr, "%s did not finish in %d ms: killed\n", qPrintable(proc.program()), timeoutMs);
        proc.kill();
        proc.waitForFinished(5000);
        return -1;
    }
    if (out)
        *out = proc.readAllStandardOutput().toStdString();
    return proc.exitStatus() == QProcess::NormalExit ? proc.exitCode() : -1;
}

LoopExt4::LoopExt4(std::string image, int sizeMiB)
    : m_image(std::move(image))
{
    const int fd = ::open(m_image.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0 || ::ftruncate(fd, static_cast<off_t>(sizeMiB) << 20) != 0) {
        m_error = "cannot create " + m_image + ": " + std::strerror(errno);
        if (fd >= 0)
            ::close(fd);
        return;
    }
    ::close(fd);
    if (runProgram({"mkfs.ext4", "-q", "-F", m_image}) != 0) {
        m_error = "mkfs.ext4 failed on " + m_image;
        return;
    }
    std::string dev;
    if (runProgram({"losetup", "--find", "--show", m_image}, &dev) != 0 || dev.empty()) {
        m_error = "losetup failed: no loop device for " + m_image;
        return;
    }
    while (!dev.empty() && dev.back() == '\n')
        dev.pop_back();
    m_device = dev;
}

LoopExt4::~LoopExt4()
{
    unmount();
    if (!m_device.empty())
        runProgram({"losetup", "-d", m_device});
}

bool LoopExt4::mountAt(const std::string &dir)
{
    ::mkdir(dir.c_str(), 0755);
    if (::mount(m_device.c_str(), dir.c_str(), "ext4", 0, nullptr) != 0) {
        m_error = "mount " + m_device + " on " + dir + ": " + std::strerror(errno);
        return false;
    }
    m_mountPoint = dir;
    return true;
}

bool LoopExt4::unmount()
{
    if (m_mountPoint.empty())
        return true;
    if (::umount2(m_mountPoint.c_str(), 0) != 0 && ::umount2(m_mountPoint.c_str(), MNT_DETACH) != 0) {
        m_error = "umount " + m_mountPoint + ": " + std::strerror(errno);
        return false;
    }
    m_mountPoint.clear();
    return true;
}

bool LoopExt4::setRandomUuid()
{
    // tune2fs asks for a fsck first on a filesystem that was mounted since its last
    // check; -f would skip that, e2fsck -f -p does it properly.
    runProgram({"e2fsck", "-f", "-p", m_device});
    if (runProgram({"tune2fs", "-U", "random", m_device}) != 0) {
        m_error = "tune2fs -U random " + m_device + " failed";
        return false;
    }
    return true;
}

std::string LoopExt4::uuid() const
{
    std::string out;
    if (runProgram({"blkid", "-p", "-s", "UUID", "-o", "value", m_device}, &out) != 0)
        return {};
    while (!out.empty() && out.back() == '\n')
        out.pop_back();
    return out;
}

} // namespace strata::test
