// SPDX-License-Identifier: GPL-2.0-or-later
#include "validation.h"

#include "layerreadable.h"

#include "helperprotocol.h"
#include "pathrules.h"

#include "engine/config.h"
#include "mounts/fsfacts.h"
#include "mounts/layergeometry.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/openat2.h>
#include <map>
#include <set>
#include <sys/syscall.h>
#include <unistd.h>

namespace strata::helper {

namespace {

enum class Need { Read, Own, Reach };

struct Wanted {
    std::string role;
    std::string path;
    Need need;
};

using Identity = mounts::DirId;

Identity identityOf(const struct stat &st)
{
    return {st.st_dev, st.st_ino};
}

std::string errnoText(int err)
{
    return std::strerror(err);
}

// Opens every wanted directory as the caller: openat2 with RESOLVE_NO_SYMLINKS
// fails with ELOOP on a symbolic link in any component, RESOLVE_NO_MAGICLINKS keeps
// /proc/*/fd tricks out. Read access is checked here too, with the caller's ids.
Checked<std::vector<ResolvedDir>> resolveAll(const std::vector<Wanted> &wanted, const Caller &caller)
{
    std::vector<ResolvedDir> out(wanted.size());
    std::optional<Refusal> refusal;
    std::string credError;
    const bool ran = runAsCaller(
        caller,
        [&] {
            for (size_t i = 0; i < wanted.size() && !refusal; ++i) {
                const Wanted &w = wanted[i];
                ResolvedDir &d = out[i];
                d.role = w.role;
                d.path = w.path;
                const std::string subject = d.subject();
                open_how how {};
                how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
                how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
                const long fd = ::syscall(SYS_openat2, AT_FDCWD, w.path.c_str(), &how, sizeof how);
                if (fd < 0) {
                    const int err = errno;
                    if (err == ELOOP)
                        refusal = Refusal {SymlinkComponent, subject,
                                           "is a symbolic link or passes through one: give the resolved path "
                                           "(the helper follows no links, so none can be swapped in)"};
                    else if (err == ENOENT)
                        refusal = Refusal {NotFound, subject, "does not exist"};
                    else if (err == ENOTDIR)
                        refusal = Refusal {NotDirectory, subject, "is not a directory (or a component of it is not)"};
                    else if (err == EACCES)
                        refusal = Refusal {NotReadable, subject,
                                           "cannot be reached by " + caller.name
                                               + ": no search permission on a directory on the way"};
                    else
                        refusal = Refusal {NotFound, subject, "cannot be opened: " + errnoText(err)};
                    return;
                }
                d.fd.reset(static_cast<int>(fd));
                if (::fstat(d.fd.get(), &d.st) != 0) {
                    refusal = Refusal {NotFound, subject, "cannot be examined: " + errnoText(errno)};
                    return;
                }
                if (w.need == Need::Read && ::faccessat(d.fd.get(), "", R_OK | X_OK, AT_EMPTY_PATH) != 0) {
                    refusal = Refusal {NotReadable, subject,
                                       caller.name
                                           + " may not read and search it, so it cannot be a layer of "
                                             "theirs: "
                                           + errnoText(errno)};
                    return;
                }
            }
        },
        &credError);
    if (!ran)
        return refuse(Internal, "caller " + caller.name, credError);
    if (refusal)
        return std::unexpected(*refusal);
    for (auto &d : out) {
        d.mountId = mounts::mountIdOf(d.fd.get());
        if (wanted[static_cast<size_t>(&d - out.data())].need == Need::Own && !caller.isRoot()
            && d.st.st_uid != caller.uid)
            return refuse(NotOwner, d.subject(),
                          "is owned by uid " + std::to_string(d.st.st_uid) + ", not by " + caller.name
                              + ": upper, work and mount point must be your own directories");
    }
    return out;
}

// Every layer's ancestry up to "/": ".." from an fd crosses mount points, so bind
// mounts cannot hide a nesting (stricter than the kernel, which stays in one
// filesystem). The comparison is mounts/layergeometry's, shared with the preflight
// and the engine.
std::vector<Identity> ancestry(const ResolvedDir &d)
{
    return mounts::ancestryOf(d.fd.get(), mounts::Walk::AcrossMounts);
}

std::optional<Refusal> checkOverlaps(const ValidatedMount &v)
{
    std::vector<const ResolvedDir *> dirs;
    for (const auto &l : v.lowers)
        dirs.push_back(&l);
    const size_t lowers = dirs.size();
    for (const auto *d : {v.upper ? &*v.upper : nullptr, v.work ? &*v.work : nullptr})
        if (d)
            dirs.push_back(d);
    std::vector<mounts::PlacedDir> placed;
    for (size_t i = 0; i < dirs.size(); ++i)
        placed.push_back({ancestry(*dirs[i]), i});
    const auto overlaps = mounts::overlapsOf(placed);
    // The upper or work at or inside a lower is named as such even when another
    // pair also overlaps: it is the more telling reason.
    for (const auto &o : overlaps) {
        const bool innerLower = o.inner < lowers, outerLower = o.outer < lowers;
        if (innerLower == outerLower || (!o.same && innerLower))
            continue;
        const ResolvedDir &writable = *dirs[innerLower ? o.outer : o.inner];
        const ResolvedDir &lower = *dirs[innerLower ? o.inner : o.outer];
        return Refusal {UpperInsideLower, writable.subject(),
                        (o.same ? "is the same directory as " : "is inside ") + lower.subject()
                            + ": the overlay would write into its own lower layer"};
    }
    if (!overlaps.empty()) {
        const auto &o = overlaps.front();
        // Of the same directory given twice, the first one is named.
        const ResolvedDir &named = *dirs[o.same ? o.outer : o.inner];
        const ResolvedDir &other = *dirs[o.same ? o.inner : o.outer];
        return Refusal {OverlappingLayers, named.subject(),
                        (o.same ? "is the same directory as " : "is inside ") + other.subject()
                            + ": layers of one stack must not overlap"};
    }
    const auto mp = ancestry(v.mountpoint);
    for (const auto *d : {v.upper ? &*v.upper : nullptr, v.work ? &*v.work : nullptr})
        if (d && mounts::isAtOrBelow(mp, identityOf(d->st)))
            return Refusal {MountpointBusy, v.mountpoint.subject(),
                            "is inside " + d->subject() + ": the overlay would cover its own writable layer"};
    return std::nullopt;
}

// The system directories by identity, so an alias (a bind mount of /etc) is caught
// as well as the path. Walks the mount point's ancestry: a shared parent (/tmp,
// /var/tmp, /run/user) met first allows what is below it.
std::optional<Refusal> checkSystemDirectory(const ResolvedDir &mp)
{
    if (auto sys = systemDirectoryOf(mp.path))
        return Refusal {SystemDirectory, mp.subject(),
                        "is or is inside " + *sys
                            + ", a system directory: mount under a directory of your own (in your home, /tmp, "
                              "/mnt/..., /run/user/UID/...)"};
    auto identity = [](std::string_view p) -> std::optional<Identity> {
        struct stat st {};
        if (::stat(std::string(p).c_str(), &st) != 0)
            return std::nullopt;
        return identityOf(st);
    };
    std::map<Identity, std::string> system;
    std::set<Identity> shared;
    for (auto s : systemDirectories())
        if (auto id = identity(s))
            system.emplace(*id, std::string(s));
    for (auto s : sharedParents())
        if (auto id = identity(s))
            shared.insert(*id);
    const auto chain = ancestry(mp);
    if (chain.empty())
        return Refusal {NotFound, mp.subject(), "cannot be examined: " + errnoText(errno)};
    if (auto root = identity("/"); root && chain.front() == *root)
        return Refusal {SystemDirectory, mp.subject(), "is the root directory"};
    for (size_t i = 0; i < chain.size(); ++i) {
        if (i > 0 && shared.contains(chain[i]))
            return std::nullopt;
        if (i == 0 && shared.contains(chain[i]))
            return Refusal {SystemDirectory, mp.subject(), "is a directory shared by all users"};
        if (auto it = system.find(chain[i]); it != system.end())
            return Refusal {SystemDirectory, mp.subject(),
                            "is or is inside " + it->second + " (the same directory under another name)"};
    }
    return std::nullopt;
}

Checked<std::vector<mounts::OverlayOption>> checkOptions(const MountRequest &r, const Caller &caller)
{
    std::vector<mounts::OverlayOption> out;
    for (const auto &text : r.options) {
        const std::string subject = "option " + shownPath(text);
        for (unsigned char c : text)
            if (c < 0x20 || c == 0x7f || c == ',')
                return refuse(OptionNotAllowed, subject, "one option per entry, without ',' or control characters");
        mounts::OverlayOption o;
        if (const auto eq = text.find('='); eq != std::string::npos)
            o = {text.substr(0, eq), text.substr(eq + 1)};
        else
            o = {text, std::nullopt};
        if (r.backend == Backend::Kernel) {
            if (auto ok = mounts::checkOverlayOption(o); !ok)
                return refuse(OptionNotAllowed, subject, "not in the helper's allow-list: " + ok.error().reason);
            // Kernel documentation: metacopy=on must not be used with layers the
            // mounter does not trust; as root for someone else, they are not trusted.
            if (!caller.isRoot() && o.key == "metacopy" && o.value == "on")
                return refuse(OptionNotAllowed, subject,
                              "metacopy=on is refused for layers that are not root's own (the kernel documents it "
                              "as unsafe with untrusted layers)");
        } else if (!engine::callerMayPass(o)) {
            return refuse(OptionNotAllowed, subject, "not among the options the helper passes to strata-fuse");
        }
        out.push_back(std::move(o));
    }
    return out;
}

std::optional<Refusal> checkAllSyntax(const std::vector<std::string> &lowers, const std::optional<std::string> &upper,
                                      const std::optional<std::string> &work, const std::string *mountpoint)
{
    for (size_t i = 0; i < lowers.size(); ++i)
        if (auto r = checkPathSyntax("lowerdir " + std::to_string(i + 1), lowers[i]))
            return r;
    if (upper)
        if (auto r = checkPathSyntax("upperdir", *upper))
            return r;
    if (work)
        if (auto r = checkPathSyntax("workdir", *work))
            return r;
    if (mountpoint)
        if (auto r = checkPathSyntax("mount point", *mountpoint))
            return r;
    return std::nullopt;
}

} // namespace

std::string ResolvedDir::subject() const
{
    return role + " " + shownPath(path);
}

Checked<ValidatedMount> validateMount(const MountRequest &r, const Caller &caller, const Limits &limits)
{
    // Cheap refusals first, before anything is opened.
    if (r.lowers.size() > limits.maxLowers)
        return refuse(TooManyLayers, std::to_string(r.lowers.size()) + " lower layers",
                      "more than the cap of " + std::to_string(limits.maxLowers));
    if (r.lowers.empty())
        return refuse(NoLowerLayer, "lowerdir", "at least one lower layer is needed");
    if (r.upper.has_value() != r.work.has_value())
        return refuse(UpperWithoutWork, r.upper ? "upperdir " + shownPath(*r.upper) : "workdir " + shownPath(*r.work),
                      "upperdir and workdir come together (the work dir stages every change to the upper)");
    if (r.backend == Backend::Kernel && !r.upper && r.lowers.size() < 2)
        return refuse(NoLowerLayer, "lowerdir 1 " + shownPath(r.lowers.front()),
                      "a read-only kernel overlay needs at least two lower layers");
    if (auto bad = checkStackName(r.name))
        return std::unexpected(*bad);
    if (auto bad = checkAllSyntax(r.lowers, r.upper, r.work, &r.mountpoint))
        return std::unexpected(*bad);
    auto options = checkOptions(r, caller);
    if (!options)
        return std::unexpected(options.error());

    std::vector<Wanted> wanted;
    for (size_t i = 0; i < r.lowers.size(); ++i)
        wanted.push_back({"lowerdir " + std::to_string(i + 1), r.lowers[i], Need::Read});
    if (r.upper) {
        wanted.push_back({"upperdir", *r.upper, Need::Own});
        wanted.push_back({"workdir", *r.work, Need::Own});
    }
    // The mount point's owner is checked after the system-directory rule: "/etc is
    // a system directory" is the reason a person can act on, not "not yours".
    wanted.push_back({"mount point", r.mountpoint, Need::Reach});
    auto dirs = resolveAll(wanted, caller);
    if (!dirs)
        return std::unexpected(dirs.error());

    ValidatedMount v;
    v.backend = r.backend;
    v.name = r.name;
    v.options = std::move(*options);
    v.mountpoint = std::move(dirs->back());
    dirs->pop_back();
    if (r.upper) {
        v.work = std::move(dirs->back());
        dirs->pop_back();
        v.upper = std::move(dirs->back());
        dirs->pop_back();
    }
    v.lowers = std::move(*dirs);

    if (auto bad = checkSystemDirectory(v.mountpoint))
        return std::unexpected(*bad);
    if (!caller.isRoot() && v.mountpoint.st.st_uid != caller.uid)
        return refuse(NotOwner, v.mountpoint.subject(),
                      "is owned by uid " + std::to_string(v.mountpoint.st.st_uid) + ", not by " + caller.name
                          + ": upper, work and mount point must be your own directories");
    if (auto bad = checkOverlaps(v))
        return std::unexpected(*bad);
    if (v.upper && v.upper->mountId != v.work->mountId)
        return refuse(DifferentFilesystems, v.work->subject(),
                      "is on another mount than " + v.upper->subject()
                          + ": the kernel renames from one into the other, so both must be on one filesystem");
    // Last, as it walks whole trees: the overlay reads lowers as root (layerreadable.h).
    if (!caller.isRoot()) {
        std::optional<Refusal> unreadable;
        std::string credError;
        if (!runAsCaller(
                caller,
                [&] {
                    for (size_t i = 0; i < v.lowers.size() && !unreadable; ++i)
                        unreadable = checkLayerReadable(v.lowers[i]);
                },
                &credError))
            return refuse(Internal, "caller " + caller.name, credError);
        if (unreadable)
            return std::unexpected(*unreadable);
    }
    return v;
}

Checked<ValidatedRead> validateRead(const ReadRequest &r, const Caller &caller, const Limits &limits)
{
    if (r.lowers.size() > limits.maxLowers)
        return refuse(TooManyLayers, std::to_string(r.lowers.size()) + " lower layers",
                      "more than the cap of " + std::to_string(limits.maxLowers));
    if (r.lowers.empty())
        return refuse(NoLowerLayer, "lowerdir", "at least one lower layer is needed");
    if (auto bad = checkAllSyntax(r.lowers, r.upper, r.work, nullptr))
        return std::unexpected(*bad);
    std::vector<Wanted> wanted;
    for (size_t i = 0; i < r.lowers.size(); ++i)
        wanted.push_back({"lowerdir " + std::to_string(i + 1), r.lowers[i], Need::Read});
    if (r.upper)
        wanted.push_back({"upperdir", *r.upper, Need::Read});
    if (r.work)
        wanted.push_back({"workdir", *r.work, Need::Read});
    auto dirs = resolveAll(wanted, caller);
    if (!dirs)
        return std::unexpected(dirs.error());
    ValidatedRead v;
    if (r.work) {
        v.work = std::move(dirs->back());
        dirs->pop_back();
    }
    if (r.upper) {
        v.upper = std::move(dirs->back());
        dirs->pop_back();
    }
    v.lowers = std::move(*dirs);
    return v;
}

Checked<ResolvedDir> resolveMountRoot(const std::string &mountpoint, const Caller &caller)
{
    if (auto bad = checkPathSyntax("mount point", mountpoint))
        return std::unexpected(*bad);
    auto dirs = resolveAll({{"mount point", mountpoint, Need::Reach}}, caller);
    if (!dirs)
        return std::unexpected(dirs.error());
    ResolvedDir d = std::move(dirs->front());
    bool root = false;
    d.mountId = mounts::mountIdOf(d.fd.get(), &root);
    if (!root)
        return refuse(NotMounted, d.subject(), "nothing is mounted there");
    return d;
}

} // namespace strata::helper
