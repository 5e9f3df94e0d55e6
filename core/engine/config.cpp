// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include "mounts/overlayoptions.h"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace strata::engine {

namespace {

// Options mount(8) and mount.fuse3 add for every filesystem: libfuse understands
// these, so they are passed through. Options that only matter to mount(8) itself
// (fstab bookkeeping) are accepted and dropped.
constexpr const char *kPassThrough[]
    = {"rw",    "ro",   "dev",   "nodev",   "suid",    "nosuid",     "exec",        "noexec",
       "async", "sync", "atime", "noatime", "dirsync", "allow_root", "auto_unmount"};
constexpr const char *kIgnored[]
    = {"defaults", "auto",       "noauto",     "user",        "nouser",        "users",    "_netdev",
       "nofail",   "relatime",   "norelatime", "strictatime", "nostrictatime", "lazytime", "nolazytime",
       "diratime", "nodiratime", "loud",       "silent",      "nonempty"};

bool listed(const auto &list, const std::string &opt)
{
    for (const char *o : list)
        if (opt == o)
            return true;
    return false;
}

std::vector<std::string> splitCommas(const std::string &s)
{
    // A backslash escapes a comma inside a path ("lowerdir=/a\,b"). An escaped
    // backslash stays escaped for the layer's own unescaping (overlayfs's rule),
    // but "\\," is a backslash ending a value, not an escaped comma.
    std::vector<std::string> out;
    std::string cur;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == ',') {
            cur += ',';
            ++i;
        } else if (s[i] == '\\' && i + 1 < s.size()) {
            cur += s[i];
            cur += s[++i];
        } else if (s[i] == ',') {
            out.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += s[i];
        }
    }
    out.push_back(std::move(cur));
    return out;
}

} // namespace

Result<void> applyOption(Config &c, const std::string &opt)
{
    if (opt.empty())
        return {};
    const size_t eq = opt.find('=');
    const std::string key = opt.substr(0, eq);
    const bool hasValue = eq != std::string::npos;
    const std::string value = hasValue ? opt.substr(eq + 1) : std::string();
    auto needValue = [&]() -> Result<void> {
        if (!hasValue || value.empty())
            return fail(makeError("-o " + key, "needs a value (" + key + "=...)", EINVAL));
        return {};
    };
    auto noValue = [&]() -> Result<void> {
        if (hasValue)
            return fail(makeError("-o " + opt, "takes no value", EINVAL));
        return {};
    };

    if (key == "lowerdir") {
        if (auto r = needValue(); !r)
            return r;
        // The kernel's own split (ovl_parse_param_split_lowerdirs): "\:" escapes
        // a colon, "::" starts the data-only layers.
        auto dirs = mounts::splitLowerdir(value);
        if (!dirs)
            return fail(dirs.error());
        c.lowerdirs = std::move(dirs->lowers);
        c.datadirs = std::move(dirs->dataLayers);
    } else if (key == "upperdir") {
        if (auto r = needValue(); !r)
            return r;
        // As the kernel (ovl_mount_dir): a backslash makes the next byte literal.
        c.upperdir = mounts::unescapeLayerPath(value);
    } else if (key == "workdir") {
        if (auto r = needValue(); !r)
            return r;
        c.workdir = mounts::unescapeLayerPath(value);
    } else if (key == "fsname") {
        if (auto r = needValue(); !r)
            return r;
        c.fsname = value;
    } else if (key == "passthrough") {
        if (value == "auto")
            c.passthrough = PassthroughMode::Auto;
        else if (value == "on")
            c.passthrough = PassthroughMode::On;
        else if (value == "off")
            c.passthrough = PassthroughMode::Off;
        else
            return fail(makeError("-o " + opt, "passthrough takes auto, on or off", EINVAL));
    } else if (key == "transport") {
        if (value == "auto")
            c.transport = TransportMode::Auto;
        else if (value == "uring")
            c.transport = TransportMode::Uring;
        else if (value == "dev")
            c.transport = TransportMode::Dev;
        else
            return fail(makeError("-o " + opt, "transport takes auto, uring or dev", EINVAL));
    } else if (key == "lowerwatch") {
        if (value == "on")
            c.lowerWatch = true;
        else if (value == "off")
            c.lowerWatch = false;
        else
            return fail(makeError("-o " + opt, "lowerwatch takes on or off", EINVAL));
    } else if (key == "killpriv") {
        if (value == "daemon")
            c.kernelKillpriv = false;
        else if (value == "kernel")
            c.kernelKillpriv = true;
        else
            return fail(makeError("-o " + opt, "killpriv takes daemon or kernel", EINVAL));
    } else if (key == "stats") {
        if (auto r = noValue(); !r)
            return r;
        c.stats = true;
    } else if (key == "threads") {
        unsigned n = 0;
        const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc() || p != value.data() + value.size() || n == 0 || n > 1024)
            return fail(makeError("-o " + opt, "threads takes a number from 1 to 1024", EINVAL));
        c.threads = n;
    } else if (key == "timeout") {
        char *end = nullptr;
        const double t = std::strtod(value.c_str(), &end);
        if (value.empty() || *end || t < 0)
            return fail(makeError("-o " + opt, "timeout takes seconds (0 or more)", EINVAL));
        c.timeout = t;
    } else if (key == "userxattr" || key == "volatile" || key == "debug" || key == "allow_other"
               || key == "default_permissions") {
        if (auto r = noValue(); !r)
            return r;
        if (key == "userxattr")
            c.userxattr = true;
        else if (key == "volatile")
            c.volatileMode = true;
        else if (key == "debug")
            c.debug = true;
        else if (key == "allow_other")
            c.allowOther = true;
        else
            c.defaultPermissions = true;
    } else if (key == "redirect_dir") {
        // The engine always behaves as redirect_dir=on; accept the kernel's spelling
        // so one option string can mount either.
        if (value != "on" && value != "follow")
            return fail(makeError("-o " + opt, "strata-fuse always works as redirect_dir=on", EINVAL));
    } else if (key == "index" && (value == "on" || value == "off")) {
        c.index = value == "on";
    } else if (key == "metacopy" && (value == "on" || value == "off")) {
        c.metacopy = value == "on";
    } else if (key == "verity" && value != "off") {
        return fail(makeError("-o " + opt, "not supported by strata-fuse (only verity=off)", EINVAL));
    } else if (key == "index" || key == "metacopy" || key == "xino" || key == "nfs_export" || key == "verity") {
        if (value != "off")
            return fail(makeError("-o " + opt, "not supported by strata-fuse yet (only " + key + "=off)", EINVAL));
    } else if (listed(kPassThrough, opt)) {
        c.fuseOptions.push_back(opt);
    } else if (listed(kIgnored, opt) || opt.starts_with("x-") || opt.starts_with("comment=")) {
        // mount(8) bookkeeping: nothing to do.
    } else {
        return fail(makeError("-o " + opt, "unknown option (see strata-fuse --help)", EINVAL));
    }
    return {};
}

