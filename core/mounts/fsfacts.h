// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What Strata knows about a filesystem from its statfs magic, in one table: its
// type name, whether the kernel treats it as remote (revalidating dentries, so
// overlayfs refuses it as upper), whether it is FUSE or overlay, and the features
// an upper layer needs where they follow from the type alone. Where they depend on
// the mount or the server (xfs ftype, a FUSE server, NFS versions) the table says
// Unknown and probeDType / probeXattrs ask the directory itself. The preflight,
// the stack inspector (stack::fsIdentityOf), the helper, the engine and the watch
// (which polls what raises no events) read it.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace strata::mounts {

enum class Support : uint8_t { Unknown, Yes, No };

struct FsKind {
    unsigned long magic = 0;
    std::string_view name; // the type as /proc/filesystems spells it: "ext4", "nfs", "fuse"
    std::string_view label; // for sentences: "NFS", "SMB2", "FUSE"
    // Dentries revalidate (d_revalidate): overlayfs refuses the filesystem as
    // upper (ovl_dentry_remote in fs/overlayfs/super.c) and never caches lookups.
    bool remote = false;
    bool fuse = false;
    bool overlay = false;
    Support dType = Support::Unknown; // readdir reports d_type (else whiteouts look like devices)
    Support trustedXattrs = Support::Unknown; // trusted.* xattrs can be set (overlay metadata)
    Support tmpfile = Support::Unknown; // O_TMPFILE (overlayfs copies up through it)
    Support renameWhiteout = Support::Unknown; // rename(RENAME_WHITEOUT): how overlayfs removes
    // A pseudo filesystem whose entries come and go without create/delete events
    // (kernfs raises only fsnotify_modify): a watch must poll it.
    bool pseudo = false;
};

// Every filesystem Strata knows by magic; magic 0 and empty names for unknown ones.
const FsKind &fsKindOf(unsigned long magic);

// "ext4", ...; "" when the magic is not in the table.
std::string_view fsTypeName(unsigned long magic);
bool isRemoteFs(unsigned long magic);
bool isFuseFs(unsigned long magic);
bool isOverlayFs(unsigned long magic);
bool isAutofs(unsigned long magic);
bool isPseudoFs(unsigned long magic);

// The facts of the filesystem an fd (any kind, O_PATH included) lives on.
struct FsFacts {
    FsKind kind; // magic set even when unknown to the table
    bool readOnly = false; // the mount is read-only (ST_RDONLY)
    // The type name, or "0x..." (the magic in hex) when the table lacks it.
    std::string typeName() const;
};
// False (errno set) when fstatfs/fstatvfs fail.
bool fsFactsOf(int fd, FsFacts &out);

// Does a readdir of the directory at `dirFd` report d_type? Reads "." and "..",
// whose types every filesystem with d_type fills in. Unknown when it cannot be read.
Support probeDType(int dirFd);

// Does the filesystem of `fd` support the xattr `name`'s namespace? A getxattr of
// a name that need not exist: ENOTSUP/EOPNOTSUPP means no, anything else yes.
Support probeXattrs(int fd, const char *name);

// statx mount id of an fd: the unique 64-bit id where the kernel has
// STATX_MNT_ID_UNIQUE (6.8+), else the reusable one; 0 when statx fails.
// `isMountRoot`, when given, says whether the fd is the root of its mount.
uint64_t mountIdOf(int fd, bool *isMountRoot = nullptr);
// The reusable mount id, the one /proc/self/mountinfo prints (MountEntry::id): for
// finding the fd's mount in the table. 0 when statx fails.
uint64_t tableMountIdOf(int fd);

// The uuid of the filesystem `fd` (any kind, O_PATH included: it is reopened) lives
// on, from FS_IOC_GETFSUUID (Linux 6.5+; sb->s_uuid). nullopt when the kernel or the
// filesystem has none, or it is all zeros (what filesystems without one report).
std::optional<std::array<uint8_t, 16>> fsUuidOf(int fd);

} // namespace strata::mounts
