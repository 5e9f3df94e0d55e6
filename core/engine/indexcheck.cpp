// SPDX-License-Identifier: GPL-2.0-or-later
#include "indexcheck.h"

#include "ovl/filehandle.h"
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"
#include "util/xattrio.h"

#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::engine {

namespace {

const char *kRemedy = ": delete the index directory or mount with index=off";

// ovl_verify_set_fh(): the handle stored in `attr` on dirfd/name must be `fh`;
// stored when absent and `set`. ESTALE on a mismatch.
Result<void> verifySetFh(const Layers &l, int dirfd, const std::string &name, ovl::Attr attr, const ovl::FileHandle &fh,
                         bool set, const std::string &subject)
{
    auto raw = getXattrAt(dirfd, name, ovl::name(l.ns, attr));
    if (!raw)
        return fail(raw.error());
    const std::vector<uint8_t> want = ovl::encodeFileHandle(fh);
    if (!*raw) {
        if (!set)
            return {};
        return setXattrAt(dirfd, name, ovl::name(l.ns, attr),
                          std::string_view(reinterpret_cast<const char *>(want.data()), want.size()));
    }
    const std::string &have = **raw;
    if (have.size() != want.size() || std::memcmp(have.data(), want.data(), want.size()) != 0)
        return fail(makeError(subject,
                              ovl::name(l.ns, attr)
                                  + " does not match: the upper and its index belong to other layers "
                                    "(a copied disk, a new filesystem uuid?)"
                                  + kRemedy,
                              ESTALE));
    return {};
}

// The lower inode an origin handle names (ovl_check_origin_fh): the first lower
// layer whose filesystem uuid matches and that decodes it. -1 when none.
int decodeInLowers(const Layers &l, const ovl::FileHandle &fh)
{
    for (const auto &root : l.lowers) {
        auto rootFh = ovl::handleOfFd(root.get());
        if (!rootFh || rootFh->uuid != fh.uuid)
            continue;
        std::vector<uint8_t> buf(sizeof(file_handle) + fh.fid.size());
        auto *h = reinterpret_cast<file_handle *>(buf.data());
        h->handle_bytes = static_cast<unsigned>(fh.fid.size());
        h->handle_type = fh.type;
        std::memcpy(h->f_handle, fh.fid.data(), fh.fid.size());
        // open_by_handle_at ignores O_PATH mount fds (fdget): use a real open.
        UniqueFd mountFd(::openat(root.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        const int fd = mountFd ? ::open_by_handle_at(mountFd.get(), h, O_PATH | O_CLOEXEC) : -1;
        if (fd >= 0)
            return fd;
    }
    return -1;
}

// ovl_verify_index() for one entry: 0 keep, ESTALE/ENOENT remove, else refuse.
int verifyEntry(const Layers &l, int indexFd, const std::string &name)
{
    auto fh = ovl::decodeIndexName(name);
    if (!fh)
        return EINVAL;
    struct stat st {};
    if (::fstatat(indexFd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno;
    // Whiteouts mark unlinked exported files; directory entries are checked only
    // with nfs_export, which strata-fuse does not have.
    if (ovl::isWhiteoutStat(st) || S_ISDIR(st.st_mode))
        return 0;
    auto origin = getXattrAt(indexFd, name, ovl::name(l.ns, ovl::Attr::Origin));
    if (!origin || !*origin)
        return ENODATA;
    const std::vector<uint8_t> want = ovl::encodeFileHandle(*fh);
    if ((*origin)->size() != want.size() || std::memcmp((*origin)->data(), want.data(), want.size()) != 0)
        return ESTALE;
    if (st.st_nlink != 1)
        return 0;
    // Only the entry is left: an orphan unless overlay.nlink still counts names
    // (ovl_get_nlink with fallback 0).
    const int lower = decodeInLowers(l, *fh);
    if (lower < 0)
        return ESTALE;
    struct stat lst {};
    const bool ok = ::fstatat(lower, "", &lst, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0;
    ::close(lower);
    if (!ok || lst.st_nlink == 1)
        return ENOENT;
    auto n = ovl::XattrReader(indexFd, name, l.ns).nlink();
    if (!n || !*n)
        return ENOENT;
    const unsigned base = (*n)->base == ovl::Nlink::Base::Lower ? lst.st_nlink : st.st_nlink;
    return (*n)->apply(static_cast<unsigned>(base)) == 0 ? ENOENT : 0;
}

Result<void> cleanupIndexDir(const Config &c, const Layers &l)
{
    const int indexFd = l.index.get();
    const int rfd = ::openat(indexFd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = rfd >= 0 ? ::fdopendir(rfd) : nullptr;
    if (!d) {
        if (rfd >= 0)
            ::close(rfd);
        return fail(sysError(errno, c.workdir + "/index", "cannot read the index directory"));
    }
    std::vector<std::string> names;
    while (dirent *e = ::readdir(d))
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
            names.emplace_back(e->d_name);
    ::closedir(d);
    for (const auto &n : names) {
        const std::string path = c.workdir + "/index/" + n;
        if (n.front() == '#') {
            // A leftover of an index create or cleanup (ovl_workdir_cleanup).
            struct stat st {};
            removeEntry(indexFd, n,
                        ::fstatat(indexFd, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode));
            continue;
        }
        const int err = verifyEntry(l, indexFd, n);
        if (err == ESTALE || err == ENOENT) {
            // Stale (its origin is gone or is not what the name says) or orphan.
            if (::unlinkat(indexFd, n.c_str(), 0) != 0)
                return fail(sysError(errno, path, "cannot remove a stale index entry"));
        } else if (err) {
            return fail(makeError(
                path, std::string("index entry the kernel cannot verify (") + std::strerror(err) + ")" + kRemedy, err));
        }
    }
    return {};
}

} // namespace

Result<void> verifyIndexAtMount(const Config &c, const Layers &l)
{
    if (!l.index.valid() || !l.upper.valid() || l.lowers.empty())
        return {};
    // Without file handles the kernel runs as index=off; so does the per-object code.
    auto lowerRoot = ovl::handleOfFd(l.lowers.front().get());
    auto upperRoot = ovl::handleOfFd(l.upper.get(), true);
    if (!lowerRoot || !upperRoot)
        return {};
    if (auto r = verifySetFh(l, l.upper.get(), ".", ovl::Attr::Origin, *lowerRoot, true,
                             c.upperdir + " (upper root origin, the first lower layer " + c.lowerdirs.front() + ")");
        !r)
        return r;
    if (auto r = verifySetFh(l, l.index.get(), ".", ovl::Attr::Origin, *upperRoot, false,
                             c.workdir + "/index (origin, the upper root " + c.upperdir + ")");
        !r)
        return r;
    if (auto r = verifySetFh(l, l.index.get(), ".", ovl::Attr::Upper, *upperRoot, true,
                             c.workdir + "/index (upper, the upper root " + c.upperdir + ")");
        !r)
        return r;
    return cleanupIndexDir(c, l);
}

} // namespace strata::engine
