// SPDX-License-Identifier: GPL-2.0-or-later
#include "filehandle.h"

#include "util/hex.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace strata::ovl {

namespace {

// OVL_FH_FLAG_CPU_ENDIAN (fs/overlayfs/overlayfs.h).
constexpr uint8_t kCpuEndianFlag = std::endian::native == std::endian::big ? kFhFlagBigEndian : 0;

std::string hex2(unsigned v)
{
    char buf[8];
    std::snprintf(buf, sizeof(buf), "0x%02x", v & 0xffu);
    return buf;
}

Error malformed(std::string reason)
{
    return makeError({}, std::move(reason), EINVAL);
}

Error unusable(std::string reason)
{
    return makeError({}, std::move(reason), ENODATA);
}

// The fid holds u32/u64 fields in the byte order of the machine that encoded it.
uint64_t loadWord(const std::vector<uint8_t> &b, size_t off, size_t size, bool bigEndian)
{
    uint64_t v = 0;
    for (size_t i = 0; i < size; ++i) {
        const uint64_t byte = b[off + i];
        v |= bigEndian ? byte << (8 * (size - 1 - i)) : byte << (8 * i);
    }
    return v;
}

#ifndef FS_IOC_GETFSUUID
struct fsuuid2 {
    __u8 len;
    __u8 uuid[16];
};
#define FS_IOC_GETFSUUID _IOR(0x15, 0, struct fsuuid2)
#endif

} // namespace

bool FileHandle::nullUuid() const
{
    return std::all_of(uuid.begin(), uuid.end(), [](uint8_t b) { return b == 0; });
}

std::optional<FileHandle::InoGen> FileHandle::inoGen() const
{
    const bool be = bigEndian();
    switch (type) {
    case 1: // FILEID_INO32_GEN
        // generic_encode_ino32_fh (ext4, ext2, ...): u32 ino, u32 gen.
        if (fid.size() == 8)
            return InoGen {loadWord(fid, 0, 4, be), static_cast<uint32_t>(loadWord(fid, 4, 4, be))};
        // mm/shmem.c shmem_encode_fh (tmpfs) also answers type 1, with three dwords
        // in another order: gen, ino low 32 bits, ino high 32 bits.
        if (fid.size() == 12)
            return InoGen {loadWord(fid, 4, 4, be) | loadWord(fid, 8, 4, be) << 32,
                           static_cast<uint32_t>(loadWord(fid, 0, 4, be))};
        return std::nullopt;
    case 2: // FILEID_INO32_GEN_PARENT: u32 ino, u32 gen, u32 parent ino[, u32 parent gen]
        if (fid.size() >= 12)
            return InoGen {loadWord(fid, 0, 4, be), static_cast<uint32_t>(loadWord(fid, 4, 4, be))};
        return std::nullopt;
    case 0x81: // FILEID_INO64_GEN (xfs with 64-bit inodes): packed u64 ino, u32 gen
    case 0x82: // FILEID_INO64_GEN_PARENT
        if (fid.size() >= 12)
            return InoGen {loadWord(fid, 0, 8, be), static_cast<uint32_t>(loadWord(fid, 8, 4, be))};
        return std::nullopt;
    default:
        return std::nullopt;
    }
}

// include/linux/exportfs.h enum fid_type.
std::string FileHandle::fidTypeName() const
{
    switch (type) {
    case 0x00:
        return "root";
    case 0x01:
        return "ino32_gen";
    case 0x02:
        return "ino32_gen_parent";
    case 0x4d:
        return "btrfs";
    case 0x4e:
        return "btrfs_parent";
    case 0x4f:
        return "btrfs_parent_root";
    case 0x51:
        return "udf";
    case 0x52:
        return "udf_parent";
    case 0x61:
        return "nilfs";
    case 0x62:
        return "nilfs_parent";
    case 0x71:
        return "fat";
    case 0x72:
        return "fat_parent";
    case 0x81:
        return "ino64_gen";
    case 0x82:
        return "ino64_gen_parent";
    case 0x97:
        return "lustre";
    case 0xb1:
        return "bcachefs";
    case 0xb2:
        return "bcachefs_parent";
    case 0xf1:
        return "nsfs";
    case 0xfe:
        return "kernfs";
    case 0xff:
        return "invalid";
    default:
        return hex2(type);
    }
}

