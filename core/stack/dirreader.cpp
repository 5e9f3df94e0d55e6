// SPDX-License-Identifier: GPL-2.0-or-later
#include "dirreader.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace strata::stack {

namespace {

struct LinuxDirent64 {
    ino64_t d_ino;
    off64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

int openBeneath(int dirFd, const char *path, int flags)
{
    open_how how {};
    how.flags = static_cast<uint64_t>(flags);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    const long r = ::syscall(SYS_openat2, dirFd, path, &how, sizeof(how));
    if (r >= 0 || errno != ENOSYS)
        return static_cast<int>(r);
    // Pre-5.6 kernels: walk one component at a time with O_NOFOLLOW.
    int cur = ::dup(dirFd);
    std::string rest = path;
    while (cur >= 0 && !rest.empty() && rest != ".") {
        const size_t slash = rest.find('/');
        const std::string comp = rest.substr(0, slash);
        rest = slash == std::string::npos ? "" : rest.substr(slash + 1);
        if (comp == "..") {
            ::close(cur);
            errno = EXDEV;
            return -1;
        }
        const int next = ::openat(cur, comp.c_str(), (rest.empty() ? flags : O_PATH | O_DIRECTORY) | O_NOFOLLOW);
        ::close(cur);
        cur = next;
    }
    return cur;
}

} // namespace

Result<UniqueFd> openLayerDir(int layerFd, const std::string &path, bool forReading)
{
    const int flags = (forReading ? O_RDONLY : O_PATH) | O_DIRECTORY | O_CLOEXEC;
    const int fd = openBeneath(layerFd, path.empty() ? "." : path.c_str(), flags);
    if (fd < 0)
        return fail(sysError(errno, path.empty() ? "/" : path, "cannot open directory"));
    return UniqueFd(fd);
}

Result<DirNames> readLayerDirNames(int dirFd, const std::string &pathForErrors)
{
    DirNames out;
    alignas(LinuxDirent64) char buf[64 * 1024];
    for (;;) {
        const long n = ::syscall(SYS_getdents64, dirFd, buf, sizeof(buf));
        if (n < 0)
            return fail(sysError(errno, pathForErrors, "cannot read directory"));
        if (n == 0)
            break;
        for (long off = 0; off < n;) {
            const auto *d = reinterpret_cast<const LinuxDirent64 *>(buf + off);
            off += d->d_reclen;
            const char *name = d->d_name;
            if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
                continue;
            if (out.pool.size() > UINT32_MAX - 256)
                return fail(makeError(pathForErrors, "directory too large to list (names exceed 4 GiB)", EFBIG));
            out.pool.push_back(static_cast<char>(d->d_type));
            out.offsets.push_back(static_cast<uint32_t>(out.pool.size()));
            out.pool.append(name, std::strlen(name) + 1);
        }
    }
    return out;
}

Result<bool> statLayerEntry(int dirFd, RawEntry &e, const std::string &pathForErrors)
{
    if (::fstatat(dirFd, e.name.c_str(), &e.st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return false; // removed since the read: it is not there
        return fail(sysError(errno, pathForErrors + "/" + e.name, "cannot stat"));
    }
    return true;
}

Result<std::vector<RawEntry>> readLayerDir(int dirFd, const std::string &pathForErrors)
{
    // From the start: core/watch reads an fd that its poll source has already read
    // to the end (stackwatcher.cpp registerOpen, then this).
    if (::lseek(dirFd, 0, SEEK_SET) < 0)
        return fail(sysError(errno, pathForErrors, "cannot rewind directory"));
    auto names = readLayerDirNames(dirFd, pathForErrors);
    if (!names)
        return fail(names.error());
    std::vector<RawEntry> out;
    out.reserve(names->size());
    for (size_t i = 0; i < names->size(); ++i) {
        RawEntry e;
        e.name = names->name(i);
        auto there = statLayerEntry(dirFd, e, pathForErrors);
        if (!there)
            return fail(there.error());
        if (*there)
            out.push_back(std::move(e));
    }
    return out;
}

} // namespace strata::stack
