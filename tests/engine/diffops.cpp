// SPDX-License-Identifier: GPL-2.0-or-later
#include "diffops.h"

#include "ovl/whiteout.h"
#include "ovl/xattrs.h"

#include <algorithm>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace strata::test::fuzz {

namespace {

using Rng = std::mt19937_64;

constexpr const char *kDirNames[] = {"a", "b", "c"};
constexpr const char *kFileNames[] = {"f", "g", "h"};
constexpr const char *kAllNames[] = {"a", "b", "c", "f", "g", "h"};
constexpr unsigned kModes[] = {0644, 0600, 0755, 0444, 0700, 0640};

int pick(Rng &r, int n)
{
    return static_cast<int>(r() % static_cast<uint64_t>(n));
}

bool chance(Rng &r, int percent)
{
    return pick(r, 100) < percent;
}

std::string content(Rng &r, size_t n)
{
    std::string s(n, '\0');
    const char base = static_cast<char>('A' + pick(r, 26));
    for (size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>(base + (i * 7 + i / 13) % 23);
    return s;
}

void writeAll(const std::string &path, const std::string &data, mode_t mode)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0600);
    if (fd < 0)
        return;
    if (!data.empty() && ::write(fd, data.data(), data.size()) < 0)
        std::perror("write");
    ::fchmod(fd, mode);
    ::close(fd);
}

void decorate(Rng &r, const std::string &p, bool isDir)
{
    if (chance(r, 20))
        ::lchown(p.c_str(), 1000, 1000);
    if (chance(r, 20)) {
        const std::string v = "v" + std::to_string(pick(r, 100));
        ::lsetxattr(p.c_str(), "user.x", v.data(), v.size(), 0);
    }
    if (!isDir)
        ::chmod(p.c_str(), kModes[pick(r, 6)]);
    else if (chance(r, 15))
        ::chmod(p.c_str(), 0700);
}

// What a layer may hold beyond files, dirs and symlinks, by its position.
struct FillRules {
    bool whiteouts = false; // 0/0 whiteouts and opaque=y dirs (any layer but the last lower)
    bool markX = true; // opaque=x dirs
    bool xattrWhiteouts = true; // xattr whiteouts (only ever inside an opaque=x dir)
    ovl::Namespace ns = ovl::Namespace::Trusted;
    // A metacopy stub instead of a file: its data in a data-only layer, reached by
    // an absolute redirect; `metaRoot` is that layer (empty: no stubs here).
    std::string metaRoot;
    std::string metaPrefix; // the redirect's path of the sequence's dir ("/s12")
};

// A zero-size file carrying overlay.whiteout (any layer: the kernel's lookup
// honours it everywhere, its readdir only in an opaque=x dir of a middle lower).
void xattrWhiteout(const std::string &p, ovl::Namespace ns)
{
    (void)ovl::makeXattrWhiteout(AT_FDCWD, p, ns);
}

// A composefs-style file: metadata here (sparse, full size, overlay.metacopy),
// data in a data-only layer under the same path, reached by an absolute redirect.
void metacopyStub(Rng &r, const std::string &p, const std::string &rel, const FillRules &f)
{
    const std::string data = content(r, static_cast<size_t>(1 + pick(r, 6000)));
    const std::string dataPath = f.metaRoot + "/" + rel;
    std::filesystem::create_directories(std::filesystem::path(dataPath).parent_path());
    writeAll(dataPath, data, 0644);
    writeAll(p, "", kModes[pick(r, 6)]);
    if (::truncate(p.c_str(), static_cast<off_t>(data.size())) != 0)
        return;
    (void)ovl::setMetacopy(AT_FDCWD, p, f.ns, nullptr);
    (void)ovl::setRedirect(AT_FDCWD, p, f.ns, f.metaPrefix + "/" + rel);
}

