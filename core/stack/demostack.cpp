// SPDX-License-Identifier: GPL-2.0-or-later
#include "demostack.h"

#include "ovl/filehandle.h"
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"
#include "util/uniquefd.h"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::stack {

namespace {

constexpr auto kNs = ovl::Namespace::User; // no privileges needed

// Writes below one layer root, failing with the path that went wrong.
class LayerWriter {
public:
    explicit LayerWriter(std::string root)
        : m_root(std::move(root))
    { }

    std::string path(const std::string &rel) const { return m_root + "/" + rel; }

    Result<void> dir(const std::string &rel, mode_t mode = 0755) const
    {
        std::string sofar;
        size_t i = 0;
        while (i <= rel.size()) {
            size_t j = rel.find('/', i);
            if (j == std::string::npos)
                j = rel.size();
            sofar = rel.substr(0, j);
            if (::mkdir(path(sofar).c_str(), mode) != 0 && errno != EEXIST)
                return fail(sysError(errno, path(sofar), "cannot create directory"));
            i = j + 1;
        }
        return {};
    }

    Result<void> file(const std::string &rel, std::string_view content, mode_t mode = 0644) const
    {
        if (const size_t slash = rel.rfind('/'); slash != std::string::npos)
            if (auto r = dir(rel.substr(0, slash)); !r)
                return r;
        const int fd = ::open(path(rel).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        if (fd < 0)
            return fail(sysError(errno, path(rel), "cannot create file"));
        const UniqueFd guard(fd);
        size_t done = 0;
        while (done < content.size()) {
            const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
            if (n < 0)
                return fail(sysError(errno, path(rel), "cannot write"));
            done += static_cast<size_t>(n);
        }
        if (::fchmod(fd, mode) != 0)
            return fail(sysError(errno, path(rel), "cannot chmod"));
        return {};
    }

    // A sparse file of `size` bytes with no data: what a metacopy copy-up leaves.
    Result<void> sparse(const std::string &rel, off_t size, mode_t mode) const
    {
        const int fd = ::open(path(rel).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        if (fd < 0)
            return fail(sysError(errno, path(rel), "cannot create file"));
        const UniqueFd guard(fd);
        if (::ftruncate(fd, size) != 0 || ::fchmod(fd, mode) != 0)
            return fail(sysError(errno, path(rel), "cannot size file"));
        return {};
    }

    // Runs `fn(parentFd, name)` on the parent directory of rel.
    template<class Fn>
    Result<void> at(const std::string &rel, Fn fn) const
    {
        const size_t slash = rel.rfind('/');
        const std::string parent = slash == std::string::npos ? "" : rel.substr(0, slash);
        const std::string name = slash == std::string::npos ? rel : rel.substr(slash + 1);
        const int fd = ::open(path(parent).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return fail(sysError(errno, path(parent), "cannot open directory"));
        const UniqueFd guard(fd);
        return fn(fd, name);
    }

private:
    std::string m_root;
};

std::string filler(size_t n, char seed)
{
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>('a' + (seed + i * 7) % 26);
    return s;
}

Result<ovl::FileHandle> handleOf(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return fail(sysError(errno, path, "cannot open"));
    const UniqueFd guard(fd);
    return ovl::handleOfFd(fd);
}

// Marks upper/rel as copied up from `lowerPath`, as the kernel's ovl_set_origin does.
// Filesystems that cannot encode handles get the kernel's "origin unknown" (empty).
Result<void> setOriginFrom(const LayerWriter &upper, const std::string &rel, const std::string &lowerPath)
{
    auto fh = handleOf(lowerPath);
    return upper.at(
        rel, [&](int fd, const std::string &name) { return ovl::setOrigin(fd, name, kNs, fh ? &*fh : nullptr); });
}

#define STRATA_TRY(expr)                                                                                               \
    do {                                                                                                               \
        if (auto r_ = (expr); !r_)                                                                                     \
            return fail(r_.error());                                                                                   \
    } while (0)

} // namespace

Result<StackSpec> createDemoStack(const std::string &dir)
{
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0)
        return fail(sysError(errno, dir, "cannot use demo directory"));
    if (!S_ISDIR(st.st_mode))
        return fail(makeError(dir, "not a directory", ENOTDIR));
    for (const char *sub : {"lower1", "lower2", "upper", "work"})
        if (::mkdir((dir + "/" + sub).c_str(), 0755) != 0)
            return fail(sysError(errno, dir + "/" + sub, "cannot create (the demo directory must be empty)"));

    const LayerWriter l1(dir + "/lower1"), l2(dir + "/lower2"), up(dir + "/upper");

    // lower1: the base image.
    STRATA_TRY(l1.file("etc/hostname", "base\n"));
    STRATA_TRY(l1.file("etc/os-release", "NAME=\"Strata demo\"\nVERSION_ID=1\n"));
    STRATA_TRY(l1.file("etc/motd", "Welcome to the base layer.\n"));
    STRATA_TRY(l1.file("usr/bin/tool", "#!/bin/sh\necho tool v1\n" + filler(4000, 1), 0755));
    STRATA_TRY(l1.file("usr/share/doc/README", "Documentation removed by layer lower2.\n"));
    STRATA_TRY(l1.file("opt/app/v1/readme", "version 1, hidden by an opaque dir above\n"));
    STRATA_TRY(l1.file("opt/app/v1/lib.so", filler(64 * 1024, 2)));
    STRATA_TRY(l1.file("var/log/boot.log", filler(8 * 1024, 3)));
    STRATA_TRY(l1.file("srv/www/index.html", "<h1>served from /srv/www, renamed to /web</h1>\n"));
    STRATA_TRY(l1.file("data/blob.bin", filler(256 * 1024, 4)));
    STRATA_TRY(l1.file("data/meta.bin", filler(128 * 1024, 5)));
    STRATA_TRY(l1.file("cache/tmp1", filler(16 * 1024, 6)));
    STRATA_TRY(l1.file("cache/tmp2", filler(16 * 1024, 7)));

    // lower2: a middle layer that modifies, deletes and replaces.
    STRATA_TRY(l2.file("etc/hostname", "middle\n"));
    STRATA_TRY(l2.dir("usr/share/doc"));
    STRATA_TRY(l2.at("usr/share/doc/README", [](int fd, const std::string &n) { return ovl::makeWhiteout(fd, n); }));
    STRATA_TRY(l2.file("opt/app/v2/readme", "version 2 replaces version 1 entirely\n"));
    STRATA_TRY(
        l2.at("opt/app", [](int fd, const std::string &n) { return ovl::setOpaque(fd, n, kNs, ovl::Opaque::Yes); }));
    STRATA_TRY(l2.dir("cache"));
    STRATA_TRY(l2.at("cache/tmp1", [](int fd, const std::string &n) { return ovl::makeXattrWhiteout(fd, n, kNs); }));
    STRATA_TRY(l2.at("cache",
                     [](int fd, const std::string &n) { return ovl::setOpaque(fd, n, kNs, ovl::Opaque::XWhiteouts); }));
    STRATA_TRY(l2.file("bin/new-tool", "#!/bin/sh\necho new\n", 0755));

    // upper: copy-ups with origins, a metacopy file, a renamed (redirected) dir,
    // a deletion and a file created here.
    STRATA_TRY(up.file("etc/hostname", "top\n"));
    STRATA_TRY(setOriginFrom(up, "etc/hostname", l2.path("etc/hostname")));
    STRATA_TRY(up.file("etc/motd", "Welcome to the writable layer.\n"));
    STRATA_TRY(setOriginFrom(up, "etc/motd", l1.path("etc/motd")));
    STRATA_TRY(up.dir("data"));
    STRATA_TRY(up.sparse("data/meta.bin", 128 * 1024, 0600));
    STRATA_TRY(
        up.at("data/meta.bin", [](int fd, const std::string &n) { return ovl::setMetacopy(fd, n, kNs, nullptr); }));
    STRATA_TRY(setOriginFrom(up, "data/meta.bin", l1.path("data/meta.bin")));
    STRATA_TRY(up.dir("web"));
    STRATA_TRY(up.at("web", [](int fd, const std::string &n) { return ovl::setRedirect(fd, n, kNs, "/srv/www"); }));
    STRATA_TRY(setOriginFrom(up, "web", l1.path("srv/www")));
    STRATA_TRY(up.dir("srv"));
    STRATA_TRY(up.at("srv/www", [](int fd, const std::string &n) { return ovl::makeWhiteout(fd, n); }));
    STRATA_TRY(up.dir("var/log"));
    STRATA_TRY(up.at("var/log/boot.log", [](int fd, const std::string &n) { return ovl::makeWhiteout(fd, n); }));
    STRATA_TRY(up.file("home/user/notes.txt", "created in the upper layer\n"));
    for (const char *impure : {"etc", "data"})
        STRATA_TRY(up.at(impure, [](int fd, const std::string &n) { return ovl::setImpure(fd, n, kNs); }));
    STRATA_TRY(up.at(".", [](int fd, const std::string &) { return ovl::setImpure(fd, ".", kNs); }));
    STRATA_TRY(LayerWriter(dir + "/work").dir("work", 0));

    StackSpec spec;
    spec.name = "Strata demo stack";
    spec.lower = {dir + "/lower2", dir + "/lower1"};
    spec.upper = dir + "/upper";
    spec.work = dir + "/work";
    spec.xattrNamespace = kNs;
    spec.options = {{"redirect_dir", "on"}, {"metacopy", "on"}};
    spec.sourceKind = "directories";
    STRATA_TRY(writeStackFile(dir + "/stack.json", spec));
    return spec;
}

} // namespace strata::stack
