// SPDX-License-Identifier: GPL-2.0-or-later
#include "viewcheck.h"

#include "mergedtree.h"
#include "util/uniquefd.h"

#include <cerrno>
#include <climits>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::stack {

namespace {

// The mount's own listing of one directory: name -> lstat, and link targets.
struct MountDir {
    std::map<std::string, struct stat> entries;
};

Result<MountDir> readMountDir(const std::string &dir)
{
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd)
        return fail(sysError(errno, dir, "cannot open through the mount"));
    DIR *d = ::fdopendir(::dup(fd.get()));
    if (!d)
        return fail(sysError(errno, dir, "cannot list through the mount"));
    MountDir out;
    while (dirent *e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name == "." || name == "..")
            continue;
        struct stat st {};
        if (::fstatat(fd.get(), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            out.entries.emplace(name, st);
    }
    ::closedir(d);
    return out;
}

std::string linkTarget(const std::string &path)
{
    char buf[PATH_MAX];
    const ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

} // namespace

Result<ViewComparison> compareMountView(const std::string &mountpoint, size_t maxDifferences)
{
    auto stack = LayerStack::fromMount(mountpoint);
    if (!stack)
        return fail(stack.error());
    MergedTree tree(*stack);
    ViewComparison out;
    auto differ = [&](const std::string &path, std::string what) {
        if (out.differences.size() < maxDifferences)
            out.differences.push_back({path, std::move(what)});
    };
    std::vector<std::string> todo {""};
    ListOptions opts;
    opts.readOrigins = false;
    while (!todo.empty() && out.differences.size() < maxDifferences) {
        const std::string dir = todo.back();
        todo.pop_back();
        auto listing = tree.list(dir, opts);
        if (!listing)
            return fail(listing.error());
        auto seen = readMountDir(dir.empty() ? mountpoint : mountpoint + "/" + dir);
        if (!seen)
            return fail(seen.error());
        for (const auto &e : listing->entries) {
            const std::string path = dir.empty() ? e.name : dir + "/" + e.name;
            ++out.entries;
            const auto it = seen->entries.find(e.name);
            if (it == seen->entries.end()) {
                differ(path, "in the layers' merged view but not in the mount");
                continue;
            }
            const struct stat &st = it->second;
            seen->entries.erase(it);
            const FileType t = fileTypeOf(st.st_mode);
            if (t != e.attrs.type) {
                differ(path,
                       std::string(fileTypeName(e.attrs.type)) + " in the layers, " + std::string(fileTypeName(t))
                           + " in the mount");
                continue;
            }
            if ((st.st_mode & 07777) != (e.attrs.mode & 07777) || st.st_uid != e.attrs.uid || st.st_gid != e.attrs.gid)
                differ(path, "mode or owner differ");
            else if (t == FileType::Regular && st.st_size != e.attrs.size)
                differ(path,
                       "size " + std::to_string(e.attrs.size) + " in the layers, " + std::to_string(st.st_size)
                           + " in the mount");
            else if (t == FileType::Symlink
                     && linkTarget(mountpoint + "/" + path)
                         != linkTarget(std::string("/proc/self/fd/")
                                       + std::to_string(tree.stack().layers()[size_t(e.layer)].fd.get()) + "/"
                                       + e.layerPath))
                differ(path, "symlink target differs");
            if (t == FileType::Directory)
                todo.push_back(path);
        }
        for (const auto &[name, st] : seen->entries) {
            ++out.entries;
            differ(dir.empty() ? name : dir + "/" + name, "in the mount but not in the layers' merged view");
        }
    }
    return out;
}

} // namespace strata::stack