Result<void> applyOption(Config &c, const mounts::OverlayOption &option)
{
    return applyOption(c, option.key + (option.value ? "=" + *option.value : std::string()));
}

OptionFate fateOf(const mounts::OverlayOption &option)
{
    // uuid, xino and nfs_export decide the inode numbers and the file handles the
    // kernel hands out; strata-fuse numbers inodes itself and exports no handles.
    // Every other option reaches the engine, which either implements it with the
    // kernel's meaning or refuses it by name (redirect_dir=off, verity=on, ...):
    // dropping those would show a different tree than the kernel would.
    const std::string &k = option.key;
    if (k == "uuid" || k == "xino" || k == "nfs_export")
        return OptionFate::Drop;
    return OptionFate::Carry;
}

bool callerMayPass(const mounts::OverlayOption &o)
{
    // What the helper lets an unprivileged caller add to strata-fuse's command line
    // (it sets allow_other, default_permissions, nosuid, nodev and fsname itself):
    // the options that change how the union behaves, never whom it serves, where
    // it reads from, or what runs (threads, passthrough, debug stay the helper's).
    static const std::pair<std::string_view, std::string_view> allowed[] = {
        {"userxattr", ""},          {"volatile", ""}, {"ro", ""},          {"rw", ""},      {"redirect_dir", "on"},
        {"redirect_dir", "follow"}, {"index", "off"}, {"metacopy", "off"}, {"xino", "off"}, {"nfs_export", "off"},
    };
    for (const auto &[key, value] : allowed)
        if (o.key == key && (value.empty() ? !o.value : o.value == value))
            return true;
    return false;
}

std::vector<std::string> formatArgs(const Config &c)
{
    // Escaped so that parseArgs reads back every path byte for byte: layer paths
    // with overlayfs's escapes (\ \: \,), which splitCommas and the layer's own
    // unescaping undo in that order.
    std::vector<std::string> opts;
    if (auto lower = mounts::formatLowerdir(c.lowerdirs, c.datadirs))
        opts.push_back("lowerdir=" + *lower);
    if (!c.upperdir.empty())
        opts.push_back("upperdir=" + mounts::escapeLayerPath(c.upperdir));
    if (!c.workdir.empty())
        opts.push_back("workdir=" + mounts::escapeLayerPath(c.workdir));
    if (!c.fsname.empty())
        opts.push_back("fsname=" + c.fsname);
    if (c.passthrough != PassthroughMode::Auto)
        opts.push_back(c.passthrough == PassthroughMode::On ? "passthrough=on" : "passthrough=off");
    if (c.threads)
        opts.push_back("threads=" + std::to_string(c.threads));
    if (c.kernelKillpriv)
        opts.push_back("killpriv=kernel");
    if (c.timeout != Config().timeout) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", c.timeout);
        opts.push_back(std::string("timeout=") + buf);
    }
    for (const auto &[on, name] :
         {std::pair {c.userxattr, "userxattr"}, std::pair {c.volatileMode, "volatile"}, std::pair {c.index, "index=on"},
          std::pair {c.metacopy, "metacopy=on"}, std::pair {c.debug, "debug"}, std::pair {c.allowOther, "allow_other"},
          std::pair {c.defaultPermissions, "default_permissions"}})
        if (on)
            opts.push_back(name);
    for (const auto &o : c.fuseOptions)
        opts.push_back(o);
    std::string joined;
    for (const auto &o : opts)
        joined += (joined.empty() ? "" : ",") + o;
    std::vector<std::string> out {"-o", joined};
    if (c.foreground)
        out.push_back("-f");
    if (!c.source.empty())
        out.push_back(c.source);
    out.push_back(c.mountpoint);
    return out;
}

