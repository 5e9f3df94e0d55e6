// SPDX-License-Identifier: GPL-2.0-or-later
#include "transport.h"

#include <fstream>
#include <fuse_lowlevel.h>

namespace strata::engine {

namespace {

constexpr const char *kEnableUring = "/sys/module/fuse/parameters/enable_uring";

// The first word of a sysfs or procfs file, empty when it cannot be read.
std::string firstWord(const char *path)
{
    std::string w;
    std::ifstream(path) >> w;
    return w;
}

// Empty when the kernel takes FUSE over io_uring, else why not.
std::string kernelRefusal()
{
    const std::string on = firstWord(kEnableUring);
    if (on.empty())
        return std::string("this kernel's fuse module has no io_uring support (no ") + kEnableUring + ")";
    if (on != "Y" && on != "1")
        return std::string("the fuse module's io_uring is off (") + kEnableUring
            + " is N; root can set it to Y)";
    // 1: only CAP_SYS_ADMIN or the io_uring_group may create rings; 2: nobody.
    const std::string disabled = firstWord("/proc/sys/kernel/io_uring_disabled");
    if (disabled == "2")
        return "io_uring is disabled on this machine (kernel.io_uring_disabled=2)";
    return {};
}

} // namespace

bool libfuseHasUring()
{
#ifdef FUSE_CAP_OVER_IO_URING
    return true;
#else
    return false;
#endif
}

Result<TransportChoice> chooseTransport(TransportMode mode)
{
    if (mode == TransportMode::Dev)
        return TransportChoice {false, "/dev/fuse (transport=dev)"};
    std::string refusal;
    if (!libfuseHasUring())
        refusal = "built with libfuse " + std::to_string(FUSE_MAJOR_VERSION) + "." + std::to_string(FUSE_MINOR_VERSION)
            + ", which has no FUSE over io_uring (3.18 or later has)";
    else
        refusal = kernelRefusal();
    if (refusal.empty())
        return TransportChoice {true, std::string("io_uring (") + (mode == TransportMode::Uring ? "transport=uring" : "auto")
                                          + ": libfuse and the kernel offer it)"};
    if (mode == TransportMode::Uring)
        return fail(makeError("-o transport=uring", refusal, EOPNOTSUPP));
    return TransportChoice {false, "/dev/fuse (auto: " + refusal + ")"};
}

} // namespace strata::engine
