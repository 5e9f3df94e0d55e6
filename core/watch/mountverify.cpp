// SPDX-License-Identifier: GPL-2.0-or-later
#include "mountverify.h"

#include "stack/dirreader.h"
#include "stack/factformat.h"
#include "stack/mergedtree.h"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::watch {

using namespace strata::stack;

std::string_view discrepancyKindName(Discrepancy::Kind k)
{
    switch (k) {
    case Discrepancy::Kind::Ghost:
        return "ghost";
    case Discrepancy::Kind::Missing:
        return "missing";
    case Discrepancy::Kind::Stale:
        return "stale";
    }
    return "ghost";
}

namespace {

std::string join(const std::string &dir, const std::string &name)
{
    return dir.empty() ? name : dir + "/" + name;
}

// A symlink's target relative to `dirFd` (O_PATH will do); "" when unreadable.
std::string linkTargetAt(int dirFd, const std::string &path)
{
    char buf[PATH_MAX];
    const ssize_t n = ::readlinkat(dirFd, path.c_str(), buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// What the mount shows for one name: listed by readdir, and what lstat through the
// mount says (a ghost of the readdir cache is listed but its lookup fails).
struct Shown {
    bool statOk = false;
    int statErr = 0;
    struct stat st {};
};

// The mount's directory, read the way any program reads it: a fresh open, getdents,
// then lstat of each name relative to the directory.
Result<std::map<std::string, Shown>> readMountDir(int rootFd, const std::string &path)
{
    const int fd = path.empty() ? ::openat(rootFd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                                : ::openat(rootFd, path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return fail(sysError(errno, path.empty() ? "/" : path, "cannot open the directory through the mount"));
    UniqueFd dir(fd);
    auto names = readLayerDirNames(dir.get(), path);
    if (!names)
        return fail(names.error());
    std::map<std::string, Shown> out;
    for (size_t i = 0; i < names->size(); ++i) {
        Shown s;
        if (::fstatat(dir.get(), names->name(i), &s.st, AT_SYMLINK_NOFOLLOW) == 0)
            s.statOk = true;
        else
            s.statErr = errno;
        out.emplace(names->name(i), s);
    }
    return out;
}

bool sameDevice(const LayerStack &stack)
{
    const auto &layers = stack.layers();
    for (const auto &l : layers)
        if (l.fs.dev != layers.front().fs.dev)
            return false;
    return !layers.empty();
}

} // namespace

Result<VerifySummary> verifyMount(const std::string &mountpoint, std::shared_ptr<const LayerStack> stack,
                                  const std::function<void(const Discrepancy &)> &sink, const VerifyOptions &opts)
{
    UniqueFd root(::open(mountpoint.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root)
        return fail(sysError(errno, mountpoint, "cannot open the mount point"));
    // Inode numbers tell the origin layer only when every layer shares one
    // filesystem: the kernel then shows the real inode numbers (no xino bits).
    const bool inodesTellLayer = sameDevice(*stack);
    const MergedTree tree(stack);
    VerifySummary sum;
    auto report = [&](Discrepancy &&d) {
        ++sum.discrepancies;
        sink(d);
    };

    std::deque<std::string> todo {""};
    while (!todo.empty()) {
        if ((opts.maxDirs && sum.dirs >= opts.maxDirs) || (opts.cancelled && opts.cancelled())) {
            sum.truncated = true;
            break;
        }
        const std::string path = std::move(todo.front());
        todo.pop_front();
        auto listing = tree.list(path, ListOptions {false, false});
        if (!listing) {
            sum.problems.push_back(listing.error());
            continue;
        }
        sum.problems.insert(sum.problems.end(), listing->problems.begin(), listing->problems.end());
        auto shown = readMountDir(root.get(), path);
        if (!shown) {
            sum.problems.push_back(shown.error());
            continue;
        }
        ++sum.dirs;
        std::map<std::string, const MergedEntry *> want;
        for (const auto &e : listing->entries)
            want.emplace(e.name, &e);

        auto a = shown->begin();
        auto b = want.begin();
        while (a != shown->end() || b != want.end()) {
            ++sum.entries;
            if (b == want.end() || (a != shown->end() && a->first < b->first)) {
                Discrepancy d;
                d.kind = Discrepancy::Kind::Ghost;
                d.path = join(path, a->first);
                d.mountValue = a->second.statOk
                    ? std::string(fileTypeName(fileTypeOf(a->second.st.st_mode)))
                    : "listed; lookup fails (" + std::string(std::strerror(a->second.statErr)) + ")";
                report(std::move(d));
                ++a;
                continue;
            }
            if (a == shown->end() || b->first < a->first) {
                Discrepancy d;
                d.kind = Discrepancy::Kind::Missing;
                d.path = join(path, b->first);
                d.layer = b->second->layer;
                d.layersValue = std::string(fileTypeName(b->second->attrs.type));
                struct stat st {};
                // Not listed; a lookup may still find it (a stale listing, not a
                // missing name): say which.
                if (::fstatat(root.get(), d.path.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
                    d.mountValue = "not listed; lookup finds a " + std::string(fileTypeName(fileTypeOf(st.st_mode)));
                report(std::move(d));
                ++b;
                continue;
            }
            const std::string p = join(path, a->first);
            const MergedEntry &e = *b->second;
            const Shown &s = a->second;
            auto stale = [&](std::string fact, std::string mountValue, std::string layersValue) {
                Discrepancy d;
                d.kind = Discrepancy::Kind::Stale;
                d.path = p;
                d.fact = std::move(fact);
                d.mountValue = std::move(mountValue);
                d.layersValue = std::move(layersValue);
                d.layer = e.layer;
                report(std::move(d));
            };
            if (!s.statOk) {
                stale("lookup", "listed; lookup fails (" + std::string(std::strerror(s.statErr)) + ")",
                      std::string(fileTypeName(e.attrs.type)));
            } else {
                const FileType mt = fileTypeOf(s.st.st_mode);
                if (mt != e.attrs.type)
                    stale("type", std::string(fileTypeName(mt)), std::string(fileTypeName(e.attrs.type)));
                else if (mt == FileType::Directory)
                    todo.push_back(p);
                if (mt == e.attrs.type && mt != FileType::Directory && s.st.st_size != e.attrs.size)
                    stale("size", std::to_string(s.st.st_size), std::to_string(e.attrs.size));
                if ((s.st.st_mode & 07777) != (e.attrs.mode & 07777))
                    stale("mode", stack::formatModeOctal(s.st.st_mode), stack::formatModeOctal(e.attrs.mode));
                if (s.st.st_uid != e.attrs.uid || s.st.st_gid != e.attrs.gid)
                    stale("owner", stack::formatOwner(s.st.st_uid, s.st.st_gid),
                          stack::formatOwner(e.attrs.uid, e.attrs.gid));
                if (mt == FileType::Symlink && e.attrs.type == FileType::Symlink) {
                    const std::string shownTarget = linkTargetAt(root.get(), p);
                    const std::string layerTarget
                        = linkTargetAt(stack->layers()[static_cast<size_t>(e.layer)].fd.get(), e.layerPath);
                    if (shownTarget != layerTarget)
                        stale("target", shownTarget, layerTarget);
                }
                // A copied-up file keeps its origin's inode number through the mount,
                // and directories report the upper's or an index's: only files that
                // were never copied up can be checked this way.
                // The listing reads no origins (copied-up is then unknown): an upper
                // file may be a copy-up showing its origin's number, so it is not judged.
                const bool maybeCopiedUp = e.layer == 0 && stack->hasUpper();
                if (inodesTellLayer && !maybeCopiedUp && mt == e.attrs.type && mt != FileType::Directory
                    && !(e.state & (StateCopiedUp | StateMetacopy)) && s.st.st_ino != e.attrs.ino) {
                    for (const auto &sv : e.shadowed)
                        if (sv.attrs.ino == s.st.st_ino) {
                            stale("origin-layer", std::to_string(sv.layer), std::to_string(e.layer));
                            break;
                        }
                }
            }
            ++a;
            ++b;
        }
    }
    return sum;
}

} // namespace strata::watch
