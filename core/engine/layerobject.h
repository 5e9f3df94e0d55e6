// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// One object in one layer, as the engine reads it for the merge rules
// (core/ovl/mergerules.h): its overlay xattrs read once each, the facts
// ovl::lookupSeesWhiteout() needs, its opaque marker, and the inode number an
// origin records. Used by the lookup (resolve.cpp), the listing
// (mergedlisting.cpp) and the upper's format (upperformat.cpp); no union state.

#include "ovl/filehandle.h"
#include "ovl/mergerules.h"
#include "ovl/xattrs.h"

#include <optional>
#include <string>
#include <sys/stat.h>

namespace strata::engine {

// One object's overlay xattrs: a listxattr first says which exist, so an object
// without any (nearly all of them) costs one syscall, and each present one is read
// once.
struct OverlayXattrs {
    ovl::AttrSet present;
    bool presentKnown = false;

    OverlayXattrs(int dirfd, const std::string &name, ovl::Namespace ns);
    bool maybe(ovl::Attr a) const { return !presentKnown || present.has(a); }
    // A reader that answers "absent" without a syscall for what listxattr lacked.
    ovl::XattrReader reader(int dirfd, const std::string &name, ovl::Namespace ns) const
    {
        return ovl::XattrReader(dirfd, name, ns, presentKnown ? &present : nullptr);
    }
};

// dirfd/name's stat facts plus overlay.whiteout, read only when the rules can use
// it (a zero-size regular file, and `ox` does not rule it out): all that
// ovl::lookupSeesWhiteout() needs.
ovl::LayerObject objectFacts(ovl::Namespace ns, int dirfd, const std::string &name, const struct stat &st,
                             const OverlayXattrs *ox = nullptr);

// overlay.opaque as the lookup and the listing use it: an unreadable or unknown
// value counts as not opaque, as the kernel's ovl_path_check_dir_xattr() does.
// The one reader of a directory's opaque state in the engine (resolve.cpp, and
// upperformat.cpp for the upper's xattr-whiteout markers).
std::optional<ovl::Opaque> opaqueOf(const ovl::XattrReader &rd);

// The inode number an origin records, when its fid layout is the common one
// (ext4, tmpfs, xfs with 32-bit inodes...). Kernel overlayfs decodes the handle;
// reading the number out of it gives the same answer without a decode.
std::optional<ino_t> inoOf(const std::optional<ovl::FileHandle> &fh);
// The inode number dirfd/name's overlay.origin records (nullopt: none, unknown, or
// not a common fid).
std::optional<ino_t> originIno(const ovl::XattrReader &rd);

} // namespace strata::engine
