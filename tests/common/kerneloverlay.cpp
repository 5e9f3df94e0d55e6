// SPDX-License-Identifier: GPL-2.0-or-later
#include "kerneloverlay.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

namespace strata::test {

namespace {

// The fs_context log of an fsopen fd: one message per read ("e overlay: ..."),
// until ENODATA.
std::string drainLog(int fsfd)
{
    std::string out;
    char buf[1024];
    for (;;) {
        const ssize_t n = ::read(fsfd, buf, sizeof(buf) - 1);
        if (n <= 0)
            break;
        if (!out.empty())
            out += "; ";
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

std::string escapeLegacy(const std::string &path)
{
    std::string out;
    for (const char c : path) {
        if (c == ':' || c == ',' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

} // namespace

KernelOverlay::KernelOverlay(std::string target, std::vector<std::string> lowers, std::string upper, std::string work,
                             std::vector<std::string> options)
    : m_target(std::move(target))
    , m_lowers(std::move(lowers))
    , m_upper(std::move(upper))
    , m_work(std::move(work))
    , m_options(std::move(options))
{
    bool unsupported = false;
    m_mounted = mountNewApi(unsupported);
    if (!m_mounted && unsupported)
        m_mounted = mountLegacy();
}

KernelOverlay::~KernelOverlay()
{
    unmount();
}

bool KernelOverlay::unmount()
{
    if (!m_mounted)
        return true;
    if (::umount2(m_target.c_str(), 0) != 0 && ::umount2(m_target.c_str(), MNT_DETACH) != 0) {
        m_error = "umount " + m_target + ": " + std::strerror(errno);
        return false;
    }
    m_mounted = false;
    return true;
}

bool KernelOverlay::mountNewApi(bool &unsupported)
{
    const int fsfd = ::fsopen("overlay", FSOPEN_CLOEXEC);
    if (fsfd < 0) {
        unsupported = errno == ENOSYS;
        m_error = std::string("fsopen(overlay): ") + std::strerror(errno);
        return false;
    }
    auto failWith = [&](const std::string &what, int err) {
        m_error = what + ": " + std::strerror(err);
        if (const std::string log = drainLog(fsfd); !log.empty())
            m_error += " [kernel: " + log + "]";
        ::close(fsfd);
        return false;
    };
    auto setString = [&](const char *key, const std::string &value) {
        return ::fsconfig(fsfd, FSCONFIG_SET_STRING, key, value.c_str(), 0) == 0;
    };
    for (const auto &l : m_lowers) {
        if (!setString("lowerdir+", l)) {
            const int err = errno;
            // Kernels before 6.8 do not know lowerdir+: use the legacy path.
            unsupported = err == EINVAL && drainLog(fsfd).find("lowerdir+") != std::string::npos;
            return failWith("lowerdir+=" + l, err);
        }
    }
    if (!m_upper.empty() && !setString("upperdir", m_upper))
        return failWith("upperdir=" + m_upper, errno);
    if (!m_work.empty() && !setString("workdir", m_work))
        return failWith("workdir=" + m_work, errno);
    for (const auto &o : m_options) {
        const size_t eq = o.find('=');
        const int rc = eq == std::string::npos
            ? ::fsconfig(fsfd, FSCONFIG_SET_FLAG, o.c_str(), nullptr, 0)
            : ::fsconfig(fsfd, FSCONFIG_SET_STRING, o.substr(0, eq).c_str(), o.c_str() + eq + 1, 0);
        if (rc != 0)
            return failWith("option " + o, errno);
    }
    if (::fsconfig(fsfd, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0)
        return failWith("mount overlay on " + m_target, errno);
    const int mfd = ::fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
    if (mfd < 0)
        return failWith("fsmount", errno);
    const int rc = ::move_mount(mfd, "", AT_FDCWD, m_target.c_str(), MOVE_MOUNT_F_EMPTY_PATH);
    const int err = errno;
    ::close(mfd);
    if (rc != 0)
        return failWith("move_mount to " + m_target, err);
    ::close(fsfd);
    return true;
}

bool KernelOverlay::mountLegacy()
{
    std::string data = "lowerdir=";
    for (size_t i = 0; i < m_lowers.size(); ++i)
        data += (i ? ":" : "") + escapeLegacy(m_lowers[i]);
    if (!m_upper.empty())
        data += ",upperdir=" + escapeLegacy(m_upper);
    if (!m_work.empty())
        data += ",workdir=" + escapeLegacy(m_work);
    for (const auto &o : m_options)
        data += "," + o;
    if (::mount("overlay", m_target.c_str(), "overlay", 0, data.c_str()) != 0) {
        m_error = "mount -t overlay -o " + data + " " + m_target + ": " + std::strerror(errno)
            + " (see dmesg for the kernel's reason)";
        return false;
    }
    m_error.clear();
    return true;
}

} // namespace strata::test
