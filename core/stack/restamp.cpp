// SPDX-License-Identifier: GPL-2.0-or-later
#include "restamp.h"

#include "dirreader.h"
#include "layerwalk.h"
#include "mounts/captureresolve.h"
#include "ovl/filehandle.h"
#include "ovl/values.h"
#include "restampjournal.h"
#include "util/wholefile.h"
#include "util/xattrio.h"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::stack {

namespace {

using Kind = RestampChange::Kind;
using Root = RestampChange::Root;

std::string rootName(Root r)
{
    return r == Root::Upper ? "upper" : "work";
}

Uuid uuidOfFh(const ovl::FileHandle &fh)
{
    Uuid u {};
    std::copy(fh.uuid.begin(), fh.uuid.end(), u.begin());
    return u;
}

// The value with `to` in place of `from`, through core/ovl's decoder and encoder;
// nullopt when it is no handle or carries another uuid.
std::optional<std::string> restamped(std::string_view value, const Uuid &from, const Uuid &to)
{
    auto fh = ovl::decodeFileHandle({reinterpret_cast<const uint8_t *>(value.data()), value.size()});
    if (!fh || uuidOfFh(*fh) != from)
        return std::nullopt;
    std::copy(to.begin(), to.end(), fh->uuid.begin());
    const auto bytes = ovl::encodeFileHandle(*fh);
    return std::string(bytes.begin(), bytes.end());
}

struct Planner {
    ovl::Namespace ns;
    Uuid from, to;
    std::vector<RestampChange> changes;
    std::set<std::pair<dev_t, ino_t>> seen; // hard links: one change per inode
    std::vector<Error> problems;

