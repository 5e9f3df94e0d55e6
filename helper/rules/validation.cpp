// SPDX-License-Identifier: GPL-2.0-or-later
#include "validation.h"

#include "layerreadable.h"

#include "../codes.h"
#include "pathrules.h"

#include <array>
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

using Identity = std::pair<dev_t, ino_t>;

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
        d.mountId = mountIdOf(d.fd.get());
        if (wanted[static_cast<size_t>(&d - out.data())].need == Need::Own && !caller.isRoot()
            && d.st.st_uid != caller.uid)
            return refuse(NotOwner, d.subject(),
                          "is owned by uid " + std::to_string(d.st.st_uid) + ", not by " + caller.name
                              + ": upper, work and mount point must be your own directories");
    }
    return out;
}

// The directory and all its ancestors up to "/", by identity: ".." from an fd
// crosses mount points, so bind mounts cannot hide a nesting.
std::vector<Identity> ancestry(const ResolvedDir &d)
{
    std::vector<Identity> chain {identityOf(d.st)};
    UniqueFd cur(::fcntl(d.fd.get(), F_DUPFD_CLOEXEC, 0));
    for (int depth = 0; cur && depth < 4096; ++depth) {
        UniqueFd up(::openat(cur.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
        struct stat st {};
        if (!up || ::fstat(up.get(), &st) != 0)
            break;
        if (identityOf(st) == chain.back())
            break; // "/" is its own parent
        chain.push_back(identityOf(st));
        cur = std::move(up);
    }
    return chain;
}

bool contains(const std::vector<Identity> &chain, const Identity &id)
{
    for (const auto &c : chain)
        if (c == id)
            return true;
    return false;
}

std::optional<Refusal> checkOverlaps(const ValidatedMount &v)
{
    struct Item {
        const ResolvedDir *dir;
        bool isLower;
        std::vector<Identity> chain;
    };
    std::vector<Item> items;
    for (const auto &l : v.lowers)
        items.push_back({&l, true, ancestry(l)});
    for (const auto *d : {v.upper ? &*v.upper : nullptr, v.work ? &*v.work : nullptr})
        if (d)
            items.push_back({d, false, ancestry(*d)});
    // Two passes: the upper or work at or inside a lower is named as such even
    // when the same pair also counts as a plain overlap.
    for (const bool writableInLower : {true, false}) {
        for (size_t i = 0; i < items.size(); ++i) {
            for (size_t j = 0; j < items.size(); ++j) {
                const Item &a = items[i];
                const Item &b = items[j];
                if (i == j || !contains(a.chain, identityOf(b.dir->st))) // a at or inside b?
                    continue;
                const bool same = identityOf(a.dir->st) == identityOf(b.dir->st);
                const std::string where = same ? "is the same directory as " : "is inside ";
                if (writableInLower && !a.isLower && b.isLower)
                    return Refusal {UpperInsideLower, a.dir->subject(),
                                    where + b.dir->subject() + ": the overlay would write into its own lower layer"};
                if (!writableInLower)
                    return Refusal {OverlappingLayers, a.dir->subject(),
                                    where + b.dir->subject() + ": layers of one stack must not overlap"};
            }
        }
    }
    const auto mp = ancestry(v.mountpoint);
    for (const auto *d : {v.upper ? &*v.upper : nullptr, v.work ? &*v.work : nullptr})
        if (d && contains(mp, identityOf(d->st)))
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
        } else if (!engineOptionAllowed(o)) {
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

uint64_t mountIdOf(int fd, bool *isMountRoot)
{
    struct statx sx {};
#ifdef STATX_MNT_ID_UNIQUE
    unsigned mask = STATX_MNT_ID_UNIQUE;
#else
    unsigned mask = STATX_MNT_ID;
#endif
    if (::statx(fd, "", AT_EMPTY_PATH | AT_STATX_SYNC_AS_STAT, mask, &sx) != 0)
        return 0;
    if (isMountRoot)
        *isMountRoot = (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
    return sx.stx_mnt_id;
}

bool engineOptionAllowed(const mounts::OverlayOption &o)
{
    static const std::array<std::pair<std::string_view, std::string_view>, 10> allowed = {{
        {"userxattr", ""},
        {"volatile", ""},
        {"ro", ""},
        {"rw", ""},
        {"redirect_dir", "on"},
        {"redirect_dir", "follow"},
        {"index", "off"},
        {"metacopy", "off"},
        {"xino", "off"},
        {"nfs_export", "off"},
    }};
    for (const auto &[key, value] : allowed)
        if (o.key == key && (value.empty() ? !o.value : o.value == value))
            return true;
    return false;
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
    d.mountId = mountIdOf(d.fd.get(), &root);
    if (!root)
        return refuse(NotMounted, d.subject(), "nothing is mounted there");
    return d;
}

} // namespace strata::helper
