// SPDX-License-Identifier: GPL-2.0-or-later
#include "nsdetect.h"

#include "util/xattrio.h"

#include <deque>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace strata::engine {

namespace {

struct Seen {
    int user = 0; // objects carrying user.overlay.* names
    int trusted = 0;
};

void look(int dirfd, const std::string &name, Seen &seen)
{
    auto names = listXattrsAt(dirfd, name);
    if (!names)
        return;
    const std::string trusted(ovl::prefix(ovl::Namespace::Trusted));
    const std::string user(ovl::prefix(ovl::Namespace::User));
    bool t = false, u = false;
    for (const auto &n : *names) {
        t |= n.starts_with(trusted);
        u |= n.starts_with(user);
    }
    seen.trusted += t;
    seen.user += u;
}

} // namespace

std::optional<ovl::Namespace> detectUpperNamespace(int upperfd, int budget)
{
    Seen seen;
    look(upperfd, ".", seen);
    std::deque<int> dirs;
    dirs.push_back(::openat(upperfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    while (!dirs.empty() && budget > 0) {
        const int fd = dirs.front();
        dirs.pop_front();
        DIR *d = fd >= 0 ? ::fdopendir(fd) : nullptr;
        if (!d) {
            if (fd >= 0)
                ::close(fd);
            continue;
        }
        while (dirent *e = ::readdir(d)) {
            const std::string n = e->d_name;
            if (n == "." || n == "..")
                continue;
            look(fd, n, seen);
            if (--budget <= 0)
                break;
            if (e->d_type == DT_DIR && dirs.size() < 256) {
                const int sub = ::openat(fd, n.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub >= 0)
                    dirs.push_back(sub);
            }
        }
        ::closedir(d);
    }
    for (const int fd : dirs)
        ::close(fd);
    if (seen.user > seen.trusted)
        return ovl::Namespace::User;
    if (seen.trusted > 0)
        return ovl::Namespace::Trusted;
    return std::nullopt;
}

} // namespace strata::engine
