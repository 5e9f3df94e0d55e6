// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Name resolution with the kernel's merge rules (fs/overlayfs/namei.c ovl_lookup),
// decided by core/ovl/mergerules.h, the functions the inspector's lookup calls too:
// this file reads the facts they ask for and walks the layers. The upper first,
// then the parent's lower stack; a whiteout (a 0/0 device, or a zero-size file with
// overlay.whiteout, in any layer) ends the search and hides the name, so does a
// non-directory; directories merge until one is opaque=y; a redirect (absolute or
// relative) changes the path looked up in the layers below.

#include "fs.h"
#include "mergedlisting.h" // the listing side of the same rules; the ops that resolve also list

#include <memory>
#include <optional>
#include <string>
#include <sys/stat.h>

namespace strata::engine {

struct Resolved {
    std::unique_ptr<Inode> inode; // null: the name does not exist in the union
    bool upperWhiteout = false; // the upper holds a whiteout under this name
    struct stat st {}; // the real object's stat, taken by the lookup
};

Result<Resolved> resolveChild(Fs &f, Inode &parent, const std::string &name);

// Sets up the root inode from the layer roots.
Result<void> initRoot(Fs &f);

// The union's stat of an inode: the real object's, with the kernel's st_ino and
// nlink (1 for merged directories). `real`: the real object's stat when just taken.
Result<struct stat> inodeStat(Fs &f, const Inode &i, const struct stat *real = nullptr);

// Where an object's xattrs are reached without following it (a symlink's are its
// own): its directory and name in the layer, for util/xattrio's *xattrat calls;
// also the test whether a lower object still sits at its last known name. A
// directory is itself ("."); a non-directory is looked up again under its last
// known name in the parent's upper (`upper`) or in the parent's lower directory of
// its layer, and must be the same inode. nullopt when it is not there (an unlinked
// name still open, an object reached through a redirect).
struct XattrPlace {
    int dirfd = -1;
    std::string name;
};
std::optional<XattrPlace> xattrPlace(const Inode &i, bool upper);

// fd of /proc/self/fd/N, for syscalls that take no fd of an O_PATH file.
std::string procPath(int fd);

} // namespace strata::engine