Result<Config> parseArgs(int argc, char **argv)
{
    Config c;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        std::string opts;
        if (a == "-o") {
            if (i + 1 >= argc)
                return fail(makeError("-o", "needs an option list", EINVAL));
            opts = argv[++i];
        } else if (a.starts_with("-o") && a.size() > 2) {
            opts = a.substr(2);
        } else if (a == "-f" || a == "--foreground") {
            c.foreground = true;
            continue;
        } else if (a == "-d" || a == "--debug") {
            c.debug = true;
            c.foreground = true;
            continue;
        } else if (a == "-h" || a == "--help") {
            c.help = true;
            return c;
        } else if (a == "-V" || a == "--version") {
            c.version = true;
            return c;
        } else if (a == "-s") {
            c.threads = 1;
            continue;
        } else if (a.starts_with("-") && a.size() > 1) {
            return fail(makeError(a, "unknown command-line flag (see strata-fuse --help)", EINVAL));
        } else {
            positional.push_back(a);
            continue;
        }
        for (const auto &opt : splitCommas(opts))
            if (auto r = applyOption(c, opt); !r)
                return fail(r.error());
    }
    if (positional.size() == 1) {
        c.mountpoint = positional[0];
    } else if (positional.size() == 2) {
        c.source = positional[0];
        c.mountpoint = positional[1];
    } else if (positional.empty()) {
        return fail(makeError("strata-fuse", "no mount point given", EINVAL));
    } else {
        return fail(makeError(positional[2], "unexpected argument: one mount point expected", EINVAL));
    }
    if (c.lowerdirs.empty())
        return fail(makeError("lowerdir=", "missing: at least one lower directory is needed", EINVAL));
    if (c.metacopy && c.userxattr)
        return fail(makeError("-o metacopy=on", "conflicting options: userxattr,metacopy=on (as the kernel)", EINVAL));
    if (c.upperdir.empty() != c.workdir.empty())
        return fail(makeError(c.upperdir.empty() ? "workdir=" : "upperdir=",
                              c.upperdir.empty() ? "workdir needs upperdir" : "upperdir needs workdir", EINVAL));
    if (::geteuid() == 0) {
        // As root (started by the helper or by mount(8)) the union is shared and
        // the kernel checks permissions against the merged modes, as overlayfs does.
        c.allowOther = true;
        c.defaultPermissions = true;
    }
    return c;
}

std::string usage(const char *argv0)
{
    return std::string("usage: ") + argv0
        + " -o lowerdir=L1[:L2...][,upperdir=U,workdir=W][,options] [-f] MOUNTPOINT\n"
          "       mount -t fuse.strata-fuse strata MOUNTPOINT -o lowerdir=...\n"
          "options:\n"
          "  lowerdir=L1:L2::D1 lower layers, top first (\\: escapes a colon); after \"::\" data-only\n"
          "                     layers, reached only by metacopy files' redirects\n"
          "  upperdir=U         writable layer; without it the union is read-only\n"
          "  workdir=W          staging dir on the same filesystem as U\n"
          "  passthrough=auto|on|off  FUSE passthrough (needs CAP_SYS_ADMIN)\n"
          "  threads=N          worker threads\n"
          "  transport=auto|uring|dev  FUSE over io_uring where libfuse and the kernel offer it\n"
          "  lowerwatch=on|off  follow changes made directly on the lower layers (default on)\n"
          "  killpriv=daemon|kernel  who clears set-id bits on write, truncate, chown (default daemon)\n"
          "  stats              request counts per opcode on SIGUSR1 and at exit (stderr)\n"
          "  userxattr          keep overlay metadata in user.overlay.*\n"
          "  volatile           skip fsync of copy-ups\n"
          "  index=on|off       keep lower hard links linked across copy-up (workdir/index)\n"
          "  metacopy=on|off    follow metadata-only files (overlay.metacopy) to their data\n"
          "  fsname=NAME, allow_other, default_permissions, debug, timeout=SECONDS\n"
          "  -f                 stay in the foreground\n";
}

} // namespace strata::engine