// namei.c ovl_check_fb_len, in its order:
//   buffer < 21 bytes or < len           -> EINVAL
//   magic != 0xfb                         -> EINVAL
//   version > 0 or unknown flag bits      -> ENODATA ("origin unknown")
//   no ANY_ENDIAN and foreign endianness  -> ENODATA
// The kernel accepts bytes beyond len (ovl_verify_fh compares only len bytes): they
// are ignored here too. It does not check len >= 21 itself; such a handle gives
// exportfs a negative fid length and never decodes, so it is reported as malformed.
Result<FileHandle> decodeFileHandle(std::span<const uint8_t> bytes)
{
    if (bytes.size() < kFhHeaderSize)
        return fail(malformed(std::to_string(bytes.size()) + " bytes, shorter than the " + std::to_string(kFhHeaderSize)
                              + "-byte ovl_fb header"));
    FileHandle fh;
    fh.version = bytes[0];
    fh.magic = bytes[1];
    fh.len = bytes[2];
    fh.flags = bytes[3];
    fh.type = bytes[4];
    if (bytes.size() < fh.len)
        return fail(malformed("len " + std::to_string(fh.len) + " exceeds the " + std::to_string(bytes.size())
                              + " bytes stored"));
    if (fh.magic != kFhMagic)
        return fail(malformed("magic " + hex2(fh.magic) + ", expected " + hex2(kFhMagic)));
    if (fh.version > kFhVersion)
        return fail(unusable("version " + std::to_string(fh.version) + ", this format is version "
                             + std::to_string(kFhVersion) + " (origin unknown)"));
    if (fh.flags & ~kFhFlagAll)
        return fail(unusable("unknown flags " + hex2(fh.flags & ~kFhFlagAll) + " in flags " + hex2(fh.flags)
                             + " (origin unknown)"));
    if (!(fh.flags & kFhFlagAnyEndian) && (fh.flags & kFhFlagBigEndian) != kCpuEndianFlag)
        return fail(unusable(std::string("encoded on a ") + (fh.bigEndian() ? "big" : "little")
                             + "-endian machine without ANY_ENDIAN, this one is " + (kCpuEndianFlag ? "big" : "little")
                             + "-endian (origin unknown)"));
    if (fh.len < kFhHeaderSize)
        return fail(malformed("len " + std::to_string(fh.len) + " is shorter than the " + std::to_string(kFhHeaderSize)
                              + "-byte header"));
    std::copy(bytes.begin() + 5, bytes.begin() + 21, fh.uuid.begin());
    fh.fid.assign(bytes.begin() + kFhHeaderSize, bytes.begin() + fh.len);
    return fh;
}

std::vector<uint8_t> encodeFileHandle(const FileHandle &fh)
{
    // Sized up front and written by offset, as the wire layout reads (and GCC's
    // -O3 -Wfree-nonheap-object misfires on a reserve + push_back sequence here).
    std::vector<uint8_t> out(kFhHeaderSize + fh.fid.size());
    out[0] = fh.version;
    out[1] = fh.magic;
    out[2] = static_cast<uint8_t>(std::min<size_t>(out.size(), 255));
    out[3] = fh.flags;
    out[4] = fh.type;
    std::copy(fh.uuid.begin(), fh.uuid.end(), out.begin() + 5);
    std::copy(fh.fid.begin(), fh.fid.end(), out.begin() + kFhHeaderSize);
    return out;
}

std::string indexName(const FileHandle &fh)
{
    return toHex(encodeFileHandle(fh));
}

// namei.c ovl_verify_index: the name must be at least 2 * sizeof(struct ovl_fb)
// characters, valid hex (hex2bin), then ovl_check_fb_len over name length / 2 bytes.
Result<FileHandle> decodeIndexName(std::string_view name)
{
    auto wrap = [&](Error e) {
        e.subject = std::string(name);
        e.reason = "index name: " + e.reason;
        return fail(std::move(e));
    };
    if (name.size() < 2 * kFhHeaderSize)
        return wrap(malformed(std::to_string(name.size()) + " characters, fewer than the "
                              + std::to_string(2 * kFhHeaderSize) + " of a hex-encoded ovl_fb header"));
    // hex2bin over len = name length / 2 bytes: an odd trailing character is ignored.
    const auto bytes = fromHex(name.substr(0, name.size() & ~size_t {1}));
    if (!bytes)
        return wrap(malformed("not lowercase hex"));
    auto fh = decodeFileHandle(*bytes);
    if (!fh)
        return wrap(fh.error());
    return fh;
}

