// SPDX-License-Identifier: GPL-2.0-or-later
#include "fsidentity.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

namespace strata::stack {

namespace {
// Magics missing from older <linux/magic.h>.
constexpr long kFuseMagic = 0x65735546;
constexpr long kCifsMagic = 0xFF534D42;
constexpr long kSmb2Magic = 0xFE534D42;
constexpr long kCephMagic = 0x00c36400;
constexpr long kXfsMagic = 0x58465342;
constexpr long kZfsMagic = 0x2fc12fc1;
constexpr long kNfsMagic = 0x6969;
constexpr long kOverlayMagic = 0x794c7630;
constexpr long kExt4Magic = 0xEF53;
constexpr long kBtrfsMagic = 0x9123683E;
constexpr long kTmpfsMagic = 0x01021994;
constexpr long kF2fsMagic = 0xF2F52010;
constexpr long kErofsMagic = 0xE0F5E1E2;
constexpr long kSquashfsMagic = 0x73717368;
constexpr long kBcachefsMagic = 0xca451a4e;
constexpr long kNtfs3Magic = 0x7366746e;
constexpr long kVfatMagic = 0x4d44;
constexpr long kOrangefsMagic = 0x20030528;
constexpr long kAfsMagic = 0x6B414653;
constexpr long kSmb1Magic = 0x517B;
constexpr long kNcpMagic = 0x564c;
constexpr long kV9fsMagic = 0x01021997;
} // namespace

std::string_view fsTypeName(long magic)
{
    switch (magic) {
    case kExt4Magic:
        return "ext4"; // ext2/3/4 share the magic
    case kXfsMagic:
        return "xfs";
    case kBtrfsMagic:
        return "btrfs";
    case kTmpfsMagic:
        return "tmpfs";
    case kOverlayMagic:
        return "overlay";
    case kFuseMagic:
        return "fuse";
    case kNfsMagic:
        return "nfs";
    case kCifsMagic:
        return "cifs";
    case kSmb2Magic:
        return "smb3";
    case kCephMagic:
        return "ceph";
    case kF2fsMagic:
        return "f2fs";
    case kErofsMagic:
        return "erofs";
    case kSquashfsMagic:
        return "squashfs";
    case kZfsMagic:
        return "zfs";
    case kBcachefsMagic:
        return "bcachefs";
    case kNtfs3Magic:
        return "ntfs3";
    case kVfatMagic:
        return "vfat";
    case kOrangefsMagic:
        return "orangefs";
    case kAfsMagic:
        return "afs";
    case kSmb1Magic:
        return "smbfs";
    case kNcpMagic:
        return "ncpfs";
    case kV9fsMagic:
        return "9p";
    default:
        return "";
    }
}

bool isRemoteFsMagic(long magic)
{
    switch (magic) {
    case kNfsMagic:
    case kCifsMagic:
    case kSmb2Magic:
    case kCephMagic:
    case kFuseMagic:
    case kOrangefsMagic:
    case kAfsMagic:
    case kSmb1Magic:
    case kNcpMagic:
    case kV9fsMagic:
        return true;
    default:
        return false;
    }
}

bool isOverlayFsMagic(long magic)
{
    return magic == kOverlayMagic;
}

Result<FsIdentity> fsIdentityOf(int fd)
{
    FsIdentity id;
    struct statfs sfs {};
    if (::fstatfs(fd, &sfs) != 0)
        return fail(sysError(errno, "", "statfs failed"));
    const long magic = static_cast<long>(sfs.f_type);
    const std::string_view name = fsTypeName(magic);
    if (name.empty()) {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "0x%lx", static_cast<unsigned long>(magic));
        id.fsType = buf;
    } else {
        id.fsType = name;
    }
    id.remote = isRemoteFsMagic(magic);
    id.readOnly = sfs.f_flags & ST_RDONLY;
    struct stat st {};
    if (::fstat(fd, &st) == 0)
        id.dev = st.st_dev;

    // FS_IOC_GETFSUUID (6.5+) works on an fd opened for reading, not O_PATH.
    const int rfd = ::openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rfd >= 0) {
#ifdef FS_IOC_GETFSUUID
        struct fsuuid2 u {};
        if (::ioctl(rfd, FS_IOC_GETFSUUID, &u) == 0 && u.len == 16) {
            std::array<uint8_t, 16> uuid {};
            std::memcpy(uuid.data(), u.uuid, 16);
            id.uuid = uuid;
        }
#endif
        ::close(rfd);
    }
    return id;
}

} // namespace strata::stack
