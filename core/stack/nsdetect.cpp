// SPDX-License-Identifier: GPL-2.0-or-later
#include "nsdetect.h"

#include "util/xattrio.h"

#include <deque>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

namespace strata::stack {

namespace {

enum class Seen { None, User, Trusted };

Seen classify(const std::vector<std::string> &names)
{
    Seen seen = Seen::None;
    for (const auto &n : names) {
        if (n.starts_with(ovl::prefix(ovl::Namespace::User)))
            return Seen::User;
        if (n.starts_with(ovl::prefix(ovl::Namespace::Trusted)))
            seen = Seen::Trusted;
    }
    return seen;
}

// Breadth-first over at most `budget` entries of one layer.
Seen scanLayer(const Layer &layer, size_t budget)
{
    std::deque<std::string> dirs {""};
    while (!dirs.empty() && budget > 0) {
        const std::string dir = std::move(dirs.front());
        dirs.pop_front();
        if (auto names = listXattrsAt(layer.fd.get(), dir.empty() ? "." : dir); names) {
            if (const Seen s = classify(*names); s != Seen::None)
                return s;
        }
        const int fd = ::openat(layer.fd.get(), dir.empty() ? "." : dir.c_str(),
                                O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            continue;
        DIR *d = ::fdopendir(fd);
        if (!d) {
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
            if (e->d_type == DT_DIR) {
                dirs.push_back(rel);
            } else if (auto names = listXattrsAt(layer.fd.get(), rel); names) {
                if (const Seen s = classify(*names); s != Seen::None) {
                    ::closedir(d);
                    return s;
                }
            }
        }
        ::closedir(d);
    }
    return Seen::None;
}

} // namespace

ovl::Namespace detectNamespace(const std::vector<Layer> &layers)
{
    for (const auto &layer : layers) {
        switch (scanLayer(layer, 4096)) {
        case Seen::User:
            return ovl::Namespace::User;
        case Seen::Trusted:
            return ovl::Namespace::Trusted;
        case Seen::None:
            break;
        }
    }
    return ovl::Namespace::Trusted;
}

std::optional<bool> readModuleBool(const std::string &name)
{
    std::ifstream in("/sys/module/overlay/parameters/" + name);
    std::string v;
    if (!(in >> v) || v.empty())
        return std::nullopt;
    return v[0] == 'Y' || v[0] == 'y' || v[0] == '1';
}

} // namespace strata::stack
