// SPDX-License-Identifier: GPL-2.0-or-later
#include "textformat.h"

#include <array>
#include <cstdio>
#include <grp.h>
#include <map>
#include <pwd.h>
#include <sys/stat.h>

namespace strata::cli {

std::string formatSize(uint64_t bytes, bool exact)
{
    if (exact || bytes < 1024)
        return std::to_string(bytes);
    static constexpr std::array units = {'K', 'M', 'G', 'T', 'P', 'E'};
    double v = static_cast<double>(bytes);
    size_t u = 0;
    v /= 1024;
    while (v >= 1024 && u + 1 < units.size()) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    if (v < 10)
        std::snprintf(buf, sizeof buf, "%.1f%c", v, units[u]);
    else
        std::snprintf(buf, sizeof buf, "%.0f%c", v, units[u]);
    return buf;
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
    for (int i = 0; i < 9; ++i)
        if (mode & (1u << (8 - i)))
            s[static_cast<size_t>(i) + 1] = rwx[i];
    auto special = [&](size_t pos, mode_t bit, char set) {
        if (mode & bit)
            s[pos] = s[pos] == '-' ? static_cast<char>(set - 'a' + 'A') : set;
    };
    special(3, S_ISUID, 's');
    special(6, S_ISGID, 's');
    special(9, S_ISVTX, 't');
    return s;
}

std::string formatOwner(uid_t uid, gid_t gid)
{
    // Layers of containers carry ids of other user namespaces; the local names are
    // what `ls -l` of the layer shows, so they are what a reader compares with.
    static std::map<uid_t, std::string> users;
    static std::map<gid_t, std::string> groups;
    auto userIt = users.find(uid);
    if (userIt == users.end()) {
        const struct passwd *pw = ::getpwuid(uid);
        userIt = users.emplace(uid, pw ? pw->pw_name : std::to_string(uid)).first;
    }
    auto groupIt = groups.find(gid);
    if (groupIt == groups.end()) {
        const struct group *gr = ::getgrgid(gid);
        groupIt = groups.emplace(gid, gr ? gr->gr_name : std::to_string(gid)).first;
    }
    return userIt->second + ":" + groupIt->second;
}

std::string formatTime(const timespec &t)
{
    tm local {};
    const time_t secs = t.tv_sec;
    if (!::localtime_r(&secs, &local))
        return std::to_string(t.tv_sec);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &local);
    return buf;
}

std::string_view layerColor(int layer)
{
    static constexpr std::array<std::string_view, 6> palette = {"36", "35", "34", "33", "32", "96"};
    return palette[static_cast<size_t>(layer < 0 ? 0 : layer) % palette.size()];
}

std::string colored(std::string_view text, std::string_view color, bool enabled)
{
    if (!enabled || color.empty())
        return std::string(text);
    std::string out = "\x1b[";
    out += color;
    out += 'm';
    out += text;
    out += "\x1b[0m";
    return out;
}

} // namespace strata::cli
