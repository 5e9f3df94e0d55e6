// SPDX-License-Identifier: GPL-2.0-or-later
#include "volatile.h"

#include "fsfacts.h"
#include "util/hex.h"
#include "util/uniquefd.h"
#include "util/wholefile.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <sstream>

namespace strata::mounts {

namespace {

std::string bootId()
{
    auto text = readWholeFile("/proc/sys/kernel/random/boot_id");
    std::string id = text && *text ? **text : std::string();
    while (!id.empty() && id.back() == '\n')
        id.pop_back();
    return id;
}

std::string checkpointPath(const std::string &workdir)
{
    return workdir + "/" + kVolatileCheckpointName;
}

// Removes `name` below `dirfd` and everything under it, on this filesystem only,
// never following a symlink. Appends each removed path (relative) to `removed` when
// given; with `dryRun` only lists.
Result<void> removeTree(int dirfd, const std::string &name, const std::string &rel, dev_t dev, bool dryRun,
                        std::vector<std::string> *removed)
{
    struct stat st;
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? Result<void> {} : fail(sysError(errno, rel, "cannot stat"));
    if (S_ISDIR(st.st_mode)) {
        if (st.st_dev != dev)
            return fail(makeError(rel, "is a mount point: not removing across filesystems", EXDEV));
        UniqueFd sub(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!sub)
            return fail(sysError(errno, rel, "cannot open"));
        std::vector<std::string> names;
        if (DIR *d = ::fdopendir(::fcntl(sub.get(), F_DUPFD_CLOEXEC, 0))) {
            while (const dirent *e = ::readdir(d))
                if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
                    names.emplace_back(e->d_name);
            ::closedir(d);
        }
        std::sort(names.begin(), names.end());
        for (const auto &n : names)
            if (auto r = removeTree(sub.get(), n, rel + "/" + n, dev, dryRun, removed); !r)
                return r;
    }
    if (removed)
        removed->push_back(rel);
    if (!dryRun && ::unlinkat(dirfd, name.c_str(), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) != 0)
        return fail(sysError(errno, rel, "cannot remove"));
    return {};
}

// Every entry below `dir` (not `dir` itself), children first.
Result<void> emptyDir(const std::string &dir, const std::string &label, bool dryRun, std::vector<std::string> *removed,
                      const std::vector<std::string> &keep = {})
{
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return errno == ENOENT ? Result<void> {} : fail(sysError(errno, dir, "cannot open"));
    struct stat st;
    if (::fstat(fd.get(), &st) != 0)
        return fail(sysError(errno, dir, "cannot stat"));
    std::vector<std::string> names;
    if (DIR *d = ::fdopendir(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 0))) {
        while (const dirent *e = ::readdir(d))
            if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
                names.emplace_back(e->d_name);
        ::closedir(d);
    }
    std::sort(names.begin(), names.end());
    for (const auto &n : names) {
        if (std::find(keep.begin(), keep.end(), n) != keep.end())
            continue;
        if (auto r = removeTree(fd.get(), n, label + "/" + n, st.st_dev, dryRun, removed); !r)
            return r;
    }
    return {};
}

} // namespace

Result<VolatileCheckpoint> checkpointNow(const std::string &upper, const std::string &backend)
{
    UniqueFd fd(::open(upper.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return fail(sysError(errno, upper, "cannot open the upper"));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        return fail(sysError(errno, upper, "cannot stat the upper"));
    VolatileCheckpoint cp;
    cp.backend = backend;
    cp.bootId = bootId();
    if (const auto uuid = fsUuidOf(fd.get()))
        cp.upperUuid = toHex(std::span<const uint8_t>(*uuid));
    cp.upperDev = std::to_string(major(st.st_dev)) + ":" + std::to_string(minor(st.st_dev));
    cp.upperMntId = mountIdOf(fd.get());
    cp.time = static_cast<int64_t>(std::time(nullptr));
    cp.state = "mounted";
    return cp;
}

Result<void> writeCheckpoint(const std::string &workdir, const VolatileCheckpoint &cp)
{
    std::ostringstream s;
    s << "strata-volatile 1\n"
      << "backend " << cp.backend << "\n"
      << "boot_id " << cp.bootId << "\n"
      << "upper_uuid " << cp.upperUuid << "\n"
      << "upper_dev " << cp.upperDev << "\n"
      << "upper_mnt_id " << cp.upperMntId << "\n"
      << "time " << cp.time << "\n"
      << "state " << cp.state << "\n";
    if (!cp.note.empty()) {
        std::string note = cp.note;
        std::replace(note.begin(), note.end(), '\n', ' ');
        s << "note " << note << "\n";
    }
    // Owner-only, like the kernel's own work dir: it names the boot and the mounts.
    return writeFileAtomic(checkpointPath(workdir), s.str(), 0600);
}

Result<std::optional<VolatileCheckpoint>> readCheckpoint(const std::string &workdir)
{
    const std::string path = checkpointPath(workdir);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd)
        return errno == ENOENT ? Result<std::optional<VolatileCheckpoint>>(std::nullopt)
                               : fail(sysError(errno, path, "cannot read the volatile checkpoint"));
    char buf[4096];
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0)
        return fail(sysError(errno, path, "cannot read the volatile checkpoint"));
    std::istringstream in(std::string(buf, static_cast<size_t>(n)));
    std::string line;
    if (!std::getline(in, line) || line != "strata-volatile 1")
        return fail(makeError(path, "is not a Strata volatile checkpoint (version 1)"));
    VolatileCheckpoint cp;
    while (std::getline(in, line)) {
        const size_t sp = line.find(' ');
        const std::string key = line.substr(0, sp), value = sp == std::string::npos ? "" : line.substr(sp + 1);
        if (key == "backend")
            cp.backend = value;
        else if (key == "boot_id")
            cp.bootId = value;
        else if (key == "upper_uuid")
            cp.upperUuid = value;
        else if (key == "upper_dev")
            cp.upperDev = value;
        else if (key == "upper_mnt_id")
            cp.upperMntId = std::strtoull(value.c_str(), nullptr, 10);
        else if (key == "time")
            cp.time = std::strtoll(value.c_str(), nullptr, 10);
        else if (key == "state")
            cp.state = value;
        else if (key == "note")
            cp.note = value;
    }
    if (cp.bootId.empty() || cp.state.empty())
        return fail(makeError(path, "is incomplete (no boot_id or state)"));
    return cp;
}

