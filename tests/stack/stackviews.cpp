// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel's view and the inspector's view of a stack, their differences, and a
// dump of the layers (see stackrecipe.h).
#include "stackfs.h"
#include "stackrecipe.h"

#include "stack/mergedtree.h"
#include "util/uniquefd.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace strata::test {

View kernelView(const std::string &mountpoint, std::string &error)
{
    View v;
    struct stat root {};
    if (::lstat(mountpoint.c_str(), &root) != 0) {
        error = mountpoint + ": " + std::strerror(errno);
        return v;
    }
    v[""] = facts(root, "", "");
    std::vector<std::string> todo {""};
    while (!todo.empty()) {
        const std::string rel = todo.back();
        todo.pop_back();
        UniqueFd fd(::open(join(mountpoint, rel).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!fd) {
            v[rel + "/"] = std::string("ERR-opendir:") + std::strerror(errno);
            continue;
        }
        for (const auto &n : sortedNames(fd.get())) {
            const std::string p = rel.empty() ? n : rel + "/" + n;
            struct stat st {};
            if (::fstatat(fd.get(), n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
                v[p] = std::string("ERR-lstat:") + std::strerror(errno);
                continue;
            }
            v[p] = facts(st, S_ISLNK(st.st_mode) ? linkAt(fd.get(), n) : "",
                         S_ISREG(st.st_mode) ? digestAt(fd.get(), n) : "");
            if (S_ISDIR(st.st_mode))
                todo.push_back(p);
        }
    }
    return v;
}

View inspectorView(const stack::LayerStack &stack, std::string &error, InspectorStats *stats)
{
    using namespace strata::stack;
    View v;
    InspectorStats local;
    InspectorStats &st = stats ? *stats : local;
    auto shared = std::shared_ptr<const LayerStack>(&stack, [](const LayerStack *) { });
    MergedTree tree(shared);
    auto root = tree.lookup("");
    if (!root) {
        error = root.error().message();
        return v;
    }
    struct stat rst {};
    rst.st_mode = root->attrs.mode;
    rst.st_uid = root->attrs.uid;
    rst.st_gid = root->attrs.gid;
    rst.st_size = root->attrs.size;
    v[""] = facts(rst, "", "");

    auto layerFile = [&](int layer, const std::string &path) {
        return stack.layers()[static_cast<size_t>(layer)].path + "/" + path;
    };
    std::vector<std::string> todo {""};
    while (!todo.empty()) {
        const std::string rel = todo.back();
        todo.pop_back();
        auto listing = tree.list(rel, ListOptions {true, true});
        if (!listing) {
            v[rel + "/"] = "ERR-list:" + listing.error().message();
            continue;
        }
        for (const auto &p : listing->problems)
            v[rel + "/!problem"] += p.message() + "; ";
        for (const MergedEntry &e : listing->entries) {
            const std::string p = rel.empty() ? e.name : rel + "/" + e.name;
            if (e.isWhiteout()) {
                ++st.whiteouts;
                continue;
            }
            ++st.entries;
            st.opaque += (e.state & StateOpaque) != 0;
            st.redirected += (e.state & StateRedirected) != 0;
            st.metacopy += (e.state & StateMetacopy) != 0;
            st.copiedUp += (e.state & StateCopiedUp) != 0;
            st.merged += (e.state & StateMerged) != 0;
            st.xwhiteoutDirs += (e.state & StateXWhiteoutsDir) != 0;
            st.problems += !e.problems.empty();
            bool hidden = false;
            for (const auto &pr : e.problems)
                if (pr.code == ENOENT && pr.reason.find("whiteout") != std::string::npos)
                    hidden = true;
            if (hidden) {
                v[p] = std::string("ERR-lstat:") + std::strerror(ENOENT);
                continue;
            }
            struct stat est {};
            est.st_mode = e.attrs.mode;
            est.st_uid = e.attrs.uid;
            est.st_gid = e.attrs.gid;
            est.st_size = e.attrs.size;
            std::string target, digest;
            const std::string file = layerFile(e.layer, e.layerPath);
            if (e.attrs.type == FileType::Symlink)
                target = linkAt(AT_FDCWD, file);
            if (e.attrs.type == FileType::Regular) {
                if ((e.state & StateMetacopy) && e.data && e.data->layer >= 0)
                    digest = digestAt(AT_FDCWD, layerFile(e.data->layer, e.data->path));
                else if (e.state & StateMetacopy)
                    digest = "ERR-metacopy-without-data";
                else
                    digest = digestAt(AT_FDCWD, file);
            }
            std::string f = facts(est, target, digest);
            for (const auto &pr : e.problems)
                f += " !" + pr.message();
            v[p] = f;
            if (e.isDir())
                todo.push_back(p);
        }
    }
    return v;
}

std::vector<std::string> diffViews(const View &kernel, const View &inspector)
{
    std::vector<std::string> out;
    for (const auto &[p, f] : kernel) {
        const auto it = inspector.find(p);
        if (it == inspector.end())
            out.push_back("/" + p + ": kernel shows [" + f + "], the inspector does not list it");
        else if (it->second != f)
            out.push_back("/" + p + ": kernel [" + f + "] vs inspector [" + it->second + "]");
    }
    for (const auto &[p, f] : inspector)
        if (!kernel.contains(p))
            out.push_back("/" + p + ": inspector lists [" + f + "], the kernel does not show it");
    return out;
}

namespace {

std::string printable(const std::string &v)
{
    bool text = !v.empty();
    for (const char c : v)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
            text = false;
    if (text)
        return "\"" + v + "\"";
    std::string hex = "0x";
    char b[4];
    for (const char c : v) {
        std::snprintf(b, sizeof(b), "%02x", static_cast<unsigned char>(c));
        hex += b;
    }
    return v.empty() ? "\"\"" : hex;
}

void dumpTree(const std::string &root, const std::string &rel, std::string &out, int indent)
{
    UniqueFd fd(::open(join(root, rel).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return;
    for (const auto &n : sortedNames(fd.get())) {
        const std::string p = rel.empty() ? n : rel + "/" + n;
        struct stat st {};
        if (::fstatat(fd.get(), n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        std::string line(static_cast<size_t>(indent), ' ');
        line += n + "  "
            + facts(st, S_ISLNK(st.st_mode) ? linkAt(fd.get(), n) : "",
                    S_ISREG(st.st_mode) ? digestAt(fd.get(), n) : "");
        if (S_ISCHR(st.st_mode) && st.st_rdev == 0)
            line += " (whiteout" + std::string(st.st_nlink > 1 ? ", shared" : "") + ")";
        if (st.st_nlink > 1 && !S_ISDIR(st.st_mode))
            line += " nlink=" + std::to_string(st.st_nlink) + " ino=" + std::to_string(st.st_ino);
        const std::string full = join(root, p);
        char names[4096];
        const ssize_t len = ::llistxattr(full.c_str(), names, sizeof(names));
        for (ssize_t i = 0; i < len;) {
            const std::string x(names + i);
            i += static_cast<ssize_t>(x.size()) + 1;
            if (x.find("overlay.") == std::string::npos)
                continue;
            char val[512];
            const ssize_t vl = ::lgetxattr(full.c_str(), x.c_str(), val, sizeof(val));
            line += " " + x + "=" + (vl >= 0 ? printable(std::string(val, static_cast<size_t>(vl))) : "?");
        }
        out += line + "\n";
        if (S_ISDIR(st.st_mode))
            dumpTree(root, p, out, indent + 2);
    }
}

} // namespace

std::string dumpLayers(const BuiltStack &s)
{
    std::string out;
    for (size_t k = s.layers.size(); k-- > 0;) {
        out += "  l" + std::to_string(k) + " (" + s.layers[k] + "):";
        char names[4096];
        const ssize_t len = ::llistxattr(s.layers[k].c_str(), names, sizeof(names));
        for (ssize_t i = 0; i < len;) {
            const std::string x(names + i);
            i += static_cast<ssize_t>(x.size()) + 1;
            char val[512];
            const ssize_t vl = ::lgetxattr(s.layers[k].c_str(), x.c_str(), val, sizeof(val));
            if (x.find("overlay.") != std::string::npos)
                out += " " + x + "=" + (vl >= 0 ? printable(std::string(val, static_cast<size_t>(vl))) : "?");
        }
        out += "\n";
        dumpTree(s.layers[k], "", out, 4);
    }
    return out;
}

} // namespace strata::test
