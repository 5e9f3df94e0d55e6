// SPDX-License-Identifier: GPL-2.0-or-later
#include "entry.h"

namespace strata::stack {

FileType fileTypeOf(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG:
        return FileType::Regular;
    case S_IFDIR:
        return FileType::Directory;
    case S_IFLNK:
        return FileType::Symlink;
    case S_IFCHR:
        return FileType::CharDevice;
    case S_IFBLK:
        return FileType::BlockDevice;
    case S_IFIFO:
        return FileType::Fifo;
    case S_IFSOCK:
        return FileType::Socket;
    default:
        return FileType::Unknown;
    }
}

std::string_view fileTypeName(FileType t)
{
    switch (t) {
    case FileType::Regular:
        return "file";
    case FileType::Directory:
        return "dir";
    case FileType::Symlink:
        return "symlink";
    case FileType::CharDevice:
        return "chardev";
    case FileType::BlockDevice:
        return "blockdev";
    case FileType::Fifo:
        return "fifo";
    case FileType::Socket:
        return "socket";
    case FileType::Unknown:
        break;
    }
    return "unknown";
}

Attrs Attrs::fromStat(const struct stat &st)
{
    Attrs a;
    a.type = fileTypeOf(st.st_mode);
    a.mode = st.st_mode;
    a.uid = st.st_uid;
    a.gid = st.st_gid;
    a.size = st.st_size;
    a.blocks = st.st_blocks;
    a.nlink = st.st_nlink;
    a.ino = st.st_ino;
    a.dev = st.st_dev;
    a.rdev = st.st_rdev;
    a.mtime = st.st_mtim;
    return a;
}

std::vector<std::string_view> stateNames(uint32_t state)
{
    static constexpr std::pair<uint32_t, std::string_view> names[] = {
        {StateWhiteout, "whiteout"},
        {StateXattrWhiteout, "xattr-whiteout"},
        {StateSharedWhiteout, "shared-whiteout"},
        {StateOpaque, "opaque"},
        {StateXWhiteoutsDir, "xwhiteouts-dir"},
        {StateMerged, "merged"},
        {StateRedirected, "redirected"},
        {StateCopiedUp, "copied-up"},
        {StateMetacopy, "metacopy"},
        {StateImpure, "impure"},
        {StateUpperOnly, "upper-only"},
    };
    std::vector<std::string_view> out;
    for (const auto &[bit, name] : names)
        if (state & bit)
            out.push_back(name);
    return out;
}

std::string_view shadowKindName(ShadowKind k)
{
    switch (k) {
    case ShadowKind::Hidden:
        return "hidden";
    case ShadowKind::Merged:
        return "merged";
    case ShadowKind::Whiteout:
        return "whiteout";
    case ShadowKind::DataSource:
        return "data";
    case ShadowKind::Unrelated:
        return "unrelated";
    }
    return "unknown";
}

std::string_view originStatusName(OriginInfo::Status s)
{
    switch (s) {
    case OriginInfo::Status::Unknown:
        return "unknown";
    case OriginInfo::Status::Malformed:
        return "malformed";
    case OriginInfo::Status::Unresolved:
        return "unresolved";
    case OriginInfo::Status::VerifiedByInode:
        return "verified-by-inode";
    case OriginInfo::Status::ResolvedByHandle:
        return "resolved-by-handle";
    }
    return "unknown";
}

} // namespace strata::stack
