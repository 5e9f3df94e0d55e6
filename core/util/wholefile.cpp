// SPDX-License-Identifier: GPL-2.0-or-later
#include "wholefile.h"

#include <string>

#include <cerrno>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace strata {

Result<std::optional<std::string>> readWholeFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::optional<std::string>();
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad())
        return fail(sysError(errno, path, "cannot read the file"));
    return std::optional<std::string>(ss.str());
}

Result<void> writeFileAtomic(const std::string &path, std::string_view text, mode_t mode)
{
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        return fail(sysError(errno, path, "cannot create the file"));
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            return fail(sysError(err, path, "cannot write the file"));
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return fail(sysError(err, path, "cannot write the file"));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return fail(sysError(err, path, "cannot replace the file"));
    }
    // The rename itself is durable only once the directory is synced.
    const size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

} // namespace strata
