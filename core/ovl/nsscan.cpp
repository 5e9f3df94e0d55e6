// SPDX-License-Identifier: GPL-2.0-or-later
#include "nsscan.h"

#include "util/xattrio.h"
#include "xattrnames.h"

#include <deque>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace strata::ovl {

namespace {

// Adds one object's names to `c`; true when it carries either prefix.
bool count(int rootfd, const std::string &rel, NamespaceCount &c)
{
    auto names = listXattrsAt(rootfd, rel.empty() ? "." : rel);
    if (!names)
        return false;
    bool u = false, t = false;
    for (const auto &n : *names) {
        u |= n.starts_with(prefix(Namespace::User));
        t |= n.starts_with(prefix(Namespace::Trusted));
    }
    c.user += u;
    c.trusted += t;
    return u || t;
}

} // namespace

NamespaceCount countNamespaces(int rootfd, size_t budget, bool stopAtFirst)
{
    NamespaceCount c;
    if (count(rootfd, "", c) && stopAtFirst)
        return c;
    std::deque<std::string> dirs {""};
    while (!dirs.empty() && budget > 0) {
        const std::string dir = std::move(dirs.front());
        dirs.pop_front();
        const int fd
            = ::openat(rootfd, dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        DIR *d = fd >= 0 ? ::fdopendir(fd) : nullptr;
        if (!d) {
            if (fd >= 0)
                ::close(fd);
            continue;
        }
        while (budget > 0) {
            const dirent *e = ::readdir(d);
            if (!e)
                break;
            const std::string name = e->d_name;
            if (name == "." || name == "..")
                continue;
            --budget;
            const std::string rel = dir.empty() ? name : dir + "/" + name;
            if (count(rootfd, rel, c) && stopAtFirst) {
                ::closedir(d);
                return c;
            }
            if (e->d_type == DT_DIR)
                dirs.push_back(rel);
        }
        ::closedir(d);
    }
    return c;
}

} // namespace strata::ovl
