// SPDX-License-Identifier: GPL-2.0-or-later
#include "indexdir.h"

#include "dirreader.h"
#include "origin.h"
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>

namespace strata::stack {

std::string_view indexKindName(IndexEntry::Kind k)
{
    switch (k) {
    case IndexEntry::Kind::HardLink:
        return "hardlink";
    case IndexEntry::Kind::Directory:
        return "dir";
    case IndexEntry::Kind::Whiteout:
        return "whiteout";
    case IndexEntry::Kind::Other:
        break;
    }
    return "other";
}

std::string_view indexStatusName(IndexEntry::Status s)
{
    switch (s) {
    case IndexEntry::Status::Ok:
        return "ok";
    case IndexEntry::Status::Orphan:
        return "orphan";
    case IndexEntry::Status::Stale:
        return "stale";
    case IndexEntry::Status::Invalid:
        return "invalid";
    case IndexEntry::Status::Unverified:
        return "unverified";
    case IndexEntry::Status::WorkFile:
        return "work-file";
    }
    return "unverified";
}

namespace {

void classify(const LayerStack &stack, int indexFd, IndexEntry &e, bool canResolve)
{
    const ovl::Namespace ns = stack.xattrNamespace();
    if (ovl::isWhiteoutStat(e.st))
        e.kind = IndexEntry::Kind::Whiteout;
    else if (S_ISDIR(e.st.st_mode))
        e.kind = IndexEntry::Kind::Directory;
    else
        e.kind = IndexEntry::Kind::HardLink;

    // dir.c ovl_tempname() names temporaries "#%x"; with index=on they (and the
    // shared whiteout) live in index/, which doubles as the work dir.
    if (e.name.starts_with('#')) {
        e.status = IndexEntry::Status::WorkFile;
        e.detail = "a temporary of the kernel's (index/ is also the work dir with index=on); removed at the "
                   "next mount";
        return;
    }
    auto fh = ovl::decodeIndexName(e.name);
    if (!fh) {
        e.status = IndexEntry::Status::Invalid;
        e.detail = fh.error().reason;
        return;
    }
    e.handle = *fh;
    if (e.kind == IndexEntry::Kind::Whiteout) {
        // ovl_verify_index(): a whiteout index says "deleted after its handle was
        // given out"; decoding such a handle through the overlay returns ESTALE.
        e.status = IndexEntry::Status::Ok;
        e.detail = "object deleted after its file handle was exported (decodes to ESTALE)";
        return;
    }

    const ovl::XattrReader xr(indexFd, e.name, ns);
    if (e.kind == IndexEntry::Kind::Directory) {
        if (auto up = xr.upper(); up && *up)
            e.upper = **up;
        else if (!up)
            e.detail = up.error().reason;
    } else if (stack.canReadOverlayXattrs()) {
        auto n = xr.nlink();
        if (n && *n)
            e.nlink = **n;
        else if (!n)
            e.detail = n.error().reason;
    }

    HandleLocation where;
    bool located = false;
    if (canResolve) {
        std::string why;
        int err = 0;
        located = locateHandle(stack, *fh, where, why, err);
        if (located) {
            e.lowerLayer = where.layer;
            e.lowerPath = where.path;
        } else {
            e.status = IndexEntry::Status::Stale;
            e.detail = why;
        }
    }

    // ovl_get_nlink(): "U±N" counts from the upper inode (this index entry is one of
    // its links), "L±N" from the lower origin. Orphan = only the index link is left
    // and the union nlink is 0 (ovl_verify_index / ovl_cleanup_index).
    if (e.nlink) {
        if (e.nlink->base == ovl::Nlink::Base::Upper)
            e.unionNlink = e.nlink->apply(static_cast<unsigned>(e.st.st_nlink));
        else if (located)
            e.unionNlink = e.nlink->apply(static_cast<unsigned>(where.st.st_nlink));
    }
    if (e.kind == IndexEntry::Kind::HardLink && e.st.st_nlink == 1 && (!e.unionNlink || *e.unionNlink == 0)) {
        e.status = IndexEntry::Status::Orphan;
        e.detail = "only the index holds this inode (union nlink 0): the kernel removes it at the next mount";
        return;
    }
    if (e.status == IndexEntry::Status::Stale)
        return;
    e.status = canResolve ? IndexEntry::Status::Ok : IndexEntry::Status::Unverified;
    if (!canResolve && e.detail.empty())
        e.detail = "resolving the handle needs CAP_DAC_READ_SEARCH";
}

} // namespace

Result<IndexReport> readIndex(const LayerStack &stack)
{
    IndexReport rep;
    if (!stack.workdir())
        return fail(makeError("index", "this stack has no work directory, so no index", ENOENT));
    rep.dir = *stack.workdir() + "/index";
    const int fd = ::open(rep.dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return rep; // no index: mounted with index=off, or never with index=on
        return fail(sysError(errno, rep.dir, "cannot open the index directory"));
    }
    const UniqueFd indexFd(fd);
    rep.present = true;
    if (!stack.canReadOverlayXattrs())
        rep.problems.push_back(makeError(rep.dir,
                                         "overlay xattrs need CAP_SYS_ADMIN: nlink and upper values "
                                         "are unknown",
                                         EPERM));
    // index/ itself is bound to the upper root by overlay.upper (older kernels: origin).
    {
        const ovl::XattrReader self(indexFd.get(), ".", stack.xattrNamespace());
        if (auto up = self.upper(); up && *up)
            rep.binding = **up;
        else if (auto org = self.origin(); org && *org)
            rep.binding = **org;
    }
    auto entries = readLayerDir(indexFd.get(), rep.dir);
    if (!entries)
        return fail(entries.error());
    const bool canResolve = canOpenByHandle();
    for (const RawEntry &raw : *entries) {
        IndexEntry e;
        e.name = raw.name;
        e.st = raw.st;
        classify(stack, indexFd.get(), e, canResolve);
        rep.entries.push_back(std::move(e));
    }
    std::sort(rep.entries.begin(), rep.entries.end(),
              [](const IndexEntry &a, const IndexEntry &b) { return a.name < b.name; });
    return rep;
}

} // namespace strata::stack
