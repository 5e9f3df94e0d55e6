// SPDX-License-Identifier: GPL-2.0-or-later
#include "layers.h"

#include "indexcheck.h"
#include "upperformat.h"

#include "ovl/filehandle.h"
#include "ovl/nsscan.h"
#include "ovl/workdir.h"
#include "util/xattrio.h"
#include "validate.h"

#include <cstdio>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::engine {

namespace {

Result<UniqueFd> openDir(const std::string &path, int flags = O_PATH)
{
    UniqueFd fd(::open(path.c_str(), flags | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return fail(sysError(errno, path, "cannot open"));
    return fd;
}

// ovl_same_dev(): every layer on the upper's filesystem (false when read-only: no
// upper entry is ever looked up for its d_ino).
bool layersShareDev(const Layers &l)
{
    struct stat up {};
    if (!l.upper.valid() || ::fstat(l.upper.get(), &up) != 0)
        return false;
    for (dev_t d : l.lowerDev)
        if (d != up.st_dev)
            return false;
    for (const auto &d : l.data) {
        struct stat ds {};
        if (::fstat(d.get(), &ds) != 0 || ds.st_dev != up.st_dev)
            return false;
    }
    return true;
}

} // namespace

void removeBelow(int dirfd)
{
    const int rfd = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rfd < 0)
        return;
    DIR *d = ::fdopendir(rfd);
    if (!d) {
        ::close(rfd);
        return;
    }
    std::vector<std::pair<std::string, bool>> names;
    while (dirent *e = ::readdir(d)) {
        const std::string n = e->d_name;
        if (n == "." || n == "..")
            continue;
        names.emplace_back(n, e->d_type == DT_DIR);
    }
    for (const auto &[n, isDir] : names)
        removeEntry(dirfd, n, isDir);
    ::closedir(d);
}

void removeEntry(int dirfd, const std::string &name, bool isDir)
{
    if (!isDir) {
        ::unlinkat(dirfd, name.c_str(), 0);
        return;
    }
    const int sub = ::openat(dirfd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub >= 0) {
        removeBelow(sub);
        ::close(sub);
    }
    ::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR);
}

Result<Layers> openLayers(const Config &c)
{
    Layers l;
    for (const auto &p : c.lowerdirs) {
        auto fd = openDir(p);
        if (!fd)
            return fail(fd.error());
        // Which lower an origin handle names, by its fs uuid, and that layer's
        // device: the inode key of copied-up objects (resolve.cpp originDev).
        struct stat st {};
        ::fstat(fd->get(), &st);
        l.lowerDev.push_back(st.st_dev);
        auto fh = ovl::handleOfFd(fd->get());
        l.lowerUuid.push_back(fh ? fh->uuid : std::array<uint8_t, 16> {});
        l.lowers.push_back(std::move(*fd));
        l.lowerXWhiteouts.emplace_back(false);
    }
    for (const auto &p : c.datadirs) {
        auto fd = openDir(p);
        if (!fd)
            return fail(fd.error());
        l.data.push_back(std::move(*fd));
    }
    l.ns = c.userxattr || !hasSysAdmin() ? ovl::Namespace::User : ovl::Namespace::Trusted;
    if (c.readOnly())
        return l;

    auto upper = openDir(c.upperdir);
    if (!upper)
        return fail(upper.error());
    l.upper = std::move(*upper);
    // An upper written with userxattr (user.overlay.* and no trusted.overlay.*)
    // stays in that namespace, or its whiteouts and redirects would be ignored.
    // The namespace whose names are on more objects wins, not "any trusted.overlay.*":
    // a mount in one namespace copies the other's names up from a lower as plain
    // xattrs (the kernel with userxattr copies a lower's trusted.overlay.opaque).
    const ovl::NamespaceCount seen = ovl::countNamespaces(l.upper.get(), 4096, false);
    if (l.ns == ovl::Namespace::Trusted && seen.user > seen.trusted) {
        l.ns = ovl::Namespace::User;
        if (c.debug)
            std::fprintf(stderr, "strata-fuse: %s uses user.overlay.* xattrs: keeping to them\n", c.upperdir.c_str());
    }

    auto layout = ovl::inspectWorkdir(c.workdir);
    if (layout && layout->volatileDirty)
        return fail(makeError(c.workdir + "/work/incompat/volatile",
                              "left by a volatile mount: the upper may be inconsistent after a crash; remove this "
                              "directory if you know the upper is intact",
                              EINVAL));
    if (layout && !layout->incompat.empty())
        return fail(makeError(c.workdir + "/work/incompat/" + layout->incompat.front(),
                              "overlay with an incompatible feature cannot be mounted", EINVAL));

    auto wroot = openDir(c.workdir);
    if (!wroot)
        return fail(wroot.error());
    // The kernel makes work/ mode 0, which only a daemon with CAP_DAC_OVERRIDE can
    // use; an unprivileged daemon keeps it to itself with 0700 instead.
    const mode_t workMode = ::geteuid() == 0 ? 0 : 0700;
    if (::mkdirat(wroot->get(), "work", workMode) != 0 && errno != EEXIST)
        return fail(sysError(errno, c.workdir + "/work", "cannot create the staging directory"));
    if (workMode)
        ::fchmodat(wroot->get(), "work", workMode, 0);
    auto work = openDir(c.workdir + "/work");
    if (!work)
        return fail(work.error());
    removeBelow(work->get());
    l.work = std::move(*work);
    if (c.index) {
        // Persistent, unlike work/ (super.c ovl_workdir_create(..., "index", true)).
        if (::mkdirat(wroot->get(), "index", workMode) != 0 && errno != EEXIST)
            return fail(sysError(errno, c.workdir + "/index", "cannot create the index directory"));
        auto index = openDir(c.workdir + "/index");
        if (!index)
            return fail(index.error());
        l.index = std::move(*index);
    }

    // What the upper can hold, probed in work/ as the kernel probes in work/work
    // (ovl_make_workdir), by the doctor's probe: the xattr namespace, the whiteout form.
    if (auto r = chooseFormatAtMount(c, l); !r)
        return fail(r.error());
    l.sameDev = layersShareDev(l);
    if (auto r = verifyIndexAtMount(c, l); !r)
        return fail(r.error());
    return l;
}

} // namespace strata::engine
