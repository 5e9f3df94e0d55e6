// SPDX-License-Identifier: GPL-2.0-or-later
#include "stackfs.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

namespace strata::test {

std::string join(const std::string &root, const std::string &rel)
{
    return rel.empty() ? root : root + "/" + rel;
}

std::string octal(uint32_t v)
{
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%o", v);
    return buf;
}

std::vector<std::string> sortedNames(int dirfd)
{
    std::vector<std::string> out;
    const int dup = ::dup(dirfd);
    DIR *d = dup >= 0 ? ::fdopendir(dup) : nullptr;
    if (!d) {
        if (dup >= 0)
            ::close(dup);
        return out;
    }
    ::rewinddir(d);
    while (const dirent *e = ::readdir(d)) {
        const std::string_view n(e->d_name);
        if (n != "." && n != "..")
            out.emplace_back(n);
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

char typeChar(mode_t m)
{
    switch (m & S_IFMT) {
    case S_IFDIR:
        return 'd';
    case S_IFREG:
        return 'f';
    case S_IFLNK:
        return 'l';
    case S_IFCHR:
        return 'c';
    case S_IFBLK:
        return 'b';
    case S_IFIFO:
        return 'p';
    case S_IFSOCK:
        return 's';
    default:
        return '?';
    }
}

// FNV-1a 64 of the whole content; "ERR ..." when it cannot be read.
std::string digestAt(int dirfd, const std::string &name)
{
    const int fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return std::string("ERR-open:") + std::strerror(errno);
    uint64_t h = 1469598103934665603ull;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof(buf));
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            return std::string("ERR-read:") + std::strerror(err);
        }
        if (n == 0)
            break;
        for (ssize_t i = 0; i < n; ++i) {
            h ^= static_cast<unsigned char>(buf[i]);
            h *= 1099511628211ull;
        }
    }
    ::close(fd);
    char out[20];
    std::snprintf(out, sizeof(out), "%016llx", static_cast<unsigned long long>(h));
    return out;
}

std::string linkAt(int dirfd, const std::string &name)
{
    char buf[4096];
    const ssize_t n = ::readlinkat(dirfd, name.c_str(), buf, sizeof(buf));
    if (n < 0)
        return std::string("ERR-readlink:") + std::strerror(errno);
    return std::string(buf, static_cast<size_t>(n));
}

std::string facts(const struct stat &st, const std::string &target, const std::string &digest)
{
    std::string s;
    s += typeChar(st.st_mode);
    s += " mode=" + octal(st.st_mode & 07777);
    s += " uid=" + std::to_string(st.st_uid) + " gid=" + std::to_string(st.st_gid);
    s += " size=" + std::to_string(st.st_size);
    if (S_ISLNK(st.st_mode))
        s += " -> " + target;
    if (S_ISREG(st.st_mode))
        s += " #" + digest;
    return s;
}

} // namespace strata::test