Result<void> recordVolatileMount(const std::string &upper, const std::string &workdir, const std::string &backend)
{
    auto cp = checkpointNow(upper, backend);
    if (!cp)
        return fail(cp.error());
    return writeCheckpoint(workdir, *cp);
}

bool volatileMarkerPresent(const std::string &workdir)
{
    struct stat st;
    return ::lstat((workdir + "/work/incompat/volatile").c_str(), &st) == 0;
}

Result<void> createVolatileMarker(const std::string &workdir)
{
    std::string p = workdir;
    for (const char *d : {"/work", "/incompat", "/volatile"}) {
        p += d;
        if (::mkdir(p.c_str(), 0700) != 0 && errno != EEXIST)
            return fail(sysError(errno, p, "cannot create the volatile marker"));
    }
    UniqueFd f(::open((p + "/dirty").c_str(), O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!f)
        return fail(sysError(errno, p + "/dirty", "cannot create the volatile marker"));
    return {};
}

Result<void> clearVolatileMarker(const std::string &workdir)
{
    const std::string incompat = workdir + "/work/incompat";
    UniqueFd fd(::open(incompat.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd)
        return errno == ENOENT ? Result<void> {} : fail(sysError(errno, incompat, "cannot open"));
    struct stat st;
    if (::fstat(fd.get(), &st) != 0)
        return fail(sysError(errno, incompat, "cannot stat"));
    if (auto r = removeTree(fd.get(), "volatile", "work/incompat/volatile", st.st_dev, false, nullptr); !r)
        return r;
    if (::rmdir(incompat.c_str()) != 0 && errno != ENOTEMPTY && errno != EEXIST)
        return fail(sysError(errno, incompat, "cannot remove"));
    return {};
}

VolatileAssessment assessVolatile(const std::string &upper, const std::string &workdir, bool sync)
{
    VolatileAssessment a;
    a.marker = volatileMarkerPresent(workdir);
    auto cp = readCheckpoint(workdir);
    if (!cp)
        a.reasons.push_back("the checkpoint cannot be read: " + cp.error().message());
    else
        a.checkpoint = *cp;
    auto now = checkpointNow(upper, "");
    if (!now) {
        a.reasons.push_back(now.error().message());
        return a;
    }
    if (!a.checkpoint) {
        if (cp)
            a.reasons.push_back("no Strata checkpoint beside the upper (" + checkpointPath(workdir)
                                + "): nothing tells whether the system rebooted or the upper fs was remounted since "
                                  "the volatile mount");
    } else {
        a.sameBoot = !a.checkpoint->bootId.empty() && a.checkpoint->bootId == now->bootId;
        a.sameMount = a.checkpoint->upperMntId != 0 && a.checkpoint->upperMntId == now->upperMntId
            && a.checkpoint->upperDev == now->upperDev;
        if (!a.sameBoot)
            a.reasons.push_back("the system rebooted since the volatile mount (boot id " + a.checkpoint->bootId
                                + ", now " + now->bootId + "): unsynced writes were lost");
        if (!a.sameMount)
            a.reasons.push_back("the upper filesystem was unmounted and mounted again since the volatile mount (mount "
                                + std::to_string(a.checkpoint->upperMntId) + ", now " + std::to_string(now->upperMntId)
                                + "): its page cache and error state are gone");
        if (a.checkpoint->state == "tainted")
            a.reasons.push_back("a writeback error was recorded for this upper"
                                + (a.checkpoint->note.empty() ? std::string() : " (" + a.checkpoint->note + ")"));
        a.cleanCheckpoint = a.checkpoint->state == "clean" && a.checkpoint->backend == "fuse";
    }
    if (sync && !a.cleanCheckpoint) {
        if (auto fd = UniqueFd(::open(upper.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); fd) {
            a.synced = true;
            if (::syncfs(fd.get()) != 0) {
                a.syncError = errno;
                a.reasons.push_back(std::string("syncfs of the upper filesystem reports a writeback error (")
                                    + std::strerror(a.syncError) + "): writes may have been lost");
                // This syncfs has marked the error seen: keep it, or the next one reports clean.
                (void)recordWritebackError(workdir, a.syncError);
            }
        }
    }
    a.safe = a.checkpoint && a.sameBoot && a.sameMount && a.checkpoint->state != "tainted"
        && (a.cleanCheckpoint || (a.synced && a.syncError == 0));
    return a;
}

Result<void> recordWritebackError(const std::string &workdir, int err)
{
    auto cp = readCheckpoint(workdir);
    if (!cp)
        return fail(cp.error());
    if (!*cp || (*cp)->state == "tainted")
        return {};
    VolatileCheckpoint tainted = **cp;
    tainted.state = "tainted";
    tainted.note = std::string("syncfs reported ") + std::strerror(err);
    return writeCheckpoint(workdir, tainted);
}

std::string_view volatileActionName(VolatileAction a)
{
    switch (a) {
    case VolatileAction::None:
        return "none";
    case VolatileAction::Cleared:
        return "cleared";
    case VolatileAction::Discarded:
        return "discarded";
    case VolatileAction::Forced:
        return "forced";
    case VolatileAction::Refused:
        return "refused";
    }
    return "none";
}

Result<VolatileRepair> repairVolatile(const std::string &upper, const std::string &workdir, VolatileRepairMode mode,
                                      bool dryRun)
{
    VolatileRepair out;
    out.assessment = assessVolatile(upper, workdir, true);
    const VolatileAssessment &a = out.assessment;
    if (!a.marker)
        out.action = VolatileAction::None;
    else if (a.safe)
        out.action = VolatileAction::Cleared;
    else if (mode == VolatileRepairMode::DiscardUpper)
        out.action = VolatileAction::Discarded;
    else if (mode == VolatileRepairMode::Force)
        out.action = VolatileAction::Forced;
    else
        out.action = VolatileAction::Refused;

    if (out.action == VolatileAction::Discarded) {
        auto list = discardList(upper, workdir);
        if (!list)
            return fail(list.error());
        out.removed = std::move(*list);
        if (!dryRun)
            if (auto r = discardUpper(upper, workdir); !r)
                return fail(r.error());
    }
    if (dryRun || out.action == VolatileAction::None || out.action == VolatileAction::Refused)
        return out;
    if (auto r = clearVolatileMarker(workdir); !r)
        return fail(r.error());
    // The checkpoint described the volatile mount that is now over.
    if (::unlink(checkpointPath(workdir).c_str()) != 0 && errno != ENOENT)
        return fail(sysError(errno, checkpointPath(workdir), "cannot remove the volatile checkpoint"));
    return out;
}

Result<std::vector<std::string>> discardList(const std::string &upper, const std::string &workdir)
{
    std::vector<std::string> out;
    if (auto r = emptyDir(upper, "upper", true, &out); !r)
        return fail(r.error());
    if (auto r = emptyDir(workdir + "/work", "work", true, &out); !r)
        return fail(r.error());
    return out;
}

Result<void> discardUpper(const std::string &upper, const std::string &workdir)
{
    if (auto r = emptyDir(upper, "upper", false, nullptr); !r)
        return r;
    return emptyDir(workdir + "/work", "work", false, nullptr);
}

bool reuseCleanVolatile(const std::string &upper, const std::string &workdir)
{
    if (!volatileMarkerPresent(workdir))
        return false;
    const VolatileAssessment a = assessVolatile(upper, workdir, false);
    if (!a.safe || !a.cleanCheckpoint)
        return false;
    return clearVolatileMarker(workdir).has_value();
}

Result<VolatileHold> beginVolatileHold(const std::string &upper, const std::string &workdir)
{
    VolatileHold h;
    h.fd.reset(::open(upper.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!h.fd)
        return fail(sysError(errno, upper, "cannot hold the upper filesystem open"));
    h.upper = upper;
    h.workdir = workdir;
    if (auto r = createVolatileMarker(workdir); !r)
        return fail(r.error());
    if (auto r = recordVolatileMount(upper, workdir, "fuse"); !r)
        return fail(r.error());
    return h;
}

int endVolatileHold(VolatileHold &hold)
{
    if (!hold.fd)
        return 0;
    const int err = ::syncfs(hold.fd.get()) == 0 ? 0 : errno;
    if (auto cp = checkpointNow(hold.upper, "fuse"); cp) {
        cp->state = err ? "tainted" : "clean";
        if (err)
            cp->note = std::string("syncfs at unmount reported ") + std::strerror(err);
        (void)writeCheckpoint(hold.workdir, *cp);
    }
    hold.fd.reset();
    return err;
}

} // namespace strata::mounts
