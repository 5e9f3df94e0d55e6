// SPDX-License-Identifier: GPL-2.0-or-later
#include "stackrecipe.h"

#include "stackfs.h"

#include "kerneloverlay.h"
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"
#include "stack/mergedtree.h"
#include "util/uniquefd.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace strata::test {

namespace {

bool rmTree(const std::string &path)
{
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        return false;
    if (S_ISDIR(st.st_mode)) {
        UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!fd)
            return false;
        for (const auto &n : sortedNames(fd.get()))
            if (!rmTree(path + "/" + n))
                return false;
        return ::rmdir(path.c_str()) == 0;
    }
    return ::unlink(path.c_str()) == 0;
}

// The live tree below `root`: path -> type, for choosing targets.
void walkTypes(const std::string &root, const std::string &rel, std::vector<std::pair<std::string, mode_t>> &out)
{
    UniqueFd fd(::open(join(root, rel).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return;
    for (const auto &n : sortedNames(fd.get())) {
        struct stat st {};
        if (::fstatat(fd.get(), n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        const std::string p = rel.empty() ? n : rel + "/" + n;
        out.emplace_back(p, st.st_mode);
        if (S_ISDIR(st.st_mode))
            walkTypes(root, p, out);
    }
}

int depthOf(const std::string &p)
{
    return p.empty() ? 0 : 1 + static_cast<int>(std::count(p.begin(), p.end(), '/'));
}

} // namespace

std::string describe(const Op &op)
{
    switch (op.kind) {
    case Op::MkDir:
        return "mkdir " + op.a + " mode " + octal(op.mode);
    case Op::Write:
        return "write " + op.a + " (" + std::to_string(op.size) + " bytes, seed " + std::to_string(op.seed)
            + ", create mode " + octal(op.mode) + ")";
    case Op::Append:
        return "append " + op.a + " (" + std::to_string(op.size) + " bytes)";
    case Op::Truncate:
        return "truncate " + op.a + " to " + std::to_string(op.size);
    case Op::Symlink:
        return "symlink " + op.a + " -> " + op.target;
    case Op::Unlink:
        return "unlink " + op.a;
    case Op::RmTree:
        return "rm -rf " + op.a;
    case Op::RmRecreate:
        return "rm -rf " + op.a + "; mkdir " + op.a + " mode " + octal(op.mode);
    case Op::Rename:
        return "rename " + op.a + " -> " + op.b;
    case Op::Chmod:
        return "chmod " + octal(op.mode) + " " + op.a;
    case Op::Chown:
        return "chown " + std::to_string(op.uid) + ":" + std::to_string(op.gid) + " " + op.a;
    case Op::Link:
        return "link " + op.a + " " + op.b;
    case Op::XWhiteout:
        return "xattr whiteout " + (op.a.empty() ? std::string(".") : op.a) + "/" + op.b + ", dir opaque=x";
    }
    return "?";
}

std::vector<std::string> StackRecipe::mountOptions() const
{
    if (userxattr)
        return {"userxattr"};
    std::vector<std::string> o {"redirect_dir=on"};
    if (metacopy)
        o.emplace_back("metacopy=on");
    if (index)
        o.emplace_back("index=on");
    return o;
}

std::string describe(const StackRecipe &r)
{
    std::string s
        = "stack seed " + std::to_string(r.seed) + ": " + std::to_string(r.layers.size()) + " layers, options";
    for (const auto &o : r.mountOptions())
        s += " " + o;
    s += r.finalUpper ? "; final mount: top layer as upper\n" : "; final mount: all layers read-only\n";
    for (size_t k = 0; k < r.layers.size(); ++k) {
        s += "  layer l" + std::to_string(k)
            + (k == 0 ? " (bottom, written directly):\n"
                      : " (written through a mount over l0..l" + std::to_string(k - 1) + "):\n");
        for (const auto &op : r.layers[k].ops)
            s += "    " + describe(op) + "\n";
        for (const auto &op : r.layers[k].offline)
            s += "    offline: " + describe(op) + "\n";
    }
    return s;
}

std::string contentFor(uint32_t seed, uint32_t size)
{
    std::string s(size, '\0');
    uint32_t x = seed * 2654435761u + 12345u;
    for (uint32_t i = 0; i < size; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        s[i] = static_cast<char>('a' + x % 26);
    }
    return s;
}

bool applyOp(const std::string &root, const Op &op, ovl::Namespace ns)
{
    const std::string a = join(root, op.a);
    const std::string b = join(root, op.b);
    switch (op.kind) {
    case Op::MkDir:
        return ::mkdir(a.c_str(), op.mode) == 0 && ::chmod(a.c_str(), op.mode) == 0;
    case Op::Write:
    case Op::Append: {
        const int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (op.kind == Op::Write ? O_TRUNC : O_APPEND);
        const int fd = ::open(a.c_str(), flags, op.mode);
        if (fd < 0)
            return false;
        const std::string data = contentFor(op.seed, op.size);
        const bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
        ::close(fd);
        return ok;
    }
    case Op::Truncate: {
        struct stat st {};
        if (::lstat(a.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
            return false;
        return ::truncate(a.c_str(), op.size) == 0;
    }
    case Op::Symlink:
        return ::symlink(op.target.c_str(), a.c_str()) == 0;
    case Op::Unlink:
        return ::unlink(a.c_str()) == 0;
    case Op::RmTree:
        return rmTree(a);
    case Op::RmRecreate:
        return rmTree(a) && ::mkdir(a.c_str(), op.mode) == 0 && ::chmod(a.c_str(), op.mode) == 0;
    case Op::Rename:
        return ::rename(a.c_str(), b.c_str()) == 0;
    case Op::Chmod: {
        struct stat st {};
        if (::lstat(a.c_str(), &st) != 0 || S_ISLNK(st.st_mode))
            return false;
        return ::chmod(a.c_str(), op.mode) == 0;
    }
    case Op::Chown:
        return ::lchown(a.c_str(), op.uid, op.gid) == 0;
    case Op::Link:
        return ::link(a.c_str(), b.c_str()) == 0;
    case Op::XWhiteout: {
        struct stat st {};
        if (::lstat(a.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
            return false;
        UniqueFd dir(::open(a.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!dir || !ovl::makeXattrWhiteout(dir.get(), op.b, ns))
            return false;
        return static_cast<bool>(ovl::setOpaque(dir.get(), ".", ns, ovl::Opaque::XWhiteouts));
    }
    }
    return false;
}

BuiltStack::~BuiltStack()
{
    if (!base.empty()) {
        ::umount2(mergedDir().c_str(), MNT_DETACH);
        ::umount2(base.c_str(), MNT_DETACH);
        ::rmdir(base.c_str());
    }
}

stack::StackSpec BuiltStack::spec() const
{
    stack::StackSpec s;
    const size_t n = layers.size();
    const size_t lowersFrom = recipe.finalUpper ? n - 1 : n;
    for (size_t k = lowersFrom; k-- > 0;)
        s.lower.push_back(layers[k]);
    if (recipe.finalUpper) {
        s.upper = layers[n - 1];
        s.work = works[n - 1];
    }
    for (const auto &o : recipe.mountOptions()) {
        const size_t eq = o.find('=');
        if (eq == std::string::npos)
            s.options.emplace_back(o, std::nullopt);
        else
            s.options.emplace_back(o.substr(0, eq), o.substr(eq + 1));
    }
    return s;
}

namespace {

std::unique_ptr<BuiltStack> prepare(const std::string &tmpParent, const StackRecipe &r)
{
    auto s = std::make_unique<BuiltStack>();
    s->recipe = r;
    const std::string base = tmpParent + "/s" + std::to_string(r.seed);
    ::mkdir(base.c_str(), 0755);
    if (::mount("tmpfs", base.c_str(), "tmpfs", 0, "mode=0755") != 0) {
        s->error = "mount tmpfs on " + base + ": " + std::strerror(errno);
        ::rmdir(base.c_str());
        return s;
    }
    s->base = base;
    ::mkdir(s->mergedDir().c_str(), 0755);
    for (size_t k = 0; k < r.layers.size(); ++k) {
        s->layers.push_back(base + "/l" + std::to_string(k));
        s->works.push_back(k == 0 ? std::string() : base + "/w" + std::to_string(k));
        ::mkdir(s->layers.back().c_str(), 0755);
        if (k > 0)
            ::mkdir(s->works.back().c_str(), 0755);
    }
    return s;
}

std::vector<std::string> lowersBelow(const BuiltStack &s, size_t k)
{
    std::vector<std::string> out;
    for (size_t j = k; j-- > 0;)
        out.push_back(s.layers[j]);
    return out;
}

} // namespace

std::unique_ptr<BuiltStack> buildStack(const std::string &tmpParent, const StackRecipe &r)
{
    auto s = prepare(tmpParent, r);
    if (!s->error.empty())
        return s;
    for (size_t k = 0; k < r.layers.size(); ++k) {
        if (k == 0) {
            for (const auto &op : r.layers[k].ops)
                s->opsFailed += !applyOp(s->layers[0], op, r.ns());
        } else {
            KernelOverlay ovl(s->mergedDir(), lowersBelow(*s, k), s->layers[k], s->works[k], r.mountOptions());
            if (!ovl.ok()) {
                s->error = "building layer l" + std::to_string(k) + ": " + ovl.error();
                return s;
            }
            for (const auto &op : r.layers[k].ops)
                s->opsFailed += !applyOp(s->mergedDir(), op, r.ns());
            if (!ovl.unmount()) {
                s->error = ovl.error();
                return s;
            }
        }
        for (const auto &op : r.layers[k].offline)
            s->opsFailed += !applyOp(s->layers[k], op, r.ns());
    }
    return s;
}

namespace {

const char *const kNames[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
const char *const kTargets[] = {"a", "../b", "/etc/passwd", "c/d", "dangling", "./e"};
const uint32_t kFileModes[] = {0644, 0600, 0755, 0640, 0444, 04755, 0666, 0700};
const uint32_t kDirModes[] = {0755, 0700, 0775, 0750, 01777, 0555};
const uint32_t kIds[] = {0, 1, 1000, 65534};

class Generator {
public:
    explicit Generator(uint64_t seed)
        : m_rng(seed)
    { }
    uint32_t below(uint32_t n) { return static_cast<uint32_t>(m_rng() % n); }
    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(m_rng) < p; }
    template<class T, size_t N>
    T pick(const T (&a)[N])
    {
        return a[below(N)];
    }

    uint32_t fileSize()
    {
        const uint32_t r = below(20);
        if (r < 3)
            return 0;
        if (r == 19)
            return 5000 + below(70000);
        return 1 + below(3000);
    }

    // One operation on the live tree below `root`; nullopt when nothing fits.
    std::optional<Op> next(const std::string &root, bool bottom)
    {
        std::vector<std::pair<std::string, mode_t>> tree;
        walkTypes(root, "", tree);
        std::vector<std::string> dirs {""}, files, nondirs, all;
        for (const auto &[p, m] : tree) {
            all.push_back(p);
            if (S_ISDIR(m))
                dirs.push_back(p);
            else
                nondirs.push_back(p);
            if (S_ISREG(m))
                files.push_back(p);
        }
        const bool full = tree.size() >= 60;
        auto newPath = [&]() {
            std::vector<std::string> shallow;
            for (const auto &d : dirs)
                if (depthOf(d) < 3)
                    shallow.push_back(d);
            const std::string &parent = shallow[below(static_cast<uint32_t>(shallow.size()))];
            const std::string name = pick(kNames);
            return parent.empty() ? name : parent + "/" + name;
        };
        auto any = [&](const std::vector<std::string> &v) { return v[below(static_cast<uint32_t>(v.size()))]; };

        // Weighted kinds; the bottom layer only creates.
        struct W {
            Op::Kind k;
            int w;
        };
        std::vector<W> kinds;
        if (bottom) {
            kinds = {{Op::MkDir, 4}, {Op::Write, 7}, {Op::Symlink, 1}, {Op::Link, 1}, {Op::Chown, 1}};
        } else {
            kinds = {{Op::Write, 6},   {Op::Append, 1}, {Op::Truncate, 1}, {Op::MkDir, 2},
                     {Op::Symlink, 1}, {Op::Unlink, 1}, {Op::RmTree, 1},   {Op::RmRecreate, 1},
                     {Op::Rename, 3},  {Op::Chmod, 2},  {Op::Chown, 2},    {Op::Link, 1}};
        }
        int total = 0;
        for (const auto &k : kinds)
            total += k.w;
        for (int attempt = 0; attempt < 20; ++attempt) {
            int r = static_cast<int>(below(static_cast<uint32_t>(total)));
            Op::Kind kind = kinds.front().k;
            for (const auto &k : kinds) {
                if (r < k.w) {
                    kind = k.k;
                    break;
                }
                r -= k.w;
            }
            Op op;
            op.kind = kind;
            switch (kind) {
            case Op::MkDir:
                if (full)
                    continue;
                op.a = newPath();
                op.mode = pick(kDirModes);
                return op;
            case Op::Write:
                // New file, or rewrite of an existing one (a data copy-up).
                if (!files.empty() && (full || chance(0.4)))
                    op.a = any(files);
                else if (full)
                    continue;
                else
                    op.a = newPath();
                op.size = fileSize();
                op.seed = below(1000000);
                op.mode = pick(kFileModes);
                return op;
            case Op::Append:
            case Op::Truncate:
                if (files.empty())
                    continue;
                op.a = any(files);
                op.size = kind == Op::Append ? 1 + below(100) : below(200);
                op.seed = below(1000000);
                return op;
            case Op::Symlink:
                if (full)
                    continue;
                op.a = newPath();
                op.target = pick(kTargets);
                return op;
            case Op::Unlink:
                if (nondirs.empty())
                    continue;
                op.a = any(nondirs);
                return op;
            case Op::RmTree:
            case Op::RmRecreate:
                if (dirs.size() < 2)
                    continue;
                op.a = dirs[1 + below(static_cast<uint32_t>(dirs.size() - 1))];
                op.mode = pick(kDirModes);
                return op;
            case Op::Rename:
                if (all.empty())
                    continue;
                // Mostly directories: those are what redirects are made of.
                op.a = dirs.size() > 1 && chance(0.7) ? dirs[1 + below(static_cast<uint32_t>(dirs.size() - 1))]
                                                      : any(all);
                op.b = newPath();
                if (op.b == op.a || op.b.starts_with(op.a + "/"))
                    continue;
                return op;
            case Op::Chmod:
                if (all.empty())
                    continue;
                op.a = chance(0.7) && !files.empty() ? any(files) : any(all);
                op.mode = pick(kFileModes);
                for (const auto &[p, m] : tree)
                    if (p == op.a && S_ISDIR(m))
                        op.mode = pick(kDirModes);
                return op;
            case Op::Chown:
                if (all.empty())
                    continue;
                op.a = chance(0.7) && !files.empty() ? any(files) : any(all);
                op.uid = pick(kIds);
                op.gid = pick(kIds);
                return op;
            case Op::Link:
                if (files.empty() || full)
                    continue;
                op.a = any(files);
                op.b = newPath();
                return op;
            case Op::XWhiteout:
                continue;
            }
        }
        return std::nullopt;
    }

    // An xattr whiteout in a dir of layer `layerDir` that hides a name found in a
    // layer below at the same path.
    std::optional<Op> xwhiteout(const std::string &layerDir, const std::vector<std::string> &below, ovl::Namespace ns)
    {
        std::vector<std::pair<std::string, mode_t>> tree;
        walkTypes(layerDir, "", tree);
        std::vector<std::string> dirs {""};
        for (const auto &[p, m] : tree)
            if (S_ISDIR(m))
                dirs.push_back(p);
        for (int attempt = 0; attempt < 10; ++attempt) {
            const std::string dir = dirs[this->below(static_cast<uint32_t>(dirs.size()))];
            char opaque = 0;
            ::lgetxattr(join(layerDir, dir).c_str(), ovl::name(ns, ovl::Attr::Opaque).c_str(), &opaque, 1);
            if (opaque == 'y')
                continue;
            // Names under the same path in the layers below that this layer lacks.
            std::vector<std::string> candidates;
            for (const auto &l : below) {
                std::vector<std::pair<std::string, mode_t>> sub;
                UniqueFd fd(::open(join(l, dir).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
                if (!fd)
                    continue;
                for (const auto &n : sortedNames(fd.get())) {
                    struct stat st {};
                    if (::fstatat(AT_FDCWD, join(join(layerDir, dir), n).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                        candidates.push_back(n);
                }
            }
            if (candidates.empty())
                continue;
            Op op;
            op.kind = Op::XWhiteout;
            op.a = dir;
            op.b = candidates[this->below(static_cast<uint32_t>(candidates.size()))];
            return op;
        }
        return std::nullopt;
    }

private:
    std::mt19937_64 m_rng;
};

} // namespace

std::unique_ptr<BuiltStack> generateStack(const std::string &tmpParent, uint64_t seed, StackRecipe &out)
{
    Generator g(seed);
    StackRecipe r;
    r.seed = seed;
    const size_t n = 2 + g.below(5);
    r.layers.resize(n);
    r.userxattr = g.chance(0.1);
    if (!r.userxattr) {
        r.metacopy = g.chance(0.45);
        r.index = g.chance(0.4);
    }
    r.finalUpper = g.chance(0.7);

    auto s = prepare(tmpParent, r);
    if (!s->error.empty())
        return s;
    for (size_t k = 0; k < n; ++k) {
        auto &layer = r.layers[k];
        if (k == 0) {
            const uint32_t count = 28 + g.below(25);
            for (uint32_t i = 0; i < count; ++i)
                if (auto op = g.next(s->layers[0], true); op && applyOp(s->layers[0], *op, r.ns()))
                    layer.ops.push_back(*op);
        } else {
            KernelOverlay ovl(s->mergedDir(), lowersBelow(*s, k), s->layers[k], s->works[k], r.mountOptions());
            if (!ovl.ok()) {
                s->error = "building layer l" + std::to_string(k) + ": " + ovl.error();
                s->recipe = r;
                out = r;
                return s;
            }
            const uint32_t count = 3 + g.below(8);
            for (uint32_t i = 0; i < count; ++i)
                if (auto op = g.next(s->mergedDir(), false); op && applyOp(s->mergedDir(), *op, r.ns()))
                    layer.ops.push_back(*op);
            if (!ovl.unmount()) {
                s->error = ovl.error();
                return s;
            }
        }
        // A middle layer: neither the bottom nor the one the final mount uses as upper.
        const bool middle = k >= 1 && k + 1 < n;
        if (middle && g.chance(0.4)) {
            const uint32_t count = 1 + g.below(2);
            for (uint32_t i = 0; i < count; ++i)
                if (auto op = g.xwhiteout(s->layers[k], lowersBelow(*s, k), r.ns());
                    op && applyOp(s->layers[k], *op, r.ns()))
                    layer.offline.push_back(*op);
        }
    }
    s->recipe = r;
    out = r;
    return s;
}

} // namespace strata::test
