// SPDX-License-Identifier: GPL-2.0-or-later
#include "captureresolve.h"

#include "engine/config.h"
#include "util/wholefile.h"

#include <cerrno>
#include <climits>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::mounts {

namespace {

constexpr std::string_view kSelfFd = "/proc/self/fd/";

bool startsWith(std::string_view s, std::string_view p)
{
    return s.substr(0, p.size()) == p;
}

// The layers and options a strata-fuse command line gives, as an overlay's: the
// layers as parsed (no escaping round trip), the other options as the engine would
// be given them again (formatArgs), so restore starts it the same way.
Result<OverlayOptions> sourcesOf(const engine::Config &c)
{
    engine::Config rest = c;
    rest.lowerdirs.clear();
    rest.datadirs.clear();
    rest.upperdir.clear();
    rest.workdir.clear();
    const auto args = engine::formatArgs(rest); // "-o", "opts", ..., MOUNTPOINT
    auto out = parseOverlayOptions(args.size() > 1 ? args[1] : std::string());
    if (!out)
        return fail(out.error());
    out->lowers = c.lowerdirs;
    out->dataLayers = c.datadirs;
    if (!c.upperdir.empty())
        out->upper = c.upperdir;
    if (!c.workdir.empty())
        out->work = c.workdir;
    out->lowerSyntax = LowerSyntax::Legacy;
    return out;
}

std::string readLink(const std::string &path)
{
    char buf[PATH_MAX];
    const ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::string canonical(const std::string &path)
{
    char *r = ::realpath(path.c_str(), nullptr);
    if (!r)
        return {};
    std::string out(r);
    std::free(r);
    return out;
}

std::vector<std::string> splitNul(const std::string &s)
{
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i)
        if (s[i] == '\0') {
            out.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    if (start < s.size())
        out.push_back(s.substr(start));
    return out;
}

// A path of the engine's command line as seen from here: its fds and its cwd are
// reachable through /proc/PID.
std::string inProcess(pid_t pid, const std::string &path)
{
    const std::string proc = "/proc/" + std::to_string(pid);
    if (startsWith(path, kSelfFd))
        return proc + "/fd/" + path.substr(kSelfFd.size());
    if (!path.empty() && path.front() != '/')
        return proc + "/cwd/" + path;
    return path;
}

// The strata-fuse daemon serving `target`: its argv is "strata-fuse [-o OPTS]...
// [-f] MOUNTPOINT" (the helper passes /proc/self/fd/N for the mount point too).
Result<LayerSources> engineSources(const MountEntry &entry)
{
    UniqueFd proc(::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    DIR *dir = proc ? ::fdopendir(::dup(proc.get())) : nullptr;
    if (!dir)
        return fail(sysError(errno, "/proc", "cannot list processes"));
    std::optional<LayerSources> found;
    std::string unreadable;
    while (dirent *d = ::readdir(dir)) {
        char *end = nullptr;
        const long pid = std::strtol(d->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        auto cmdline = readWholeFile("/proc/" + std::string(d->d_name) + "/cmdline");
        if (!cmdline || !*cmdline)
            continue; // gone meanwhile, or not ours to read
        auto argv = splitNul(**cmdline);
        if (argv.empty() || argv[0].substr(argv[0].rfind('/') + 1) != "strata-fuse")
            continue;
        // strata-fuse's own parser reads its command line, in either form it is started with.
        std::vector<char *> args;
        for (auto &a : argv)
            args.push_back(a.data());
        args.push_back(nullptr);
        const auto p = static_cast<pid_t>(pid);
        auto config = engine::parseArgs(static_cast<int>(argv.size()), args.data());
        if (!config) { // its mount point is unknown: it may be another mount's daemon
            unreadable = "; strata-fuse pid " + std::to_string(pid)
                + " has a command line this cannot read: " + config.error().message();
            continue;
        }
        const std::string &mountpoint = config->mountpoint;
        const std::string mp = startsWith(mountpoint, kSelfFd) ? readLink(inProcess(p, mountpoint))
                                                               : canonical(inProcess(p, mountpoint));
        if (mp != entry.target)
            continue;
        auto parsed = sourcesOf(*config);
        if (!parsed) {
            ::closedir(dir);
            return fail(makeError(entry.target,
                                  "the strata-fuse daemon (pid " + std::to_string(pid)
                                      + ") has options this cannot read: " + parsed.error().message()));
        }
        found = LayerSources {"strata-fuse", std::move(*parsed), p};
    }
    ::closedir(dir);
    if (!found)
        return fail(makeError(entry.target,
                              "strata-fuse mount: no strata-fuse process visible here serves it (its layers are "
                              "only on the daemon's command line)"
                                  + unreadable,
                              ESRCH));
    return std::move(*found);
}

Result<ResolvedLayer> openDir(const std::string &shown, const std::string &where)
{
    UniqueFd fd(::open(where.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return fail(sysError(errno, shown, "cannot open the layer"));
    auto path = pathOfFd(fd.get());
    if (!path)
        return fail(path.error());
    return ResolvedLayer {std::move(*path), std::move(fd)};
}

} // namespace

Result<std::string> pathOfFd(int fd)
{
    const std::string link = readLink(std::string(kSelfFd) + std::to_string(fd));
    if (link.empty() || link.front() != '/')
        return fail(makeError("fd " + std::to_string(fd), "has no path (" + link + ")", ENOENT));
    constexpr std::string_view deleted = " (deleted)";
    if (link.size() > deleted.size() && link.ends_with(deleted)) {
        struct stat st {};
        if (::fstat(fd, &st) == 0 && st.st_nlink == 0)
            return fail(makeError(link, "was deleted", ENOENT));
    }
    return link;
}

Result<LayerSources> layerSourcesOf(const MountEntry &entry)
{
    if (entry.fstype == "fuse.strata-fuse")
        return engineSources(entry);
    if (entry.fstype != "overlay")
        return fail(
            makeError(entry.target, "not an overlay or strata-fuse mount (it is " + entry.fstype + ")", EINVAL));
    auto opts = parseOverlayOptions(entry.fsOptions);
    if (!opts)
        return fail(makeError(entry.target, "cannot read its overlay options: " + opts.error().message(), EINVAL));
    return LayerSources {"overlay", std::move(*opts), 0};
}

std::vector<Result<ResolvedLayer>> resolveLayerPaths(const std::vector<std::string> &paths, const LayerSources &sources)
{
    std::vector<Result<ResolvedLayer>> out;
    // Bases for relative paths: each ancestor of an absolute layer path, nearest
    // first; the first under which every relative path names a directory wins.
    std::vector<std::string> bases;
    bool anyRelative = false;
    for (const auto &p : paths) {
        if (p.empty() || p.front() == '/') {
            for (std::string a = p; a.size() > 1;) {
                a.resize(std::max<size_t>(a.rfind('/'), 1));
                if (std::ranges::find(bases, a) == bases.end())
                    bases.push_back(a);
            }
        } else {
            anyRelative = true;
        }
    }
    std::string base;
    if (anyRelative) {
        for (const auto &b : bases) {
            bool all = true;
            for (const auto &p : paths) {
                struct stat st {};
                if (!p.empty() && p.front() != '/' && (::stat((b + "/" + p).c_str(), &st) != 0 || !S_ISDIR(st.st_mode)))
                    all = false;
            }
            if (all) {
                base = b;
                break;
            }
        }
    }
    for (const auto &p : paths) {
        if (sources.enginePid) {
            // The daemon's fds and cwd first; a daemon that chdir()ed to / after
            // starting leaves relative paths to the same guess as Docker's.
            auto r = openDir(p, inProcess(sources.enginePid, p));
            if (!r && !p.empty() && p.front() != '/' && !base.empty())
                r = openDir(p, base + "/" + p);
            out.push_back(std::move(r));
        } else if (startsWith(p, "/proc/")) {
            out.push_back(fail(makeError(p,
                                         "was given as a /proc path of the mounting process, which is gone: the "
                                         "layer cannot be found from the mount table",
                                         ENOENT)));
        } else if (!p.empty() && p.front() != '/') {
            if (base.empty())
                out.push_back(fail(makeError(p,
                                             "is relative to the mounter's working directory (as Docker's l/ links "
                                             "are), and no directory above the stack's other layers holds it",
                                             ENOENT)));
            else
                out.push_back(openDir(p, base + "/" + p));
        } else {
            out.push_back(openDir(p, p));
        }
    }
    return out;
}

} // namespace strata::mounts
