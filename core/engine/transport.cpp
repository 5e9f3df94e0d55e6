// SPDX-License-Identifier: GPL-2.0-or-later
#include "transport.h"

#include "mounts/fsfacts.h"

#include <cstring>
#include <fstream>
#include <fuse_lowlevel.h>
#include <link.h>

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
        return std::string("the fuse module's io_uring is off (") + kEnableUring + " is N; root can set it to Y)";
    // 1: only CAP_SYS_ADMIN or the io_uring_group may create rings; 2: nobody.
    const std::string disabled = firstWord("/proc/sys/kernel/io_uring_disabled");
    if (disabled == "2")
        return "io_uring is disabled on this machine (kernel.io_uring_disabled=2)";
    return {};
}

#ifdef FUSE_CAP_OVER_IO_URING
// libfuse 3.18 has FUSE_CAP_OVER_IO_URING in its headers whether or not the
// library was built with io_uring: without liburing (Debian's 3.18.3 is built
// so) fuse_uring_start() is a stub that fails with ENOTSUP at INIT, and libfuse
// quietly stays on /dev/fuse. A libfuse built with it needs liburing, so
// liburing is then loaded in this process.
bool liburingLoaded()
{
    bool found = false;
    ::dl_iterate_phdr(
        [](dl_phdr_info *info, size_t, void *data) {
            if (info->dlpi_name && std::strstr(info->dlpi_name, "/liburing.so"))
                *static_cast<bool *>(data) = true;
            return 0;
        },
        &found);
    return found;
}
#endif

} // namespace

bool libfuseHasUring()
{
#ifdef FUSE_CAP_OVER_IO_URING
    return liburingLoaded();
#else
    return false;
#endif
}

Result<TransportChoice> chooseTransport(TransportMode mode)
{
    if (mode == TransportMode::Dev)
        return TransportChoice {false, "/dev/fuse (transport=dev)"};
    std::string refusal;
#ifdef FUSE_CAP_OVER_IO_URING
    if (!libfuseHasUring())
        refusal = std::string("libfuse ") + fuse_pkgversion()
            + " was built without io_uring support (it does not use liburing)";
#else
    refusal = "built with libfuse " + std::to_string(FUSE_MAJOR_VERSION) + "." + std::to_string(FUSE_MINOR_VERSION)
        + ", which has no FUSE over io_uring (3.18 or later has)";
#endif
    if (refusal.empty())
        refusal = kernelRefusal();
    if (refusal.empty())
        return TransportChoice {true,
                                std::string("io_uring (") + (mode == TransportMode::Uring ? "transport=uring" : "auto")
                                    + ": libfuse and the kernel offer it)"};
    if (mode == TransportMode::Uring)
        return fail(makeError("-o transport=uring", refusal, EOPNOTSUPP));
    return TransportChoice {false, "/dev/fuse (auto: " + refusal + ")"};
}

std::string uringStallRisk(const Config &config, const Layers &layers)
{
    // A layer whose calls can wait on another party: a FUSE daemon or a server.
    auto risk = [](int fd, const std::string &what) -> std::string {
        mounts::FsFacts facts;
        if (fd < 0 || !mounts::fsFactsOf(fd, facts) || !(facts.kind.fuse || facts.kind.remote))
            return {};
        return what + " is on " + (facts.kind.label.empty() ? facts.typeName() : std::string(facts.kind.label))
            + ", whose requests can stall; over io_uring one stalled request holds up the others from its CPU";
    };
    for (size_t k = 0; k < layers.lowers.size(); ++k)
        if (auto r = risk(layers.lowers[k].get(),
                          "lower layer " + (k < config.lowerdirs.size() ? config.lowerdirs[k] : std::to_string(k)));
            !r.empty())
            return r;
    for (size_t k = 0; k < layers.data.size(); ++k)
        if (auto r = risk(layers.data[k].get(),
                          "data-only layer " + (k < config.datadirs.size() ? config.datadirs[k] : std::to_string(k)));
            !r.empty())
            return r;
    return layers.upper.valid() ? risk(layers.upper.get(), "the upper " + config.upperdir) : std::string();
}

} // namespace strata::engine