// One layer's directory: each name of the pool is absent, a directory (recursing),
// a file, a symlink, an xattr whiteout, or where `f` allows, a 0/0 whiteout, an
// opaque directory or a metacopy stub. Directories are marked opaque=x now and then
// (with or without xattr whiteouts in them), in every layer position.
//
// Xattr whiteouts go only into dirs marked opaque=x in the same layer (what the
// kernel's documentation asks of layer composers), and none into the upper: the
// kernel's listing of any other placement depends on the lookups made since the
// mount (ovl::inXWhiteoutsDir, ovl::readdirLooksUp), and the kernel disagrees with
// itself across remounts there. test_engine_xwhiteout covers those positions with
// one listing each.
void fill(Rng &r, const std::string &dir, const std::string &rel, int depth, const FillRules &f, bool dirIsX)
{
    for (const char *n : kAllNames) {
        const std::string p = dir + "/" + n;
        const std::string pr = rel.empty() ? n : rel + "/" + n;
        const bool dirName = std::strchr("abc", n[0]) != nullptr;
        const int roll = pick(r, 100);
        if (roll < 35)
            continue;
        if (f.whiteouts && roll < 43) {
            ::mknod(p.c_str(), S_IFCHR | 0, ::makedev(0, 0));
        } else if (roll < 48) {
            if (f.xattrWhiteouts && dirIsX)
                xattrWhiteout(p, f.ns);
        } else if (roll < 56) {
            if (::symlink(dirName ? "f" : "../a", p.c_str()) != 0)
                continue;
        } else if (dirName && depth < 2) {
            if (::mkdir(p.c_str(), 0755) != 0)
                continue;
            const int mark = pick(r, 100);
            const bool x = f.markX && mark >= 15 && mark < 35;
            if (f.whiteouts && mark < 15)
                (void)ovl::setOpaque(AT_FDCWD, p, f.ns, ovl::Opaque::Yes);
            else if (x)
                (void)ovl::setOpaque(AT_FDCWD, p, f.ns, ovl::Opaque::XWhiteouts);
            fill(r, p, pr, depth + 1, f, x);
            decorate(r, p, true);
        } else if (!f.metaRoot.empty() && chance(r, 35)) {
            metacopyStub(r, p, pr, f);
        } else {
            writeAll(p, content(r, static_cast<size_t>(pick(r, 3) == 0 ? 0 : pick(r, 6000))), 0644);
            decorate(r, p, false);
        }
    }
}