    void handleXattr(Root root, int parentFd, const std::string &name, const std::string &path, ovl::Attr attr)
    {
        const std::string x = ovl::name(ns, attr);
        auto v = getXattrAt(parentFd, name, x);
        if (!v) {
            problems.push_back(v.error());
            return;
        }
        if (!*v)
            return;
        if (auto after = restamped(**v, from, to))
            changes.push_back({Kind::SetXattr, root, path, x, **v, *after});
    }
    bool firstVisit(const struct stat &st) { return seen.emplace(st.st_dev, st.st_ino).second; }
};

Result<void> refuseMounted(const LayerStack &stack)
{
    struct stat mine {};
    if (::fstat(stack.upper()->fd.get(), &mine) != 0)
        return fail(sysError(errno, stack.upper()->path, "cannot stat the upper layer"));
    auto table = mounts::readUnionMounts();
    if (!table)
        return fail(table.error());
    for (const auto &e : *table) {
        auto src = mounts::layerSourcesOf(e);
        if (!src || !src->options.upper)
            continue;
        auto resolved = mounts::resolveLayerPaths({*src->options.upper}, *src);
        struct stat st {};
        if (resolved.front() && ::fstat(resolved.front()->fd.get(), &st) == 0 && st.st_dev == mine.st_dev
            && st.st_ino == mine.st_ino)
            return fail(makeError(e.target,
                                  "is mounted with this upper layer: unmount it first (restamp works offline)", EBUSY));
    }
    return {};
}

// More than the uuid must not differ: the upper root's origin, restamped, must be
// lower layer 1's root handle exactly; index/'s binding the upper root's.
Result<void> checkOnlyUuid(const LayerStack &stack, const Uuid &from, const Uuid &to, int workFd)
{
    const auto ns = stack.xattrNamespace();
    auto verify = [&](int objFd, const std::string &name, int subjectFd, bool upperPath,
                      const std::string &what) -> Result<void> {
        for (ovl::Attr a : {ovl::Attr::Origin, ovl::Attr::Upper}) {
            auto v = getXattrAt(objFd, name, ovl::name(ns, a));
            if (!v)
                return fail(v.error());
            if (!*v)
                continue;
            auto after = restamped(**v, from, to);
            if (!after)
                continue;
            auto now = ovl::handleOfFd(subjectFd, upperPath);
            if (!now)
                return fail(now.error());
            auto fh = ovl::decodeFileHandle({reinterpret_cast<const uint8_t *>(after->data()), after->size()});
            if (!fh || fh->type != now->type || fh->fid != now->fid)
                return fail(makeError(what,
                                      "records another object than the one there now (more than the uuid differs: "
                                      "the layer was replaced); restamp refuses",
                                      EINVAL));
            if (uuidOfFh(*now) != to)
                return fail(makeError(what,
                                      "the filesystem there has uuid " + ovl::formatUuid(uuidOfFh(*now))
                                          + ", not the --to-uuid " + ovl::formatUuid(to),
                                      EINVAL));
        }
        return {};
    };
    if (stack.mergedLayerCount() >= 2)
        if (auto r
            = verify(stack.upper()->fd.get(), "", stack.layers()[1].fd.get(), false, "the upper root's overlay.origin");
            !r)
            return r;
    UniqueFd index(::openat(workFd, "index", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (index)
        if (auto r = verify(index.get(), "", stack.upper()->fd.get(), true, "index/ (its binding to the upper root)");
            !r)
            return r;
    return {};
}

Result<std::vector<RestampChange>> plan(const LayerStack &stack, const Uuid &from, const Uuid &to, int workFd)
{
    Planner p {stack.xattrNamespace(), from, to, {}, {}, {}};
    const Layer &upper = *stack.upper();
    struct stat rootSt {};
    ::fstat(upper.fd.get(), &rootSt);
    p.firstVisit(rootSt);
    p.handleXattr(Root::Upper, upper.fd.get(), "", "", ovl::Attr::Origin);
    auto walked = walkLayer(upper, "",
                            [&](int parentFd, const std::string &name, const std::string &path, const struct stat &st) {
                                if (S_ISDIR(st.st_mode) || p.firstVisit(st))
                                    p.handleXattr(Root::Upper, parentFd, name, path, ovl::Attr::Origin);
                                return true;
                            });
    if (!walked.problems.empty())
        return fail(walked.problems.front());

    UniqueFd index(::openat(workFd, "index", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    std::vector<RestampChange> renames;
    if (index) {
        p.handleXattr(Root::Work, workFd, "index", "index", ovl::Attr::Upper);
        p.handleXattr(Root::Work, workFd, "index", "index", ovl::Attr::Origin);
        auto entries = readLayerDir(index.get(), *stack.workdir() + "/index");
        if (!entries)
            return fail(entries.error());
        std::set<std::string> names;
        for (const auto &e : *entries)
            names.insert(e.name);
        for (const auto &e : *entries) {
            if (e.name.starts_with('#'))
                continue; // the kernel's temporaries, removed at mount
            const std::string path = "index/" + e.name;
            if (S_ISDIR(e.st.st_mode))
                p.handleXattr(Root::Work, index.get(), e.name, path, ovl::Attr::Upper);
            else if (S_ISREG(e.st.st_mode) && p.firstVisit(e.st))
                p.handleXattr(Root::Work, index.get(), e.name, path, ovl::Attr::Origin);
            auto fh = ovl::decodeIndexName(e.name);
            if (!fh || uuidOfFh(*fh) != from)
                continue;
            std::copy(to.begin(), to.end(), fh->uuid.begin());
            const std::string newName = ovl::indexName(*fh);
            if (names.contains(newName))
                return fail(makeError(*stack.workdir() + "/" + path,
                                      "cannot be renamed: an entry for the new uuid exists already (" + newName + ")",
                                      EEXIST));
            renames.push_back({Kind::Rename, Root::Work, "index", {}, e.name, newName});
        }
    }
    if (!p.problems.empty())
        return fail(p.problems.front());
    // Xattrs first, renames last: an xattr change names its object by the old entry name.
    auto changes = std::move(p.changes);
    changes.insert(changes.end(), renames.begin(), renames.end());
    return changes;
}

// One change, forward or back; false when it was made already (idempotent).
Result<bool> apply(const RestampChange &c, int upperFd, int workFd, bool reverse)
{
    const int rootFd = c.root == Root::Upper ? upperFd : workFd;
    const std::string &want = reverse ? c.before : c.after;
    const std::string &other = reverse ? c.after : c.before;
    const std::string subject = rootName(c.root) + ":" + c.path;
    if (c.kind == Kind::SetXattr) {
        const size_t slash = c.path.rfind('/');
        const std::string dir = slash == std::string::npos ? "" : c.path.substr(0, slash);
        const std::string name = slash == std::string::npos ? c.path : c.path.substr(slash + 1);
        auto parent = openLayerDir(rootFd, dir, false);
        if (!parent)
            return fail(parent.error());
        auto now = getXattrAt(parent->get(), name, c.xattr);
        if (!now)
            return fail(now.error());
        if (*now && **now == want)
            return false;
        if (!*now || **now != other)
            return fail(makeError(subject, c.xattr + " changed since the journal was written; nothing more is changed",
                                  ESTALE));
        if (auto r = setXattrAt(parent->get(), name, c.xattr, want); !r)
            return fail(r.error());
        return true;
    }
    auto dir = openLayerDir(rootFd, c.path, false);
    if (!dir)
        return fail(dir.error());
    const std::string &src = reverse ? c.after : c.before;
    const std::string &dst = reverse ? c.before : c.after;
    struct stat st {};
    const bool hasSrc = ::fstatat(dir->get(), src.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    const bool hasDst = ::fstatat(dir->get(), dst.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (!hasSrc && hasDst)
        return false;
    if (!hasSrc || hasDst)
        return fail(makeError(subject + "/" + src, "the index entry changed since the journal was written", ESTALE));
    if (::renameat2(dir->get(), src.c_str(), dir->get(), dst.c_str(), RENAME_NOREPLACE) != 0)
        return fail(sysError(errno, subject + "/" + src, "cannot rename the index entry"));
    return true;
}

// Test hook: STRATA_RESTAMP_ABORT_AFTER=N ends the process after N steps, as a kill
// would, so the tests can prove that the next run finishes or undoes the work.
void maybeAbort(size_t steps)
{
    static const long limit = [] {
        const char *v = std::getenv("STRATA_RESTAMP_ABORT_AFTER");
        return v ? std::atol(v) : -1;
    }();
    if (limit >= 0 && static_cast<long>(steps) >= limit)
        ::_exit(75);
}

Result<size_t> applyAll(const std::vector<RestampChange> &changes, int upperFd, int workFd, bool reverse)
{
    size_t applied = 0;
    for (size_t i = 0; i < changes.size(); ++i) {
        maybeAbort(i);
        const auto &c = reverse ? changes[changes.size() - 1 - i] : changes[i];
        auto r = apply(c, upperFd, workFd, reverse);
        if (!r)
            return fail(r.error());
        applied += *r;
    }
    return applied;
}

Result<void> removeJournal(const std::string &path, int workFd)
{
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        return fail(sysError(errno, path, "cannot remove the restamp journal"));
    UniqueFd dir(::openat(workFd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir)
        ::fsync(dir.get());
    return {};
}

} // namespace

std::string RestampChange::describe() const
{
    if (kind == Kind::Rename)
        return "rename " + rootName(root) + ":" + path + "/" + before + " -> " + after;
    std::string what = xattr;
    auto b = ovl::decodeFileHandle({reinterpret_cast<const uint8_t *>(before.data()), before.size()});
    auto a = ovl::decodeFileHandle({reinterpret_cast<const uint8_t *>(after.data()), after.size()});
    if (a && b)
        what += ": uuid " + ovl::formatUuid(b->uuid) + " -> " + ovl::formatUuid(a->uuid);
    return "set " + rootName(root) + ":" + (path.empty() ? "." : path) + " " + what;
}

std::optional<std::string> pendingRestampJournal(const LayerStack &stack)
{
    if (!stack.workdir())
        return std::nullopt;
    const std::string path = *stack.workdir() + "/" + std::string(kRestampJournalName);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        return std::nullopt;
    return path;
}

Result<RestampResult> restamp(const LayerStack &stack, const RestampOptions &opts)
{
    const Layer *upper = stack.upper();
    if (!upper || !stack.workdir())
        return fail(makeError(stack.spec().mountpoint.empty() ? "stack" : stack.spec().mountpoint,
                              "restamp needs the upper layer and its work dir", EINVAL));
    if (!stack.canReadOverlayXattrs())
        return fail(
            makeError(upper->path, "restamp needs CAP_SYS_ADMIN to read and write trusted.overlay.* xattrs", EPERM));
    UniqueFd work(::open(stack.workdir()->c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!work)
        return fail(sysError(errno, *stack.workdir(), "cannot open the work dir"));
    if (auto r = refuseMounted(stack); !r)
        return fail(r.error());

    RestampResult res;
    res.journal = *stack.workdir() + "/" + std::string(kRestampJournalName);
    auto text = readWholeFile(res.journal);
    if (!text)
        return fail(text.error());
    if (*text) {
        auto j = parseJournal(**text, res.journal);
        if (!j)
            return fail(j.error());
        res.from = j->from;
        res.to = j->to;
        res.changes = j->changes;
        if (opts.dryRun)
            return res;
        if (!opts.rollback && j->to != opts.to)
            return fail(makeError(res.journal,
                                  "an interrupted restamp to " + ovl::formatUuid(j->to)
                                      + " is pending: run it again with that --to-uuid to finish it, or --rollback",
                                  EBUSY));
        auto applied = applyAll(j->changes, upper->fd.get(), work.get(), opts.rollback);
        if (!applied)
            return fail(applied.error());
        res.applied = *applied;
        res.resumed = !opts.rollback;
        res.rolledBack = opts.rollback;
        if (auto r = removeJournal(res.journal, work.get()); !r)
            return fail(r.error());
        return res;
    }
    if (opts.rollback)
        return fail(makeError(res.journal, "no interrupted restamp to roll back", ENOENT));

    res.to = opts.to;
    if (opts.from) {
        res.from = *opts.from;
    } else {
        const IdentityVerdict v = checkIdentity(stack);
        if (!v.recordedUuid)
            return fail(makeError(upper->path,
                                  "no recorded uuid differs from the filesystems' ("
                                      + std::string(identityStateName(v.state))
                                      + (v.reason.empty() ? "" : ": " + v.reason) + "); give --from-uuid",
                                  EINVAL));
        res.from = *v.recordedUuid;
    }
    if (res.from == res.to)
        return fail(makeError(upper->path, "--from-uuid and --to-uuid are the same", EINVAL));
    if (auto r = checkOnlyUuid(stack, res.from, res.to, work.get()); !r)
        return fail(r.error());
    auto changes = plan(stack, res.from, res.to, work.get());
    if (!changes)
        return fail(changes.error());
    res.changes = std::move(*changes);
    if (opts.dryRun || res.changes.empty())
        return res;
    if (auto r = writeFileAtomic(res.journal, formatJournal(res.from, res.to, res.changes)); !r)
        return fail(r.error());
    auto applied = applyAll(res.changes, upper->fd.get(), work.get(), false);
    if (!applied)
        return fail(applied.error());
    res.applied = *applied;
    if (auto r = removeJournal(res.journal, work.get()); !r)
        return fail(r.error());
    return res;
}

} // namespace strata::stack
