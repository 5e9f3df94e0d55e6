// SPDX-License-Identifier: GPL-2.0-or-later
#include "doctor_probes.h"

#include "fsfacts.h"
#include "mounttable.h"
#include "overlayoptions.h"
#include "ovl/xattrnames.h"
#include "util/uniquefd.h"
#include "util/xattrio.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>

namespace strata::mounts {

namespace {

// Removes everything the probe created, one level deep (that is all it creates).
void removeScratch(int parentfd, const std::string &name)
{
    UniqueFd dfd(::openat(parentfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (dfd) {
        if (DIR *d = ::fdopendir(::fcntl(dfd.get(), F_DUPFD_CLOEXEC, 0))) {
            std::vector<std::string> names;
            while (const dirent *e = ::readdir(d))
                if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
                    names.emplace_back(e->d_name);
            ::closedir(d);
            for (const auto &n : names)
                ::unlinkat(dfd.get(), n.c_str(), 0);
        }
    }
    ::unlinkat(parentfd, name.c_str(), AT_REMOVEDIR);
}

} // namespace

Result<UpperFeatures> probeUpperFeatures(const std::string &workdir, bool userXattr)
{
    UniqueFd work(::open(workdir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!work)
        return fail(sysError(errno, workdir, "cannot open the workdir to probe it"));
    return probeUpperFeaturesAt(work.get(), workdir, userXattr);
}

Result<UpperFeatures> probeUpperFeaturesAt(int workfd, const std::string &shownPath, bool userXattr)
{
    // The kernel probes inside work/work; a name of our own beside it disturbs nothing
    // the kernel keeps and is removed at once.
    const std::string scratch = ".strata-doctor." + std::to_string(::getpid());
    removeScratch(workfd, scratch);
    if (::mkdirat(workfd, scratch.c_str(), 0700) != 0)
        return fail(sysError(errno, shownPath, "cannot create a scratch directory to probe the upper filesystem"));
    UniqueFd dir(::openat(workfd, scratch.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir) {
        const int err = errno;
        removeScratch(workfd, scratch);
        return fail(sysError(err, shownPath, "cannot open the scratch directory"));
    }

    UpperFeatures f;
    struct statfs sfs {};
    if (::fstatfs(dir.get(), &sfs) == 0)
        f.fsType = std::string(fsTypeName(static_cast<unsigned long>(sfs.f_type)));
    // d_type: a regular file must be reported as DT_REG (ovl_check_d_type_supported).
    if (UniqueFd file(::openat(dir.get(), "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0600)); file) {
        f.dType = false;
        if (DIR *d = ::fdopendir(::fcntl(dir.get(), F_DUPFD_CLOEXEC, 0))) {
            ::rewinddir(d);
            while (const dirent *e = ::readdir(d))
                if (std::strcmp(e->d_name, "f") == 0)
                    f.dType = e->d_type == DT_REG;
            ::closedir(d);
        }
    }
    // O_TMPFILE (ovl_do_tmpfile).
    if (UniqueFd t(::openat(dir.get(), ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)); !t)
        f.tmpfile = false;
    // RENAME_WHITEOUT: the source name must become a 0/0 character device.
    if (UniqueFd src(::openat(dir.get(), "w", O_CREAT | O_WRONLY | O_CLOEXEC, 0600)); src) {
        src.reset();
        f.renameWhiteout = false;
        if (::renameat2(dir.get(), "w", dir.get(), "w2", RENAME_WHITEOUT) == 0) {
            struct stat st;
            f.renameWhiteout = ::fstatat(dir.get(), "w", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISCHR(st.st_mode)
                && st.st_rdev == makedev(0, 0);
        }
    }
    // A 0/0 whiteout made directly (vfs_whiteout; an overlay refuses it: dir.c ovl_mknod).
    f.mknodWhiteout = ::mknodat(dir.get(), "m", S_IFCHR | 0, makedev(0, 0)) == 0;
    if (!f.mknodWhiteout)
        f.mknodError = std::strerror(errno);
    // RENAME_EXCHANGE of two files, RENAME_NOREPLACE onto a free name (a FUSE server
    // may not implement rename flags).
    if (UniqueFd a(::openat(dir.get(), "x1", O_CREAT | O_WRONLY | O_CLOEXEC, 0600)); a)
        if (UniqueFd b(::openat(dir.get(), "x2", O_CREAT | O_WRONLY | O_CLOEXEC, 0600)); b) {
            f.renameExchange = ::renameat2(dir.get(), "x1", dir.get(), "x2", RENAME_EXCHANGE) == 0;
            f.renameNoReplace = ::renameat2(dir.get(), "x1", dir.get(), "x3", RENAME_NOREPLACE) == 0;
        }
    // overlay.opaque on a directory, in the namespace the mount will use.
    const auto ns = userXattr ? ovl::Namespace::User : ovl::Namespace::Trusted;
    if (::fsetxattr(dir.get(), ovl::name(ns, ovl::Attr::Opaque).c_str(), "0", 1, 0) != 0) {
        f.xattrs = false;
        f.xattrError = std::strerror(errno);
    }
    // overlay.whiteout on a zero-size regular file: an xattr whiteout.
    if (auto r = setXattrAt(dir.get(), "f", ovl::name(ns, ovl::Attr::Whiteout), "y"); !r) {
        f.xattrWhiteout = false;
        f.xattrWhiteoutError = std::strerror(r.error().code);
    }
    dir.reset();
    removeScratch(workfd, scratch);
    return f;
}

UpperFormatVerdict chooseUpperFormat(const UpperFeatures &f, const std::string &ns)
{
    UpperFormatVerdict v;
    // Opaque directories, redirects and origins have no other form than xattrs.
    if (!f.xattrs) {
        v.missing = ns + ".overlay.* xattrs (setting " + ns + ".overlay.opaque on a directory: " + f.xattrError + ")";
        return v;
    }
    // No d_type (fuse2fs) costs a stat per listed entry, which the engine does for
    // DT_UNKNOWN anyway: not needed.
    UpperFormat fmt;
    fmt.renameWhiteout = f.renameWhiteout;
    fmt.renameExchange = f.renameExchange;
    fmt.renameNoReplace = f.renameNoReplace;
    if (f.mknodWhiteout) {
        fmt.whiteout = WhiteoutForm::Chardev;
    } else if (f.xattrWhiteout) {
        fmt.whiteout = WhiteoutForm::Xattr; // the only whiteout an overlay upper can hold
        fmt.renameWhiteout = false; // RENAME_WHITEOUT makes 0/0 devices
    } else {
        v.missing = "whiteouts: neither a 0/0 character device (mknod: " + f.mknodError + ") nor an xattr whiteout ("
            + ns + ".overlay.whiteout on an empty file: " + f.xattrWhiteoutError + ")";
        return v;
    }
    v.format = fmt;
    return v;
}

Result<int> syncfsError(const std::string &path)
{
    // A fresh open samples the superblock's error sequence without marking it seen
    // (errseq_sample returns 0 for an unseen error), so syncfs reports it.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return fail(sysError(errno, path, "cannot open to sync its filesystem"));
    if (::syncfs(fd.get()) != 0)
        return errno;
    return 0;
}

namespace {

int depthOf(const std::string &path, int guard)
{
    struct statfs sfs;
    if (guard > 8 || ::statfs(path.c_str(), &sfs) != 0 || sfs.f_type != OVERLAYFS_SUPER_MAGIC)
        return 0;
    const UniqueFd at(::open(path.c_str(), O_PATH | O_CLOEXEC));
    const uint64_t mntId = at ? tableMountIdOf(at.get()) : 0;
    if (mntId == 0)
        return 1;
    auto table = readMountTable();
    if (!table)
        return 1;
    for (const auto &m : *table) {
        if (static_cast<uint64_t>(m.id) != mntId)
            continue;
        auto opts = parseOverlayOptions(m.fsOptions);
        if (!opts)
            return 1;
        int deepest = 0;
        for (const auto &l : opts->lowers)
            deepest = std::max(deepest, depthOf(l, guard + 1));
        for (const auto &l : opts->dataLayers)
            deepest = std::max(deepest, depthOf(l, guard + 1));
        if (opts->upper)
            deepest = std::max(deepest, depthOf(*opts->upper, guard + 1));
        return deepest + 1;
    }
    return 1;
}

} // namespace

int stackDepthOf(const std::string &path)
{
    return depthOf(path, 0);
}

bool supportsFileHandles(const std::string &path)
{
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return true; // unknown: the missing layer is reported elsewhere
    auto fh = std::unique_ptr<file_handle, void (*)(void *)>(
        static_cast<file_handle *>(std::malloc(sizeof(file_handle) + MAX_HANDLE_SZ)), std::free);
    fh->handle_bytes = MAX_HANDLE_SZ;
    int mountId = 0;
    if (::name_to_handle_at(fd.get(), "", fh.get(), &mountId, AT_EMPTY_PATH) != 0)
        return errno != EOPNOTSUPP;
    // Decoding needs CAP_DAC_READ_SEARCH; without it only the encode is known.
    UniqueFd back(::open_by_handle_at(fd.get(), fh.get(), O_PATH | O_CLOEXEC));
    if (back)
        return true;
    return errno != EOPNOTSUPP && errno != ESTALE && errno != EINVAL;
}

LayerXattrs scanLayerXattrs(const std::string &layer, size_t budget)
{
    LayerXattrs out;
    out.trustedReadable = canReadTrustedXattrs();
    UniqueFd root(::open(layer.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root)
        return out;
    // Paths relative to the layer; each directory opened only while it is listed.
    std::deque<std::string> queue {""};
    size_t seen = 0;
    auto note = [&](const std::string &rel) {
        auto names = listXattrsAt(root.get(), rel.empty() ? "." : rel);
        if (!names)
            return;
        bool t = false, u = false;
        for (const auto &n : *names) {
            const auto parsed = ovl::parseName(n);
            if (!parsed || parsed->escapeDepth != 0)
                continue;
            (parsed->ns == ovl::Namespace::User ? u : t) = true;
            if (parsed->attr == ovl::Attr::Redirect && out.redirects++ == 0)
                out.firstRedirect = rel;
            if (parsed->attr == ovl::Attr::Metacopy && out.metacopies++ == 0)
                out.firstMetacopy = rel;
        }
        out.trusted += t;
        out.user += u;
    };
    note("");
    while (!queue.empty()) {
        const std::string rel = std::move(queue.front());
        queue.pop_front();
        UniqueFd dfd(rel.empty() ? ::fcntl(root.get(), F_DUPFD_CLOEXEC, 0)
                                 : ::openat(root.get(), rel.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        DIR *d = dfd ? ::fdopendir(dfd.release()) : nullptr;
        if (!d)
            continue;
        while (const dirent *e = ::readdir(d)) {
            if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0)
                continue;
            if (++seen > budget) {
                out.truncated = true;
                break;
            }
            const std::string child = rel.empty() ? std::string(e->d_name) : rel + "/" + e->d_name;
            note(child);
            if (e->d_type == DT_DIR)
                queue.push_back(child);
        }
        ::closedir(d);
        if (out.truncated)
            break;
    }
    return out;
}

} // namespace strata::mounts