std::vector<std::string> regularFiles(const std::string &root)
{
    std::vector<std::string> out;
    for (auto it = std::filesystem::recursive_directory_iterator(root); it != decltype(it)(); ++it)
        if (it->is_regular_file() && !it->is_symlink())
            out.push_back(it->path().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::string randomPath(Rng &r)
{
    std::string p;
    const int roll = pick(r, 10);
    const int depth = roll < 4 ? 0 : roll < 8 ? 1 : 2;
    for (int k = 0; k < depth; ++k)
        p += std::string(kDirNames[pick(r, 3)]) + "/";
    return p + kAllNames[pick(r, 6)];
}

std::string errName(int e)
{
    const char *n = strerrordesc_np(e);
    return "E" + std::to_string(e) + (n ? std::string(" ") + n : std::string());
}

std::string rc(int r)
{
    return r == 0 ? "0" : errName(errno);
}

std::string digest(const std::string &s)
{
    return std::to_string(s.size()) + ":" + std::to_string(std::hash<std::string> {}(s));
}

} // namespace

void buildLayers(uint64_t seed, const LayerSet &l, const std::string &dir)
{
    Rng r(seed * 0x9e3779b97f4a7c15ULL + 17);
    const size_t n = l.lowers.size();
    // Bottom up: the last lower first, so its hard links are made before the layers
    // above are filled (the order the draws of a seed come in stays fixed).
    for (size_t k = n; k-- > 0;) {
        const std::string d = l.lowers[k] + "/" + dir;
        ::mkdir(d.c_str(), 0755);
        FillRules f;
        f.ns = l.ns;
        f.whiteouts = k + 1 < n;
        // Stubs into the data-only layers, in the last lower (the kernel needs no
        // metacopy=on there). Stubs in the lowers above (metacopy=on) are left out:
        // the kernel fails some of their lookups with EIO where strata-fuse finds
        // the data (not analysed yet, see the report of issue #12).
        if (!l.data.empty() && k + 1 == n) {
            f.metaRoot = l.data[static_cast<size_t>(pick(r, static_cast<int>(l.data.size())))] + "/" + dir;
            f.metaPrefix = "/" + dir;
        }
        // With data-only layers the last lower's opaque=x counts for a dir found
        // first there (d->last stays false), and whether readdir then checks that
        // layer's xattr whiteouts depends on the lookups made since the mount
        // (ovl::inXWhiteoutsDir): the kernel disagrees with itself across remounts,
        // so such stacks leave the last lower unmarked.
        f.markX = l.data.empty() || k + 1 != n;
        fill(r, d, "", 0, f, false);
        if (k + 1 != n)
            continue;
        // Hard links in the bottom layer: another name for one of its files, possibly
        // in another directory, so copy-up of one name meets the others.
        auto files = regularFiles(d);
        // Not the overlay's own files (metacopy stubs, xattr whiteouts).
        std::erase_if(files, [&](const std::string &p) {
            return ::lgetxattr(p.c_str(), ovl::name(l.ns, ovl::Attr::Metacopy).c_str(), nullptr, 0) >= 0
                || ::lgetxattr(p.c_str(), ovl::name(l.ns, ovl::Attr::Whiteout).c_str(), nullptr, 0) >= 0;
        });
        for (int j = 0; j < 2 && !files.empty(); ++j) {
            const std::string &src = files[static_cast<size_t>(pick(r, static_cast<int>(files.size())))];
            const std::string dstDir = pick(r, 2) ? d : std::filesystem::path(src).parent_path().string();
            const std::string dst = dstDir + "/" + (j ? "g" : "h");
            ::link(src.c_str(), dst.c_str());
        }
    }
    // The upper as an earlier session may have left it: whiteouts of both kinds,
    // opaque dirs, opaque=x marks, a few files.
    if (!l.upper.empty()) {
        const std::string d = l.upper + "/" + dir;
        ::mkdir(d.c_str(), 0755);
        FillRules f;
        f.ns = l.ns;
        f.whiteouts = true;
        f.xattrWhiteouts = false;
        if (chance(r, 50))
            fill(r, d, "", 1, f, false);
    }
}

std::vector<Op> generate(uint64_t seed, int count)
{
    Rng r(seed * 0xc2b2ae3d27d4eb4fULL + 5);
    std::vector<Op> ops;
    for (int k = 0; k < count; ++k) {
        Op o;
        o.a = randomPath(r);
        const int roll = pick(r, 100);
        static constexpr struct {
            int upTo;
            Kind kind;
        } kTable[] = {
            {7, Kind::Create},       {15, Kind::Write},     {19, Kind::Append},  {24, Kind::Truncate},
            {26, Kind::Fallocate},   {29, Kind::CopyRange}, {35, Kind::Mkdir},   {40, Kind::Rmdir},
            {47, Kind::Unlink},      {49, Kind::Mkfifo},    {52, Kind::Symlink}, {57, Kind::Link},
            {72, Kind::Rename},      {76, Kind::Chmod},     {79, Kind::Chown},   {83, Kind::SetXattr},
            {85, Kind::RemoveXattr}, {87, Kind::GetXattr},  {91, Kind::Read},    {95, Kind::Stat},
            {98, Kind::List},        {100, Kind::SeekData},
        };
        for (const auto &t : kTable)
            if (roll < t.upTo) {
                o.kind = t.kind;
                break;
            }
        switch (o.kind) {
        case Kind::Create:
            o.flags = static_cast<unsigned>(pick(r, 2)); // 1: O_EXCL
            o.data = content(r, static_cast<size_t>(pick(r, 3000)));
            o.x = kModes[pick(r, 6)];
            break;
        case Kind::Write:
            o.x = pick(r, 3) == 0 ? 0 : pick(r, 9000);
            o.data = content(r, static_cast<size_t>(1 + pick(r, 2000)));
            break;
        case Kind::Append:
            o.data = content(r, static_cast<size_t>(1 + pick(r, 500)));
            break;
        case Kind::Truncate:
            o.x = pick(r, 4) == 0 ? 0 : pick(r, 12000);
            break;
        case Kind::Fallocate:
            o.x = pick(r, 5000);
            o.y = 1 + pick(r, 8000);
            break;
        case Kind::CopyRange:
            o.b = randomPath(r);
            o.x = pick(r, 3000);
            o.y = pick(r, 3000);
            o.flags = static_cast<unsigned>(1 + pick(r, 4000));
            break;
        case Kind::Mkdir:
        case Kind::Chmod:
            o.x = kModes[pick(r, 6)];
            break;
        case Kind::Symlink:
            o.b = pick(r, 2) ? "f" : "../b/g";
            break;
        case Kind::Link:
            o.b = randomPath(r);
            break;
        case Kind::Rename: {
            o.b = randomPath(r);
            const int f = pick(r, 10);
            o.flags = f < 6 ? 0 : f < 8 ? RENAME_NOREPLACE : RENAME_EXCHANGE;
            break;
        }
        case Kind::Chown:
            o.x = pick(r, 2) ? 1000 : 0;
            o.y = pick(r, 3) ? 1000 : 0;
            break;
        case Kind::SetXattr:
            o.b = pick(r, 2) ? "user.x" : "user.y";
            o.data = "w" + std::to_string(pick(r, 1000));
            break;
        case Kind::RemoveXattr:
        case Kind::GetXattr:
            o.b = pick(r, 2) ? "user.x" : "user.y";
            break;
        case Kind::SeekData:
            o.x = pick(r, 12000);
            o.flags = pick(r, 2) ? SEEK_DATA : SEEK_HOLE;
            break;
        default:
            break;
        }
        ops.push_back(std::move(o));
    }
    return ops;
}

std::string dumpLayer(const std::string &dir)
{
    std::string out;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); it != decltype(it)(); it.increment(ec)) {
        const std::string p = it->path().string();
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0)
            continue;
        char buf[64];
        std::snprintf(buf, sizeof(buf), " %o nlink=%lu", st.st_mode, static_cast<unsigned long>(st.st_nlink));
        out += "    " + p.substr(dir.size()) + buf;
        char names[1024];
        const ssize_t n = ::llistxattr(p.c_str(), names, sizeof(names));
        for (const char *x = names; n > 0 && x < names + n; x += std::strlen(x) + 1) {
            char v[300];
            const ssize_t vl = ::lgetxattr(p.c_str(), x, v, sizeof(v));
            std::string val = vl > 0 ? std::string(v, static_cast<size_t>(vl)) : "";
            for (char &c : val)
                if (c < 32 || c > 126)
                    c = '.';
            out += std::string(" ") + x + "=" + val;
        }
        out += "\n";
    }
    return out;
}

