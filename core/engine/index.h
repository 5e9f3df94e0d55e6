// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// index=on, as kernel overlayfs with the inodes index (fs/overlayfs copy_up.c,
// inode.c): a lower file with several links is one union inode under all its
// names; its copy-up goes to workdir/index/<hex of its origin handle> and each name
// written through is a hard link of that entry (ovl_link_up). The union link count
// is kept in overlay.nlink on the entry, "U+N"/"L+N" relative to the upper's or the
// lower's link count (ovl_set_nlink_upper/lower). All callers hold Fs::tree
// exclusively, except the read-only unionNlink().

#include "fs.h"
#include "ovl/filehandle.h"

#include <optional>

namespace strata::engine {

// For a non-directory just resolved: with index=on, a lower-only object with
// several links gets its index name (and the index entry as its upper when another
// name was copied up already, `origin` then set to the lower inode); an upper with
// an origin (`upperOrigin`, decoded by the lookup) and several links gets the index
// name of that origin.
void attachIndex(Fs &f, Inode &i, const struct stat &top, const ovl::FileHandle *upperOrigin,
                 std::optional<ino_t> &origin);

// The union link count: overlay.nlink applied for an indexed inode, else `real`.
unsigned unionNlink(Fs &f, const Inode &i, unsigned real);

// Moves the staged copy-up work/`tmp` to index/<name>, then links it at the
// inode's name in `parent`'s upper. `nlink`: the union link count.
Result<void> installIndexed(Fs &f, Inode &i, Inode &parent, const std::string &tmp, unsigned nlink);

// Makes sure the name `parent`/`name` of an indexed inode has its upper alias (a
// hard link of the index entry), as ovl_link_up does before a rename moves it.
Result<void> ensureAlias(Fs &f, Inode &i, Inode &parent, const std::string &name);

// An indexed inode shown through its index entry gets its upper alias at the name
// it was last looked up by (its parents copied up first), as ovl_copy_up links up
// the name being written (ovl_link_up); nothing for other inodes.
Result<void> linkUpName(Fs &f, Inode &i);

// The union link count of an indexed inode changed to `nlink` (a name was linked
// or removed): stored as "U+N"; at 0 the index entry is removed.
void storeUnionNlink(Fs &f, const Inode &i, unsigned nlink);

} // namespace strata::engine
