// SPDX-License-Identifier: GPL-2.0-or-later
#include "xattrio.h"

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace strata {

namespace {

// getxattrat(2)/listxattrat(2) and friends arrived in Linux 6.13; the distribution
// headers we build against may predate them. The numbers are shared by every
// architecture (new syscalls use the unified table since 5.1).
constexpr long kSysSetxattrat = 463;
constexpr long kSysGetxattrat = 464;
constexpr long kSysListxattrat = 465;
constexpr long kSysRemovexattrat = 466;
struct XattrArgs {
    uint64_t value;
    uint32_t size;
    uint32_t flags;
};

// Set once we learn the running kernel lacks the *at calls.
std::atomic<bool> g_noXattrAt {false};

std::string procPath(int dirfd, const std::string &name)
{
    std::string p = "/proc/self/fd/" + std::to_string(dirfd);
    if (!name.empty() && name != ".") {
        p += '/';
        p += name;
    }
    return p;
}

const char *atName(const std::string &name)
{
    return name.empty() ? "." : name.c_str();
}

// One *xattrat call. An empty name is the object `dirfd` itself: AT_EMPTY_PATH
// reaches any fd the kernel lets it (an open file, as a copy-up's unnamed staging
// file is), and an O_PATH fd, which it refuses (EBADF), as "." (a directory).
template<typename Call>
long atCall(const std::string &name, Call call)
{
    if (!name.empty())
        return call(name.c_str(), AT_SYMLINK_NOFOLLOW);
    const long r = call("", AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
    return r >= 0 || errno != EBADF ? r : call(atName(name), AT_SYMLINK_NOFOLLOW);
}

// Without the *at calls (before Linux 6.13): the l* calls on dirfd/name, and for
// the object itself (an empty name) the plain ones, which follow /proc/self/fd/N
// to it where the l* ones would stop at the magic link.
template<typename Follow, typename NoFollow>
long procCall(int dirfd, const std::string &name, Follow follow, NoFollow noFollow)
{
    const std::string p = procPath(dirfd, name);
    return name.empty() ? follow(p.c_str()) : noFollow(p.c_str());
}

ssize_t rawGet(int dirfd, const std::string &name, const std::string &xattr, void *buf, size_t size)
{
    if (!g_noXattrAt) {
        XattrArgs args {reinterpret_cast<uintptr_t>(buf), static_cast<uint32_t>(size), 0};
        const long r = atCall(name, [&](const char *path, int flags) {
            return ::syscall(kSysGetxattrat, dirfd, path, flags, xattr.c_str(), &args, sizeof(args));
        });
        if (r >= 0 || errno != ENOSYS)
            return r;
        g_noXattrAt = true;
    }
    return procCall(
        dirfd, name, [&](const char *p) { return ::getxattr(p, xattr.c_str(), buf, size); },
        [&](const char *p) { return ::lgetxattr(p, xattr.c_str(), buf, size); });
}

ssize_t rawList(int dirfd, const std::string &name, char *buf, size_t size)
{
    if (!g_noXattrAt) {
        const long r = atCall(name, [&](const char *path, int flags) {
            return ::syscall(kSysListxattrat, dirfd, path, flags, buf, size);
        });
        if (r >= 0 || errno != ENOSYS)
            return r;
        g_noXattrAt = true;
    }
    return procCall(
        dirfd, name, [&](const char *p) { return ::listxattr(p, buf, size); },
        [&](const char *p) { return ::llistxattr(p, buf, size); });
}

} // namespace

Result<std::optional<std::string>> getXattrAt(int dirfd, const std::string &name, const std::string &xattr)
{
    // Overlay values are short; one call with a stack buffer covers nearly all of
    // them, and the size probe handles the rest (values can grow in between: retry).
    char small[256];
    ssize_t n = rawGet(dirfd, name, xattr, small, sizeof(small));
    if (n >= 0)
        return std::string(small, static_cast<size_t>(n));
    for (int attempt = 0; attempt < 4 && errno == ERANGE; ++attempt) {
        const ssize_t need = rawGet(dirfd, name, xattr, nullptr, 0);
        if (need < 0)
            break;
        std::string value(static_cast<size_t>(need), '\0');
        n = rawGet(dirfd, name, xattr, value.data(), value.size());
        if (n >= 0) {
            value.resize(static_cast<size_t>(n));
            return value;
        }
    }
    if (errno == ENODATA)
        return std::optional<std::string> {};
    return fail(sysError(errno, name, "cannot read xattr " + xattr));
}

Result<std::vector<std::string>> listXattrsAt(int dirfd, const std::string &name)
{
    // Most objects have no xattrs or a few short ones: a stack buffer saves a heap
    // buffer per object in a scan; the size probe handles the rest.
    char small[1024];
    std::string big;
    char *buf = small;
    ssize_t n = rawList(dirfd, name, small, sizeof(small));
    while (n < 0) {
        if (errno != ERANGE)
            return fail(sysError(errno, name, "cannot list xattrs"));
        const ssize_t need = rawList(dirfd, name, nullptr, 0);
        if (need < 0)
            return fail(sysError(errno, name, "cannot list xattrs"));
        big.assign(static_cast<size_t>(need) + 64, '\0');
        buf = big.data();
        n = rawList(dirfd, name, buf, big.size());
    }
    std::vector<std::string> names;
    const std::string_view all(buf, static_cast<size_t>(n));
    for (size_t i = 0; i < all.size();) {
        const size_t end = all.find('\0', i);
        const size_t stop = end == std::string_view::npos ? all.size() : end;
        if (stop > i)
            names.emplace_back(all.substr(i, stop - i));
        i = stop + 1;
    }
    return names;
}

Result<void> setXattrAt(int dirfd, const std::string &name, const std::string &xattr, std::string_view value, int flags)
{
    if (!g_noXattrAt) {
        XattrArgs args {reinterpret_cast<uintptr_t>(value.data()), static_cast<uint32_t>(value.size()),
                        static_cast<uint32_t>(flags)};
        const long r = atCall(name, [&](const char *path, int at) {
            return ::syscall(kSysSetxattrat, dirfd, path, at, xattr.c_str(), &args, sizeof(args));
        });
        if (r == 0)
            return {};
        if (errno != ENOSYS)
            return fail(sysError(errno, name, "cannot set xattr " + xattr));
        g_noXattrAt = true;
    }
    if (procCall(
            dirfd, name, [&](const char *p) { return ::setxattr(p, xattr.c_str(), value.data(), value.size(), flags); },
            [&](const char *p) { return ::lsetxattr(p, xattr.c_str(), value.data(), value.size(), flags); })
        != 0)
        return fail(sysError(errno, name, "cannot set xattr " + xattr));
    return {};
}

Result<void> removeXattrAt(int dirfd, const std::string &name, const std::string &xattr)
{
    if (!g_noXattrAt) {
        const long r = atCall(name, [&](const char *path, int at) {
            return ::syscall(kSysRemovexattrat, dirfd, path, at, xattr.c_str());
        });
        if (r == 0)
            return {};
        if (errno != ENOSYS)
            return fail(sysError(errno, name, "cannot remove xattr " + xattr));
        g_noXattrAt = true;
    }
    if (procCall(
            dirfd, name, [&](const char *p) { return ::removexattr(p, xattr.c_str()); },
            [&](const char *p) { return ::lremovexattr(p, xattr.c_str()); })
        != 0)
        return fail(sysError(errno, name, "cannot remove xattr " + xattr));
    return {};
}

bool canReadTrustedXattrs()
{
    __user_cap_header_struct hdr {_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] {};
    if (::syscall(SYS_capget, &hdr, data) != 0)
        return false;
    if (!(data[0].effective & (1u << CAP_SYS_ADMIN)))
        return false;
    // Capabilities inside a user namespace do not count for trusted.*: the kernel
    // checks capable() against the initial namespace. An identity uid_map that
    // spans the full range means we are in the initial namespace.
    int fd = ::open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return true;
    char buf[128];
    const ssize_t n = ::read(fd, buf, sizeof(buf) - 1);
    ::close(fd);
    if (n <= 0)
        return true;
    buf[n] = '\0';
    unsigned long inside = 1, outside = 1, count = 0;
    if (std::sscanf(buf, "%lu %lu %lu", &inside, &outside, &count) != 3)
        return true;
    return inside == 0 && outside == 0 && count == 4294967295UL;
}

} // namespace strata