// copy_up.c ovl_encode_real_fh: exportfs_encode_inode_fh(inode, fid, &dwords, NULL, 0),
// i.e. a non-connectable handle, which is what name_to_handle_at without
// AT_HANDLE_CONNECTABLE produces; flags = OVL_FH_FLAG_CPU_ENDIAN (| PATH_UPPER);
// uuid = the real sb's s_uuid unless uuid=off/null (then zero).
Result<FileHandle> handleOfFdWithoutUuid(int fd, bool pathUpper, bool identifyOnly)
{
    alignas(struct file_handle) unsigned char storage[sizeof(struct file_handle) + kMaxHandleSize] {};
    auto *h = reinterpret_cast<struct file_handle *>(storage);
    h->handle_bytes = kMaxHandleSize;
    int mountId = 0;
    int encoded = ::name_to_handle_at(fd, "", h, &mountId, AT_EMPTY_PATH);
    if (encoded != 0 && errno == EOPNOTSUPP && identifyOnly) {
        constexpr int kAtHandleFid = 0x200; // AT_HANDLE_FID (linux/fcntl.h), not in every libc
        h->handle_bytes = kMaxHandleSize;
        encoded = ::name_to_handle_at(fd, "", h, &mountId, AT_EMPTY_PATH | kAtHandleFid);
    }
    const std::string subject = "fd " + std::to_string(fd);
    if (encoded != 0) {
        const int err = errno;
        return fail(sysError(err, subject,
                             err == EOPNOTSUPP ? "the filesystem cannot encode file handles (overlay stores an "
                                                 "empty origin: copied up, origin unknown)"
                                               : "name_to_handle_at"));
    }
    if (h->handle_type < 0 || h->handle_type == 0xff || h->handle_bytes > kMaxHandleSize)
        return fail(makeError(
            subject, "the filesystem returned an unusable handle (type " + std::to_string(h->handle_type) + ")", EIO));
    FileHandle out;
    out.flags = kCpuEndianFlag | (pathUpper ? kFhFlagPathUpper : 0);
    out.type = static_cast<uint8_t>(h->handle_type);
    out.fid.assign(h->f_handle, h->f_handle + h->handle_bytes);
    out.len = static_cast<uint8_t>(kFhHeaderSize + out.fid.size());
    return out;
}

Result<FileHandle> handleOfFd(int fd, bool pathUpper, int uuidFd, bool identifyOnly)
{
    auto out = handleOfFdWithoutUuid(fd, pathUpper, identifyOnly);
    if (!out)
        return out;
    const std::string subject = "fd " + std::to_string(fd);
    // FS_IOC_GETFSUUID (Linux 6.8+) reports sb->s_uuid; ENOTTY when the filesystem
    // has none (s_uuid_len 0), and the kernel then encodes the null uuid. An O_PATH fd
    // takes no ioctl (EBADF): ask through a real open of the same inode instead.
    struct fsuuid2 u {};
    const int askFd = uuidFd >= 0 ? uuidFd : fd;
    int rc = ::ioctl(askFd, FS_IOC_GETFSUUID, &u);
    if (rc != 0 && errno == EBADF) {
        const std::string proc = "/proc/self/fd/" + std::to_string(askFd);
        const int rfd = ::open(proc.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (rfd < 0)
            return fail(sysError(errno, subject, "cannot open the file to read its filesystem uuid"));
        rc = ::ioctl(rfd, FS_IOC_GETFSUUID, &u);
        const int err = errno;
        ::close(rfd);
        errno = err;
    }
    if (rc == 0)
        std::memcpy(out->uuid.data(), u.uuid, std::min<size_t>(u.len, out->uuid.size()));
    else if (errno != ENOTTY && errno != EINVAL && errno != EOPNOTSUPP)
        return fail(sysError(errno, subject, "FS_IOC_GETFSUUID"));
    return out;
}

} // namespace strata::ovl
