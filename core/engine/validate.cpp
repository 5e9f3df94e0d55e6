// SPDX-License-Identifier: GPL-2.0-or-later
#include "validate.h"

#include "mounts/layergeometry.h"
#include "util/uniquefd.h"
#include "util/xattrio.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace strata::engine {

namespace {

Result<std::string> canonicalDir(const std::string &path, const std::string &what)
{
    char buf[PATH_MAX];
    if (!::realpath(path.c_str(), buf))
        return fail(sysError(errno, path, what + " cannot be used"));
    struct stat st {};
    if (::stat(buf, &st) != 0)
        return fail(sysError(errno, path, what + " cannot be used"));
    if (!S_ISDIR(st.st_mode))
        return fail(makeError(path, what + " is not a directory", ENOTDIR));
    return std::string(buf);
}

struct Named {
    std::string path;
    std::string role;
};

} // namespace

bool hasSysAdmin()
{
    // What the kernel checks for both trusted.* xattrs and FUSE backing files:
    // CAP_SYS_ADMIN in the initial user namespace (capable()), not just in ours.
    return canReadTrustedXattrs();
}

Result<void> validate(Config &c)
{
    auto mp = canonicalDir(c.mountpoint, "mount point");
    if (!mp)
        return fail(mp.error());
    c.mountpoint = *mp;

    std::vector<Named> layers;
    for (size_t i = 0; i < c.lowerdirs.size(); ++i) {
        auto d = canonicalDir(c.lowerdirs[i], "lowerdir");
        if (!d)
            return fail(d.error());
        c.lowerdirs[i] = *d;
        layers.push_back({*d, "lowerdir " + *d});
    }
    for (auto &dir : c.datadirs) {
        auto d = canonicalDir(dir, "data-only lowerdir");
        if (!d)
            return fail(d.error());
        dir = *d;
        layers.push_back({*d, "data-only lowerdir " + *d});
    }
    if (!c.readOnly()) {
        auto u = canonicalDir(c.upperdir, "upperdir");
        if (!u)
            return fail(u.error());
        c.upperdir = *u;
        auto w = canonicalDir(c.workdir, "workdir");
        if (!w)
            return fail(w.error());
        c.workdir = *w;
        struct stat us {}, ws {};
        ::stat(c.upperdir.c_str(), &us);
        ::stat(c.workdir.c_str(), &ws);
        if (us.st_dev != ws.st_dev)
            return fail(makeError(c.workdir,
                                  "workdir is on another filesystem than upperdir " + c.upperdir
                                      + ": copy-up renames from one into the other, so both must be on one filesystem",
                                  EXDEV));
        struct statvfs sv {};
        if (::statvfs(c.upperdir.c_str(), &sv) == 0 && (sv.f_flag & ST_RDONLY))
            return fail(makeError(c.upperdir,
                                  "upperdir is on a read-only filesystem: mount without upperdir/workdir for a "
                                  "read-only union",
                                  EROFS));
        if (::access(c.upperdir.c_str(), W_OK) != 0)
            return fail(sysError(errno, c.upperdir, "upperdir is not writable"));
        if (::access(c.workdir.c_str(), W_OK) != 0)
            return fail(sysError(errno, c.workdir, "workdir is not writable"));
        layers.push_back({c.upperdir, "upperdir " + c.upperdir});
        layers.push_back({c.workdir, "workdir " + c.workdir});
    }
    // Layers that overlap would show a union inside itself (the kernel: "conflicting
    // lowerdir path", "workdir and upperdir must be separate subtrees"). Compared
    // across mount points (mounts/layergeometry.h): a bind mount hides nothing.
    std::vector<mounts::PlacedDir> placed;
    for (size_t i = 0; i < layers.size(); ++i) {
        UniqueFd fd(::open(layers[i].path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!fd)
            return fail(sysError(errno, layers[i].path, layers[i].role + " cannot be opened"));
        placed.push_back({mounts::ancestryOf(fd.get(), mounts::Walk::AcrossMounts), i});
    }
    if (const auto overlaps = mounts::overlapsOf(placed); !overlaps.empty()) {
        const auto &o = overlaps.front();
        const Named &inner = layers[o.inner], &outer = layers[o.outer];
        return fail(o.same ? makeError(outer.path, outer.role + " is the same directory as " + inner.role, ELOOP)
                           : makeError(inner.path,
                                       inner.role + " is inside " + outer.role + ": layers must be separate subtrees",
                                       ELOOP));
    }
    if (c.passthrough == PassthroughMode::On && !hasSysAdmin())
        return fail(makeError("passthrough=on",
                              "FUSE passthrough needs CAP_SYS_ADMIN, which this process lacks; use passthrough=auto",
                              EPERM));
    return {};
}

} // namespace strata::engine
