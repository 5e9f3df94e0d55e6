// SPDX-License-Identifier: GPL-2.0-or-later
#include "workdir.h"

#include "util/uniquefd.h"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

namespace strata::ovl {

namespace {

// Names in a directory, without "." and "..". nullopt when it does not exist.
Result<std::optional<std::vector<std::string>>> listDir(int dirfd, const std::string &name, const std::string &shown)
{
    const int fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return std::optional<std::vector<std::string>> {};
        return fail(sysError(errno, shown, "cannot open"));
    }
    DIR *d = ::fdopendir(fd);
    if (!d) {
        const int err = errno;
        ::close(fd);
        return fail(sysError(err, shown, "cannot read"));
    }
    std::vector<std::string> names;
    errno = 0;
    while (const dirent *e = ::readdir(d)) {
        const std::string_view n = e->d_name;
        if (n != "." && n != "..")
            names.emplace_back(n);
    }
    const int err = errno;
    ::closedir(d);
    if (err != 0)
        return fail(sysError(err, shown, "cannot read"));
    std::sort(names.begin(), names.end());
    return std::optional<std::vector<std::string>>(std::move(names));
}

} // namespace

// super.c: ovl_workdir_create(OVL_WORKDIR_NAME "work") is emptied and recreated at
// every mount; OVL_INDEXDIR_NAME "index" persists; ovl_create_volatile_dirty leaves
// work/incompat/volatile/dirty, and readdir.c ovl_workdir_cleanup refuses any entry
// under work/incompat/ ("overlay with incompat feature '%s' cannot be mounted").
Result<WorkdirLayout> inspectWorkdir(const std::string &workdir)
{
    WorkdirLayout out;
    UniqueFd root(::open(workdir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root) {
        if (errno == ENOENT)
            return out;
        return fail(sysError(errno, workdir, "cannot open workdir"));
    }
    out.exists = true;

    auto work = listDir(root.get(), "work", workdir + "/work");
    if (!work)
        return fail(work.error());
    if (*work) {
        out.hasWork = true;
        for (const auto &n : **work)
            if (n != "incompat")
                ++out.workEntries;
        if (std::find((*work)->begin(), (*work)->end(), "incompat") != (*work)->end()) {
            auto incompat = listDir(root.get(), "work/incompat", workdir + "/work/incompat");
            if (!incompat)
                return fail(incompat.error());
            if (*incompat)
                out.incompat = std::move(**incompat);
            out.volatileDirty = std::find(out.incompat.begin(), out.incompat.end(), "volatile") != out.incompat.end();
        }
    }

    struct stat st {};
    out.hasIndex = ::fstatat(root.get(), "index", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    return out;
}

} // namespace strata::ovl
