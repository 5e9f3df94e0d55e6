// SPDX-License-Identifier: GPL-2.0-or-later
#include "index.h"

#include "copyup.h"
#include "ovl/filehandle.h"
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"
#include "resolve.h"

#include <fcntl.h>
#include <unistd.h>

namespace strata::engine {

namespace {

unsigned nlinkOf(int fd, unsigned fallback)
{
    struct stat st {};
    if (::fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
        return fallback;
    return static_cast<unsigned>(st.st_nlink);
}

// overlay.nlink relative to the upper (entry) or the lower inode's link count.
void writeNlink(Fs &f, const Inode &i, unsigned nlink, bool relativeToLower)
{
    const int indexFd = f.layers.index.get();
    const unsigned base = relativeToLower && !i.lowers.empty() ? nlinkOf(i.lowers.front().fd.get(), nlink)
                                                               : nlinkOf(i.upper.get(), nlink);
    ovl::Nlink n;
    n.base = relativeToLower ? ovl::Nlink::Base::Lower : ovl::Nlink::Base::Upper;
    n.delta = static_cast<int>(nlink) - static_cast<int>(base);
    (void)ovl::setNlink(indexFd, i.indexName, f.layers.ns, n);
}

} // namespace

void attachIndex(Fs &f, Inode &i, const struct stat &top, const ovl::FileHandle *upperOrigin,
                 std::optional<ino_t> &origin)
{
    if (!f.config.index || !f.layers.index.valid() || S_ISDIR(top.st_mode) || top.st_nlink <= 1)
        return;
    if (i.upper.valid()) {
        // An upper alias: the index entry is named after its origin.
        if (upperOrigin)
            i.indexName = ovl::indexName(*upperOrigin);
        return;
    }
    if (i.lowers.empty())
        return;
    auto fh = lowerHandle(f, i);
    if (!fh)
        return; // no handles: as index=off
    i.indexName = ovl::indexName(*fh);
    UniqueFd entry(::openat(f.layers.index.get(), i.indexName.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    struct stat est {};
    if (!entry || ::fstatat(entry.get(), "", &est, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0
        || ovl::isWhiteoutStat(est))
        return;
    // Another name was copied up: this one shows the index entry (namei.c
    // ovl_lookup: an index without an upper alias is the upper).
    i.upper = std::move(entry);
    i.hasOrigin = true;
    origin = top.st_ino;
}

unsigned unionNlink(Fs &f, const Inode &i, unsigned real)
{
    if (i.indexName.empty() || !i.upper.valid())
        return real;
    auto n = ovl::XattrReader(f.layers.index.get(), i.indexName, f.layers.ns).nlink();
    if (!n || !*n)
        return real;
    const unsigned base = (*n)->base == ovl::Nlink::Base::Lower && !i.lowers.empty()
        ? nlinkOf(i.lowers.front().fd.get(), real)
        : nlinkOf(i.upper.get(), real);
    const unsigned v = (*n)->apply(base);
    return v ? v : real;
}

Result<void> installIndexed(Fs &f, Inode &i, Inode &parent, const std::string &tmp, unsigned nlink)
{
    const int indexFd = f.layers.index.get();
    if (::renameat2(f.workFd(), tmp.c_str(), indexFd, i.indexName.c_str(), RENAME_NOREPLACE) != 0)
        return fail(sysError(errno, i.name, "move copy-up into the index"));
    UniqueFd entry(::openat(indexFd, i.indexName.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!entry)
        return fail(sysError(errno, i.indexName, "open index entry"));
    i.upper = std::move(entry);
    // ovl_link_up: the count relative to the lower before the link, to the upper after.
    writeNlink(f, i, nlink, true);
    const std::string from = procPath(i.upper.get());
    if (::linkat(AT_FDCWD, from.c_str(), parent.upper.get(), i.name.c_str(), AT_SYMLINK_FOLLOW) != 0)
        return fail(sysError(errno, i.name, "link up from the index"));
    writeNlink(f, i, nlink, false);
    return {};
}

Result<void> ensureAlias(Fs &f, Inode &i, Inode &parent, const std::string &name)
{
    if (i.indexName.empty() || !i.upper.valid() || !parent.upper.valid())
        return {};
    struct stat st {};
    if (::fstatat(parent.upper.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
        return {};
    auto ust = inodeStat(f, i);
    const unsigned nlink = ust ? static_cast<unsigned>(ust->st_nlink) : 1;
    ensureImpure(f, parent);
    writeNlink(f, i, nlink, true);
    const std::string from = procPath(i.upper.get());
    if (::linkat(AT_FDCWD, from.c_str(), parent.upper.get(), name.c_str(), AT_SYMLINK_FOLLOW) != 0)
        return fail(sysError(errno, name, "link up from the index"));
    writeNlink(f, i, nlink, false);
    return {};
}

Result<void> linkUpName(Fs &f, Inode &i)
{
    if (i.indexName.empty() || !i.upper.valid() || !i.parent || !i.hashed)
        return {};
    // Only a name the lower still has for this very file: the last known name may
    // have been renamed over or removed since.
    if (!xattrPlace(i, false))
        return {};
    if (auto r = copyUp(f, *i.parent); !r)
        return r;
    return ensureAlias(f, i, *i.parent, i.name);
}

void storeUnionNlink(Fs &f, const Inode &i, unsigned nlink)
{
    if (i.indexName.empty() || !i.upper.valid())
        return;
    if (nlink == 0) {
        ::unlinkat(f.layers.index.get(), i.indexName.c_str(), 0); // ovl_cleanup_index
        return;
    }
    writeNlink(f, i, nlink, false);
}

} // namespace strata::engine
