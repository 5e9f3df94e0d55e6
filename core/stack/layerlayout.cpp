// SPDX-License-Identifier: GPL-2.0-or-later
#include "layerlayout.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace strata::stack {

namespace {

bool isDir(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Result<std::string> readSmallFile(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(sysError(errno, path, "cannot read"));
    std::string text;
    char buf[4096];
    ssize_t n = 0;
    while ((n = ::read(fd, buf, sizeof buf)) > 0 && text.size() < (1 << 20))
        text.append(buf, static_cast<size_t>(n));
    const int err = errno;
    ::close(fd);
    if (n < 0)
        return fail(sysError(err, path, "cannot read"));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    return text;
}

std::string parentOf(const std::string &dir)
{
    const auto slash = dir.find_last_of('/');
    return slash == 0 ? "/" : slash == std::string::npos ? "." : dir.substr(0, slash);
}

// Layout 1. The `lower` file's entries are short links (l/ID -> ../ID/diff) the
// driver keeps so the mount options fit a page; resolved here to the real paths.
Result<StackSpec> fromContainersLayer(const std::string &dir)
{
    StackSpec spec;
    const bool writable = isDir(dir + "/work");
    if (writable) {
        spec.upper = dir + "/diff";
        spec.work = dir + "/work";
    } else {
        spec.lower.push_back(dir + "/diff");
    }
    struct stat st {};
    if (::stat((dir + "/lower").c_str(), &st) == 0) {
        auto text = readSmallFile(dir + "/lower");
        if (!text)
            return fail(text.error());
        const std::string root = parentOf(dir);
        size_t from = 0;
        while (from <= text->size() && !text->empty()) {
            const size_t colon = std::min(text->find(':', from), text->size());
            const std::string entry = text->substr(from, colon - from);
            from = colon + 1;
            if (entry.empty())
                continue;
            const std::string link = entry.front() == '/' ? entry : root + "/" + entry;
            std::unique_ptr<char, decltype(&std::free)> real(::realpath(link.c_str(), nullptr), &std::free);
            if (!real)
                return fail(sysError(errno, dir + "/lower",
                                     "lists layer '" + entry + "', which cannot be resolved from " + root));
            if (!isDir(real.get()))
                return fail(
                    makeError(dir + "/lower", "lists layer '" + entry + "', which is not a directory", ENOTDIR));
            spec.lower.emplace_back(real.get());
        }
    }
    if (spec.lower.empty())
        return fail(makeError(dir,
                              "holds only a writable layer (diff/ and work/) and no lower file: there is "
                              "nothing beneath it to merge with",
                              EINVAL));
    return spec;
}

// Layout 2: lower, lower1, lower2, ... with the highest number on top.
std::vector<std::pair<long, std::string>> numberedLowers(const std::string &dir)
{
    std::vector<std::pair<long, std::string>> out;
    struct CloseDir {
        void operator()(DIR *d) const { ::closedir(d); }
    };
    std::unique_ptr<DIR, CloseDir> d(::opendir(dir.c_str()));
    if (!d)
        return out;
    while (const dirent *e = ::readdir(d.get())) {
        const std::string name = e->d_name;
        if (name.rfind("lower", 0) != 0)
            continue;
        const std::string digits = name.substr(5);
        if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) || digits.size() > 9
            || !isDir(dir + "/" + name))
            continue;
        out.emplace_back(digits.empty() ? -1 : std::strtol(digits.c_str(), nullptr, 10), dir + "/" + name);
    }
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    return out;
}

} // namespace

Result<StackSpec> specFromLayerDirectory(const std::string &dirIn)
{
    std::string dir = dirIn;
    while (dir.size() > 1 && dir.back() == '/')
        dir.pop_back();
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0)
        return fail(sysError(errno, dir, "cannot open"));
    if (!S_ISDIR(st.st_mode))
        return fail(makeError(dir, "is not a directory", ENOTDIR));
    Result<StackSpec> spec = StackSpec {};
    if (isDir(dir + "/diff")) {
        spec = fromContainersLayer(dir);
    } else if (auto lowers = numberedLowers(dir); !lowers.empty()) {
        for (auto &l : lowers)
            spec->lower.push_back(std::move(l.second));
        if (isDir(dir + "/upper")) {
            spec->upper = dir + "/upper";
            if (isDir(dir + "/work"))
                spec->work = dir + "/work";
        }
    } else {
        spec->lower.push_back(dir);
    }
    if (!spec)
        return spec;
    spec->sourceKind = "directories";
    spec->name = dir.substr(dir.find_last_of('/') + 1);
    return spec;
}

} // namespace strata::stack
