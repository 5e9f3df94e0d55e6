// SPDX-License-Identifier: GPL-2.0-or-later
#include "fsfacts.h"

#include "util/uniquefd.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>

namespace strata::mounts {

namespace {

constexpr Support Y = Support::Yes, N = Support::No, U = Support::Unknown;

constexpr unsigned long kAutofsMagic = 0x0187;

// Magics as numbers: older <linux/magic.h> lacks some. Capabilities only where the
// type settles them: the local filesystems overlayfs is commonly stacked on (their
// rename2 implements RENAME_WHITEOUT, their inode_operations have ->tmpfile), and
// the refusals that follow from a missing operation (nfs_rename and cifs_rename2
// take no flags, read-only filesystems create nothing). xfs d_type depends on mkfs
// ftype=1, bcachefs's rename flags and every FUSE server are left to probes.
constexpr FsKind kKinds[] = {
    // magic      name        label       remote fuse  overlay dType tXattr tmpfile whiteout
    {0xEF53, "ext4", "ext4", false, false, false, Y, Y, Y, Y}, // ext2/3/4 share the magic
    {0x58465342, "xfs", "XFS", false, false, false, U, Y, Y, Y},
    {0x9123683E, "btrfs", "Btrfs", false, false, false, Y, Y, Y, Y},
    {0x01021994, "tmpfs", "tmpfs", false, false, false, Y, Y, Y, Y},
    {0xF2F52010, "f2fs", "F2FS", false, false, false, Y, Y, Y, Y},
    {0xca451a4e, "bcachefs", "bcachefs", false, false, false, Y, Y, Y, U},
    {0x2fc12fc1, "zfs", "ZFS", false, false, false, U, U, U, U},
    {0x7366746e, "ntfs3", "NTFS", false, false, false, U, U, U, U},
    {0x4d44, "vfat", "FAT", false, false, false, U, N, U, U},
    // ovl_rename refuses every flag but RENAME_EXCHANGE and RENAME_NOREPLACE.
    {0x794c7630, "overlay", "an overlay", false, false, true, Y, U, U, N},
    {0xE0F5E1E2, "erofs", "EROFS", false, false, false, Y, U, N, N},
    {0x73717368, "squashfs", "SquashFS", false, false, false, Y, U, N, N},
    {kAutofsMagic, "autofs", "autofs", false, false, false, U, U, U, U},
    // Remote: the kernel refuses each as upper. The union of what the preflight
    // and the stack inspector each listed before they shared this table.
    {0x6969, "nfs", "NFS", true, false, false, U, N, N, N},
    {0xFF534D42, "cifs", "CIFS", true, false, false, U, N, N, N},
    {0xFE534D42, "smb3", "SMB2", true, false, false, U, N, N, N},
    {0x517B, "smbfs", "SMB", true, false, false, U, N, N, N},
    {0x564c, "ncpfs", "NCP", true, false, false, U, N, N, N},
    {0x65735546, "fuse", "FUSE", true, true, false, U, U, U, U},
    {0x01021997, "9p", "9p", true, false, false, U, U, U, U},
    {0x00c36400, "ceph", "Ceph", true, false, false, U, U, U, U},
    {0x5346414F, "afs", "AFS", true, false, false, U, U, U, U},
    {0x6B414653, "afs", "kAFS", true, false, false, U, U, U, U},
    {0x20030528, "orangefs", "OrangeFS", true, false, false, U, U, U, U},
    // Pseudo filesystems whose trees change without create/delete events (kernfs
    // raises only fsnotify_modify; linux-fsdevel 2022-09-15, live-changes-notes.md 1.6).
    // Their upper-layer features are left to probes: nobody stacks on them.
    // magic      name        label       remote fuse  overlay dType tXattr tmpfile whiteout pseudo
    {0x62656572, "sysfs", "sysfs", false, false, false, U, U, U, U, true},
    {0x9fa0, "proc", "procfs", false, false, false, U, U, U, U, true},
    {0x27e0eb, "cgroup", "cgroup", false, false, false, U, U, U, U, true},
    {0x63677270, "cgroup2", "cgroup2", false, false, false, U, U, U, U, true},
    {0x64626720, "debugfs", "debugfs", false, false, false, U, U, U, U, true},
    {0x74726163, "tracefs", "tracefs", false, false, false, U, U, U, U, true},
    {0x73636673, "securityfs", "securityfs", false, false, false, U, U, U, U, true},
    {0x62656570, "configfs", "configfs", false, false, false, U, U, U, U, true},
    {0xcafe4a11, "bpf", "bpffs", false, false, false, U, U, U, U, true},
    {0x6165676c, "pstore", "pstore", false, false, false, U, U, U, U, true},
    {0xde5e81e4, "efivarfs", "efivarfs", false, false, false, U, U, U, U, true},
};

const FsKind kUnknown {};

} // namespace

const FsKind &fsKindOf(unsigned long magic)
{
    for (const auto &k : kKinds)
        if (k.magic == magic)
            return k;
    return kUnknown;
}

std::string_view fsTypeName(unsigned long magic)
{
    return fsKindOf(magic).name;
}

bool isRemoteFs(unsigned long magic)
{
    return fsKindOf(magic).remote;
}

bool isFuseFs(unsigned long magic)
{
    return fsKindOf(magic).fuse;
}

bool isOverlayFs(unsigned long magic)
{
    return fsKindOf(magic).overlay;
}

bool isAutofs(unsigned long magic)
{
    return magic == kAutofsMagic;
}

bool isPseudoFs(unsigned long magic)
{
    return fsKindOf(magic).pseudo;
}

std::string FsFacts::typeName() const
{
    if (!kind.name.empty())
        return std::string(kind.name);
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%lx", kind.magic);
    return buf;
}

bool fsFactsOf(int fd, FsFacts &out)
{
    struct statfs sfs {};
    struct statvfs svfs {};
    if (::fstatfs(fd, &sfs) != 0 || ::fstatvfs(fd, &svfs) != 0)
        return false;
    const auto magic = static_cast<unsigned long>(sfs.f_type);
    out.kind = fsKindOf(magic);
    out.kind.magic = magic;
    out.readOnly = svfs.f_flag & ST_RDONLY;
    return true;
}

Support probeDType(int dirFd)
{
    UniqueFd dfd(::openat(dirFd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dfd)
        return Support::Unknown;
    DIR *d = ::fdopendir(dfd.get());
    if (!d)
        return Support::Unknown;
    dfd.release();
    Support out = Support::Yes;
    while (const dirent *e = ::readdir(d))
        if (e->d_type == DT_UNKNOWN)
            out = Support::No;
    ::closedir(d);
    return out;
}

Support probeXattrs(int fd, const char *name)
{
    // fgetxattr does not work on O_PATH fds; the /proc/self/fd link does.
    const std::string proc = "/proc/self/fd/" + std::to_string(fd);
    if (::getxattr(proc.c_str(), name, nullptr, 0) < 0 && (errno == ENOTSUP || errno == EOPNOTSUPP))
        return Support::No;
    return Support::Yes;
}

namespace {

// Older headers lack it; a kernel before 6.8 ignores the bit and answers STATX_MNT_ID.
constexpr unsigned kStatxMntIdUnique = 0x00004000U;

uint64_t statxMountId(int fd, unsigned mask, bool *isMountRoot)
{
    struct statx sx {};
    if (::statx(fd, "", AT_EMPTY_PATH | AT_STATX_SYNC_AS_STAT, mask, &sx) != 0 || !(sx.stx_mask & mask))
        return 0;
    if (isMountRoot)
        *isMountRoot = (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
    return sx.stx_mnt_id;
}

} // namespace

uint64_t mountIdOf(int fd, bool *isMountRoot)
{
    // Asked for both, the kernel answers the unique id when it has it (fs/stat.c).
    return statxMountId(fd, STATX_MNT_ID | kStatxMntIdUnique, isMountRoot);
}

uint64_t tableMountIdOf(int fd)
{
    return statxMountId(fd, STATX_MNT_ID, nullptr);
}

std::optional<std::array<uint8_t, 16>> fsUuidOf(int fd)
{
#ifdef FS_IOC_GETFSUUID
    // The ioctl needs a real open; an O_PATH fd is reopened through its magic link.
    const std::string proc = "/proc/self/fd/" + std::to_string(fd);
    UniqueFd rfd(::open(proc.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!rfd)
        return std::nullopt;
    struct fsuuid2 u {};
    if (::ioctl(rfd.get(), FS_IOC_GETFSUUID, &u) != 0 || u.len != 16)
        return std::nullopt;
    std::array<uint8_t, 16> out {};
    std::memcpy(out.data(), u.uuid, out.size());
    if (std::ranges::all_of(out, [](uint8_t b) { return b == 0; }))
        return std::nullopt;
    return out;
#else
    (void)fd;
    return std::nullopt;
#endif
}

} // namespace strata::mounts
