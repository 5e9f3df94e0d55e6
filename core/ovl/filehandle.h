// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// struct ovl_fb, the wire form of overlay's file handles, stored in overlay.origin
// and overlay.upper and hex-encoded as index entry names (fs/overlayfs/overlayfs.h):
//
//   0  u8  version   OVL_FH_VERSION = 0
//   1  u8  magic     OVL_FH_MAGIC = 0xfb
//   2  u8  len       header (21) + fid bytes
//   3  u8  flags     bit0 BIG_ENDIAN, bit1 ANY_ENDIAN, bit2 PATH_UPPER
//   4  u8  type      exportfs fid type of the real filesystem
//   5  u8  uuid[16]  s_uuid of the real filesystem (zero with uuid=off/null)
//  21  u8  fid[]     the real filesystem's handle
//
// Validation follows namei.c ovl_check_fb_len: a buffer shorter than the header or
// than len, or a wrong magic, is malformed (EINVAL); unknown version, unknown flag bits
// or foreign endianness without ANY_ENDIAN is unusable but harmless (ENODATA: "origin
// unknown"). Bytes beyond len are accepted and ignored, as the kernel does. A len below
// the header size (which the kernel's check lets through but can never decode) is
// reported as malformed.

#include "util/error.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata::ovl {

inline constexpr uint8_t kFhVersion = 0;
inline constexpr uint8_t kFhMagic = 0xfb;
inline constexpr uint8_t kFhFlagBigEndian = 1 << 0;
inline constexpr uint8_t kFhFlagAnyEndian = 1 << 1;
inline constexpr uint8_t kFhFlagPathUpper = 1 << 2;
inline constexpr uint8_t kFhFlagAll = kFhFlagBigEndian | kFhFlagAnyEndian | kFhFlagPathUpper;
inline constexpr size_t kFhHeaderSize = 21; // offsetof(struct ovl_fb, fid)
inline constexpr size_t kMaxHandleSize = 128; // MAX_HANDLE_SZ

struct FileHandle {
    uint8_t version = kFhVersion;
    uint8_t magic = kFhMagic;
    uint8_t len = 0;
    uint8_t flags = 0;
    uint8_t type = 0; // fid type (FILEID_INO32_GEN = 1, ...)
    std::array<uint8_t, 16> uuid {};
    std::vector<uint8_t> fid;

    bool bigEndian() const { return flags & kFhFlagBigEndian; }
    bool anyEndian() const { return flags & kFhFlagAnyEndian; }
    bool pathUpper() const { return flags & kFhFlagPathUpper; }
    bool nullUuid() const;
    // For FILEID_INO32_GEN(_PARENT) (ext4, xfs with 32-bit inodes...: u32 ino, u32 gen),
    // tmpfs (type 1 with three dwords: gen, ino low, ino high; mm/shmem.c
    // shmem_encode_fh) and FILEID_INO64_GEN(_PARENT) (xfs: u64 ino, u32 gen): the inode
    // number and generation the fid encodes, in the byte order the flags record. Used
    // to verify an origin without privileges. nullopt for other layouts.
    struct InoGen {
        uint64_t ino;
        uint32_t gen;
    };
    std::optional<InoGen> inoGen() const;
    std::string fidTypeName() const; // "ino32_gen", "ino32_gen_parent", "btrfs", "0x4d", ...
};

// Decode fails with Error::code EINVAL (malformed) or ENODATA (unknown but harmless),
// with a reason naming the field. The kernel's own check order is kept so the code
// is the one the kernel would return.
Result<FileHandle> decodeFileHandle(std::span<const uint8_t> bytes);
std::vector<uint8_t> encodeFileHandle(const FileHandle &fh); // len recomputed

// Index entry names: lowercase hex of the whole ovl_fb (ovl_get_index_name_fh).
std::string indexName(const FileHandle &fh);
Result<FileHandle> decodeIndexName(std::string_view name);

// The handle of an open file (O_PATH is fine) as overlay would record it with
// uuid=on/auto (copy_up.c ovl_encode_real_fh): name_to_handle_at(fd, "", AT_EMPTY_PATH)
// (non-connectable, as overlay encodes) plus the fs uuid from FS_IOC_GETFSUUID (Linux
// 6.8+; the null uuid when the fs has none or the kernel lacks the ioctl), flags for
// this CPU's endianness.
// Fails when the filesystem cannot encode handles (then the kernel stores an empty
// origin, "copied up, origin unknown").
// `uuidFd`: another fd on the same filesystem (a layer root) to ask for the uuid,
// for objects that cannot be opened to ask (symlinks, whose O_PATH fd takes no ioctl).
// `identifyOnly`: where the filesystem encodes no handle it could open again (an
// overlay without nfs_export), take the one it gives to name an object
// (AT_HANDLE_FID, Linux 6.5+, as fanotify reports): capture identifies a layer that
// is itself an overlay mount this way. Never an overlay origin.
Result<FileHandle> handleOfFd(int fd, bool pathUpper = false, int uuidFd = -1, bool identifyOnly = false);
// The same handle with the uuid left zero, for a caller that knows the filesystem's
// uuid already (the engine reads each layer's once, at mount): saves the ioctl and
// the reopen an O_PATH fd needs for it on every copy-up.
Result<FileHandle> handleOfFdWithoutUuid(int fd, bool pathUpper = false, bool identifyOnly = false);

} // namespace strata::ovl