std::string Op::describe() const
{
    static constexpr const char *kNames[] = {
        "create",      "write",    "append",  "truncate", "fallocate", "copy_file_range", "mkdir", "rmdir",
        "unlink",      "mkfifo",   "symlink", "link",     "rename",    "chmod",           "chown", "setxattr",
        "removexattr", "getxattr", "read",    "stat",     "list",      "lseek",
    };
    std::string s = std::string(kNames[static_cast<int>(kind)]) + " " + a;
    if (!b.empty())
        s += " " + b;
    char buf[96];
    std::snprintf(buf, sizeof(buf), " x=%lld y=%lld flags=%u", x, y, flags);
    s += buf;
    if (!data.empty())
        s += " data=" + std::to_string(data.size()) + "B:" + data.substr(0, 4);
    return s;
}

std::string apply(const std::string &root, const Op &op)
{
    const std::string a = root + "/" + op.a, b = root + "/" + op.b;
    switch (op.kind) {
    case Kind::Create: {
        const int fd
            = ::open(a.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK | (op.flags ? O_EXCL : 0), op.x);
        if (fd < 0)
            return errName(errno);
        const ssize_t n = ::write(fd, op.data.data(), op.data.size());
        const int err = n < 0 ? errno : 0;
        ::close(fd);
        return err ? errName(err) : "0";
    }
    case Kind::Write:
    case Kind::Append: {
        const int fd = ::open(a.c_str(), O_WRONLY | O_CLOEXEC | O_NONBLOCK | (op.kind == Kind::Append ? O_APPEND : 0));
        if (fd < 0)
            return errName(errno);
        const ssize_t n = op.kind == Kind::Append ? ::write(fd, op.data.data(), op.data.size())
                                                  : ::pwrite(fd, op.data.data(), op.data.size(), op.x);
        const int err = n < 0 ? errno : 0;
        ::close(fd);
        return err ? errName(err) : "0";
    }
    case Kind::Truncate:
        return rc(::truncate(a.c_str(), op.x));
    case Kind::Fallocate: {
        const int fd = ::open(a.c_str(), O_WRONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
            return errName(errno);
        const int r = ::fallocate(fd, 0, op.x, op.y);
        const std::string out = rc(r);
        ::close(fd);
        return out;
    }
    case Kind::CopyRange: {
        // The writer first: a lower file open for reading through FUSE passthrough
        // cannot take a writer (docs/ENGINE.md), so the copy-up comes first.
        const int out = ::open(b.c_str(), O_WRONLY | O_CLOEXEC | O_NONBLOCK);
        if (out < 0)
            return "out:" + errName(errno);
        const int in = ::open(a.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (in < 0) {
            const int err = errno;
            ::close(out);
            return "in:" + errName(err);
        }
        loff_t oi = op.x, oo = op.y;
        const ssize_t n = ::copy_file_range(in, &oi, out, &oo, op.flags, 0);
        const std::string res = n < 0 ? errName(errno) : std::to_string(n);
        ::close(in);
        ::close(out);
        return res;
    }
    case Kind::Mkdir:
        return rc(::mkdir(a.c_str(), static_cast<mode_t>(op.x)));
    case Kind::Rmdir:
        return rc(::rmdir(a.c_str()));
    case Kind::Unlink:
        return rc(::unlink(a.c_str()));
    case Kind::Mkfifo:
        return rc(::mknod(a.c_str(), S_IFIFO | 0640, 0));
    case Kind::Symlink:
        return rc(::symlink(op.b.c_str(), a.c_str()));
    case Kind::Link:
        return rc(::link(a.c_str(), b.c_str()));
    case Kind::Rename:
        return rc(::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), op.flags));
    case Kind::Chmod:
        return rc(::chmod(a.c_str(), static_cast<mode_t>(op.x)));
    case Kind::Chown:
        return rc(::lchown(a.c_str(), static_cast<uid_t>(op.x), static_cast<gid_t>(op.y)));
    case Kind::SetXattr:
        return rc(::setxattr(a.c_str(), op.b.c_str(), op.data.data(), op.data.size(), 0));
    case Kind::RemoveXattr:
        return rc(::removexattr(a.c_str(), op.b.c_str()));
    case Kind::GetXattr: {
        char v[256];
        const ssize_t n = ::getxattr(a.c_str(), op.b.c_str(), v, sizeof(v));
        return n < 0 ? errName(errno) : std::string(v, static_cast<size_t>(n));
    }
    case Kind::Read: {
        const int fd = ::open(a.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
            return errName(errno);
        std::string s;
        char buf[8192];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof(buf))) > 0)
            s.append(buf, static_cast<size_t>(n));
        const int err = n < 0 ? errno : 0;
        ::close(fd);
        return err ? errName(err) : digest(s);
    }
    case Kind::Stat: {
        struct stat st {};
        if (::lstat(a.c_str(), &st) != 0)
            return errName(errno);
        char buf[128];
        std::snprintf(buf, sizeof(buf), "mode=%o nlink=%lu uid=%u gid=%u size=%lld", st.st_mode,
                      static_cast<unsigned long>(st.st_nlink), st.st_uid, st.st_gid,
                      S_ISDIR(st.st_mode) ? 0LL : static_cast<long long>(st.st_size));
        return buf;
    }
    case Kind::List: {
        DIR *d = ::opendir(a.c_str());
        if (!d)
            return errName(errno);
        std::vector<std::string> names;
        while (dirent *e = ::readdir(d))
            names.push_back(std::string(e->d_name) + ":" + std::to_string(e->d_type));
        ::closedir(d);
        std::sort(names.begin(), names.end());
        std::string s;
        for (const auto &n : names)
            s += n + ",";
        return s;
    }
    case Kind::SeekData: {
        const int fd = ::open(a.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
            return errName(errno);
        // Directories: the FUSE kernel module answers lseek on them itself (ENXIO
        // past the size, where overlayfs says EINVAL); not the engine's to change.
        struct stat st {};
        if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            ::close(fd);
            return "dir";
        }
        const off_t o = ::lseek(fd, op.x, static_cast<int>(op.flags));
        const std::string res = o < 0 ? errName(errno) : std::to_string(o);
        ::close(fd);
        return res;
    }
    }
    return "?";
}

} // namespace strata::test::fuzz
