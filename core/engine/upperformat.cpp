// SPDX-License-Identifier: GPL-2.0-or-later
#include "upperformat.h"

#include "copyup.h"
#include "layerobject.h"
#include "mounts/doctor_probes.h"
#include "ovl/mergerules.h"
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"
#include "util/xattrio.h"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::engine {

bool upperDirKeepsXWhiteouts(const Fs &f, int dirfd)
{
    return f.layers.upperXWhiteouts
        && ovl::isUpperXWhiteoutsDir(true, opaqueOf(ovl::XattrReader(dirfd, ".", f.layers.ns)));
}

Result<void> chooseFormatAtMount(const Config &c, Layers &l)
{
    const std::string ns = l.ns == ovl::Namespace::User ? "user" : "trusted";
    auto feats = mounts::probeUpperFeaturesAt(l.work.get(), c.workdir + "/work", l.ns == ovl::Namespace::User);
    if (!feats)
        return fail(feats.error());
    const auto verdict = mounts::chooseUpperFormat(*feats, ns);
    if (!verdict.format)
        return fail(makeError(c.upperdir,
                              "the upper filesystem (" + feats->fsType + ") cannot store the overlay format: missing "
                                  + verdict.missing
                                  + (l.ns == ovl::Namespace::Trusted && !feats->xattrs ? ": try -o userxattr" : ""),
                              EOPNOTSUPP));
    l.format = *verdict.format;
    if (l.format.whiteout == mounts::WhiteoutForm::Xattr) {
        // The root's marker says this upper keeps xattr whiteouts; the kernel reads
        // no opaque marker on an upper (namei.c ovl_lookup_single: !is_upper).
        const auto root = opaqueOf(ovl::XattrReader(l.upper.get(), ".", l.ns));
        if (!root)
            if (auto r = ovl::setOpaque(l.upper.get(), ".", l.ns, ovl::Opaque::XWhiteouts); !r)
                return fail(makeError(c.upperdir, "cannot mark the upper for xattr whiteouts: " + r.error().message(),
                                      r.error().code));
    }
    l.upperXWhiteouts = ovl::upperKeepsXWhiteouts(opaqueOf(ovl::XattrReader(l.upper.get(), ".", l.ns)));
    if (c.debug)
        std::fprintf(stderr, "strata-fuse: upper on %s: %s whiteouts, RENAME_WHITEOUT %s, RENAME_EXCHANGE %s\n",
                     feats->fsType.c_str(), l.format.whiteout == mounts::WhiteoutForm::Xattr ? "xattr" : "0/0",
                     l.format.renameWhiteout ? "yes" : "no (staged)", l.format.renameExchange ? "yes" : "no");
    return {};
}

Result<void> makeUpperWhiteout(Fs &f, const std::string &tmp)
{
    if (f.layers.format.whiteout == mounts::WhiteoutForm::Xattr)
        return ovl::makeXattrWhiteout(f.workFd(), tmp, f.layers.ns);
    return ovl::makeWhiteout(f.workFd(), tmp);
}

Result<bool> markXWhiteoutsDir(Fs &f, int dirfd)
{
    if (f.layers.format.whiteout != mounts::WhiteoutForm::Xattr || opaqueOf(ovl::XattrReader(dirfd, ".", f.layers.ns)))
        return false;
    if (auto r = ovl::setOpaque(dirfd, ".", f.layers.ns, ovl::Opaque::XWhiteouts); !r)
        return fail(r.error());
    return true;
}

void clearXWhiteoutsMark(Fs &f, int dirfd)
{
    (void)removeXattrAt(dirfd, ".", ovl::name(f.layers.ns, ovl::Attr::Opaque));
}

int renameNoReplace(const Fs &f, int olddir, const std::string &oldname, int newdir, const std::string &newname)
{
    if (f.layers.format.renameNoReplace)
        return ::renameat2(olddir, oldname.c_str(), newdir, newname.c_str(), RENAME_NOREPLACE) == 0 ? 0 : errno;
    struct stat st {};
    if (::fstatat(newdir, newname.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
        return EEXIST;
    return ::renameat(olddir, oldname.c_str(), newdir, newname.c_str()) == 0 ? 0 : errno;
}

Result<void> placeFromWork(Fs &f, const std::string &tmp, int dirfd, const std::string &name, std::string &displaced)
{
    displaced.clear();
    const int work = f.workFd();
    struct stat st {}, tst {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (const int err = renameNoReplace(f, work, tmp, dirfd, name))
            return fail(sysError(err, name, "move into place"));
        return {};
    }
    ::fstatat(work, tmp.c_str(), &tst, AT_SYMLINK_NOFOLLOW);
    if (S_ISDIR(st.st_mode) == S_ISDIR(tst.st_mode) && !S_ISDIR(st.st_mode)) {
        if (::renameat(work, tmp.c_str(), dirfd, name.c_str()) != 0)
            return fail(sysError(errno, name, "move into place"));
        return {};
    }
    if (f.layers.format.renameExchange) {
        if (::renameat2(work, tmp.c_str(), dirfd, name.c_str(), RENAME_EXCHANGE) != 0)
            return fail(sysError(errno, name, "exchange into place"));
        displaced = tmp; // the old object now has the temp name
        return {};
    }
    // Two steps; the first is undone when the second fails.
    const std::string out = tempName(f);
    if (const int err = renameNoReplace(f, dirfd, name, work, out))
        return fail(sysError(err, name, "move aside"));
    if (const int err = renameNoReplace(f, work, tmp, dirfd, name)) {
        renameNoReplace(f, work, out, dirfd, name);
        return fail(sysError(err, name, "move into place"));
    }
    displaced = out;
    return {};
}

} // namespace strata::engine
