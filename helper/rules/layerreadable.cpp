// SPDX-License-Identifier: GPL-2.0-or-later
#include "layerreadable.h"

#include "helperprotocol.h"
#include "pathrules.h"

#include "mounts/fsfacts.h"
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace strata::helper {

namespace {

struct Level {
    DIR *dir = nullptr;
    std::string path; // relative to the layer root, "" for the root
};

} // namespace

std::optional<Refusal> checkLayerReadable(const ResolvedDir &layer)
{
    // mounts::mountIdOf() is what resolved the layer (layer.mountId): the same kind of id.
    const uint64_t layerMount = layer.mountId;
    auto inside = [&](const std::string &rel) { return rel.empty() ? std::string(".") : shownPath(rel); };
    auto refusal = [&](const std::string &rel, const std::string &why) {
        return Refusal {LowerNotReadableInside, layer.subject(), "holds " + inside(rel) + ", which " + why};
    };
    // Depth first with one open DIR per level: fds grow with depth, not size.
    std::vector<Level> stack;
    auto enter = [&](int at, const char *name, const std::string &rel) -> std::optional<Refusal> {
        const int fd = ::openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return refusal(rel,
                           errno == EACCES ? "you may not read; mounting would show its names to you"
                                           : std::string("cannot be opened: ") + std::strerror(errno));
        if (::faccessat(fd, "", X_OK, AT_EMPTY_PATH) != 0) {
            ::close(fd);
            return refusal(rel, "you may not search; mounting would show its contents to you");
        }
        if (layerMount != 0 && mounts::mountIdOf(fd) != layerMount) {
            ::close(fd);
            return refusal(rel,
                           "is a mount point: the overlay would show the directory underneath it, which "
                           "cannot be checked");
        }
        DIR *d = ::fdopendir(fd);
        if (!d) {
            ::close(fd);
            return refusal(rel, std::string("cannot be listed: ") + std::strerror(errno));
        }
        stack.push_back({d, rel});
        return std::nullopt;
    };
    std::optional<Refusal> bad = enter(layer.fd.get(), ".", "");
    while (!bad && !stack.empty()) {
        Level &top = stack.back();
        errno = 0;
        const dirent *e = ::readdir(top.dir);
        if (!e) {
            if (errno != 0)
                bad = refusal(top.path, std::string("cannot be listed: ") + std::strerror(errno));
            ::closedir(top.dir);
            stack.pop_back();
            continue;
        }
        const std::string_view name = e->d_name;
        if (name == "." || name == "..")
            continue;
        bool isDir = e->d_type == DT_DIR;
        if (e->d_type == DT_UNKNOWN) {
            struct stat st {};
            isDir = ::fstatat(::dirfd(top.dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
        }
        if (isDir) {
            const std::string rel = top.path.empty() ? std::string(name) : top.path + "/" + std::string(name);
            bad = enter(::dirfd(top.dir), e->d_name, rel);
        }
    }
    for (auto &l : stack)
        ::closedir(l.dir);
    return bad;
}

} // namespace strata::helper
