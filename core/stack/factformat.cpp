// SPDX-License-Identifier: GPL-2.0-or-later
#include "factformat.h"

#include "ovl/values.h"

#include <array>
#include <cstdio>
#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace strata::stack {

namespace {

void appendListItem(std::string &out, std::string_view item)
{
    if (!out.empty())
        out += ", ";
    out += item;
}

} // namespace

std::string formatSize(uint64_t bytes)
{
    if (bytes < 1024)
        return std::to_string(bytes) + " B";
    static constexpr std::array<const char *, 6> units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = static_cast<double>(bytes) / 1024;
    size_t u = 0;
    while (v >= 1024 && u + 1 < units.size()) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

std::string formatBytes(uint64_t bytes)
{
    return std::to_string(bytes);
}

std::string formatMode(mode_t mode)
{
    std::string s(10, '-');
    switch (mode & S_IFMT) {
    case S_IFDIR:
        s[0] = 'd';
        break;
    case S_IFLNK:
        s[0] = 'l';
        break;
    case S_IFCHR:
        s[0] = 'c';
        break;
    case S_IFBLK:
        s[0] = 'b';
        break;
    case S_IFIFO:
        s[0] = 'p';
        break;
    case S_IFSOCK:
        s[0] = 's';
        break;
    default:
        break;
    }
    static constexpr const char rwx[] = "rwxrwxrwx";
    for (size_t i = 0; i < 9; ++i)
        if (mode & (0400u >> i))
            s[i + 1] = rwx[i];
    // The execute slot shows the special bit: lower case with x, upper case without.
    auto special = [&](size_t pos, mode_t bit, char set) {
        if (mode & bit)
            s[pos] = s[pos] == '-' ? static_cast<char>(set - 'a' + 'A') : set;
    };
    special(3, S_ISUID, 's');
    special(6, S_ISGID, 's');
    special(9, S_ISVTX, 't');
    return s;
}

std::string formatModeOctal(mode_t mode)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

std::string formatOwner(uid_t uid, gid_t gid)
{
    return std::to_string(uid) + ":" + std::to_string(gid);
}

std::string formatTime(const timespec &t)
{
    tm local {};
    const time_t secs = t.tv_sec;
    if (!::localtime_r(&secs, &local))
        return std::to_string(t.tv_sec);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
    return buf;
}

std::string formatStates(uint32_t state)
{
    std::string out;
    for (const std::string_view name : stateNames(state))
        appendListItem(out, name);
    return out;
}

std::string formatDevice(dev_t dev)
{
    return std::to_string(major(dev)) + ":" + std::to_string(minor(dev));
}

std::string formatLayerFlags(const FsIdentity &fs)
{
    std::string out;
    if (fs.readOnly)
        appendListItem(out, "ro");
    if (fs.remote)
        appendListItem(out, "remote");
    return out;
}

std::string formatFsIdentity(const FsIdentity &fs)
{
    std::string out = fs.fsType.empty() ? "?" : fs.fsType;
    appendListItem(out, formatDevice(fs.dev));
    if (fs.uuid)
        appendListItem(out, ovl::formatUuid(*fs.uuid));
    return out;
}

} // namespace strata::stack
