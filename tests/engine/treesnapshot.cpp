// SPDX-License-Identifier: GPL-2.0-or-later
#include "treesnapshot.h"

#include <QCryptographicHash>
#include <QFile>
#include <climits>
#include <cstring>
#include <dirent.h>
#include <set>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <vector>

namespace strata::test {

namespace {

char typeOf(mode_t m)
{
    // Indexed by the S_IFMT nibble: fifo 1, chr 2, dir 4, blk 6, reg 8, lnk 10, sock 12.
    static constexpr char kTypes[] = "?pc?d?b?f?l?s???";
    return kTypes[(m & S_IFMT) >> 12];
}

std::string userXattrs(const std::string &path)
{
    ssize_t len = ::llistxattr(path.c_str(), nullptr, 0);
    if (len <= 0)
        return {};
    std::vector<char> buf(static_cast<size_t>(len));
    len = ::llistxattr(path.c_str(), buf.data(), buf.size());
    std::set<std::string> out;
    for (const char *n = buf.data(); len > 0 && n < buf.data() + len; n += std::strlen(n) + 1) {
        if (std::string_view(n).substr(0, 5) != "user.")
            continue;
        char v[4096];
        const ssize_t vl = ::lgetxattr(path.c_str(), n, v, sizeof(v));
        out.insert(std::string(n) + "=" + (vl >= 0 ? std::string(v, static_cast<size_t>(vl)) : "?"));
    }
    std::string s;
    for (const auto &x : out)
        s += x + ";";
    return s;
}

void walk(const std::string &root, const std::string &rel, Snapshot &out)
{
    const std::string dirPath = rel.empty() ? root : root + "/" + rel;
    DIR *d = ::opendir(dirPath.c_str());
    if (!d)
        return;
    std::vector<std::string> names;
    while (dirent *e = ::readdir(d)) {
        const std::string n = e->d_name;
        if (n != "." && n != "..")
            names.push_back(n);
    }
    ::closedir(d);
    for (const auto &n : names) {
        const std::string r = rel.empty() ? n : rel + "/" + n;
        const std::string p = root + "/" + r;
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0) {
            out[r].type = '!';
            out[r].content = std::strerror(errno);
            continue;
        }
        SnapEntry e;
        e.type = typeOf(st.st_mode);
        e.mode = st.st_mode & 07777;
        e.uid = st.st_uid;
        e.gid = st.st_gid;
        e.nlink = static_cast<unsigned>(st.st_nlink);
        e.xattrs = userXattrs(p);
        if (S_ISREG(st.st_mode)) {
            e.size = st.st_size;
            QFile f(QString::fromStdString(p));
            if (f.open(QIODevice::ReadOnly)) {
                QCryptographicHash h(QCryptographicHash::Sha256);
                h.addData(&f);
                e.content = h.result().toHex().toStdString();
            } else {
                e.content = "unreadable";
            }
        } else if (S_ISLNK(st.st_mode)) {
            char t[PATH_MAX];
            const ssize_t l = ::readlink(p.c_str(), t, sizeof(t));
            e.content = l >= 0 ? std::string(t, static_cast<size_t>(l)) : "?";
            e.size = st.st_size;
        }
        out[r] = e;
        if (S_ISDIR(st.st_mode))
            walk(root, r, out);
    }
}

} // namespace

std::string SnapEntry::describe() const
{
    char buf[160];
    std::snprintf(buf, sizeof(buf), "%c size=%lld mode=%o uid=%u gid=%u nlink=%u ", type, size, mode, uid, gid, nlink);
    return buf + content.substr(0, 16) + " " + xattrs;
}

Snapshot snapshot(const std::string &root)
{
    Snapshot s;
    walk(root, "", s);
    return s;
}

std::string diff(const Snapshot &a, const Snapshot &b, const std::string &nameA, const std::string &nameB)
{
    std::string out;
    for (const auto &[p, e] : a) {
        auto it = b.find(p);
        if (it == b.end())
            out += p + ": only in " + nameA + " (" + e.describe() + ")\n";
        else if (!(it->second == e))
            out += p + ": " + nameA + " " + e.describe() + " / " + nameB + " " + it->second.describe() + "\n";
    }
    for (const auto &[p, e] : b)
        if (!a.contains(p))
            out += p + ": only in " + nameB + " (" + e.describe() + ")\n";
    return out;
}

} // namespace strata::test
