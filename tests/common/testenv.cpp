// SPDX-License-Identifier: GPL-2.0-or-later
#include "testenv.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <string>
#include <sys/mount.h>
#include <unistd.h>

namespace strata::test {

std::string requireNothing()
{
    return {};
}

std::string requireRoot()
{
    if (::geteuid() != 0)
        return "not root: this tier mounts filesystems and needs CAP_SYS_ADMIN (run ./dev test as root)";
    return {};
}

std::string requireKernelOverlay()
{
    if (auto why = requireRoot(); !why.empty())
        return why;
    std::ifstream fs("/proc/filesystems");
    std::string line;
    while (std::getline(fs, line))
        if (line.find("\toverlay") != std::string::npos)
            return {};
    return "the kernel has no overlay filesystem (no 'overlay' in /proc/filesystems; modprobe overlay)";
}

std::string requireFuse()
{
    if (auto why = requireRoot(); !why.empty())
        return why;
    const int fd = ::open("/dev/fuse", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return std::string("/dev/fuse unusable: ") + std::strerror(errno);
    ::close(fd);
    return {};
}

std::string readText(const std::string &path)
{
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string binaryDir()
{
    const char *d = std::getenv("STRATA_BINARY_DIR");
    return d ? d : ".";
}

std::string sourceDir()
{
    const char *d = std::getenv("STRATA_SOURCE_DIR");
    return d ? d : ".";
}

} // namespace strata::test
