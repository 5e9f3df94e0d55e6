// SPDX-License-Identifier: GPL-2.0-or-later
// The doctor's confirmation: the kernel asked for real, in a child process with a
// private mount namespace, so nothing it does is visible outside and nothing stays
// mounted. FSCONFIG_CMD_CREATE runs the whole of ovl_fill_super (every check the
// kernel makes); the superblock dies with the fs fd when the child exits.
#include "doctor.h"

#include "util/uniquefd.h"

// glibc >= 2.36 declares fsopen/fsconfig and their constants here.
#include <sys/mount.h>

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace strata::mounts {

namespace {

struct Param {
    std::string key;
    std::string value; // empty with flag = true
    bool flag = false;
};

std::vector<Param> paramsOf(const OverlayOptions &spec)
{
    std::vector<Param> out;
    for (const auto &l : spec.lowers)
        out.push_back({"lowerdir+", l});
    for (const auto &d : spec.dataLayers)
        out.push_back({"datadir+", d});
    if (spec.upper)
        out.push_back({"upperdir", *spec.upper});
    if (spec.work)
        out.push_back({"workdir", *spec.work});
    for (const auto &o : spec.others)
        out.push_back({o.key, o.value.value_or(""), !o.value});
    return out;
}

// The child: only syscalls and stack buffers after fork (the parent may have threads).
[[noreturn]] void child(int out, const std::vector<Param> &params, const char *legacyData, const char *legacyTarget)
{
    char line[4200];
    auto report = [&](int err, const char *step, int mounted) {
        const int n = std::snprintf(line, sizeof line, "R %d %d %s\n", err, mounted, step);
        (void)!::write(out, line, static_cast<size_t>(n));
    };
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        report(errno, "unshare(CLONE_NEWNS)", 0);
        ::_exit(1);
    }
    if (legacyData) {
        const int r = ::mount("overlay", legacyTarget, "overlay", 0, legacyData);
        report(r == 0 ? 0 : errno, "mount(2)", r == 0);
        ::_exit(0);
    }
    const int fsfd = ::fsopen("overlay", FSOPEN_CLOEXEC);
    if (fsfd < 0) {
        report(errno, "fsopen overlay", 0);
        ::_exit(1);
    }
    auto drain = [&] {
        for (;;) {
            const ssize_t n = ::read(fsfd, line + 2, sizeof line - 4);
            if (n <= 0)
                break;
            line[0] = 'M';
            line[1] = ' ';
            size_t len = static_cast<size_t>(n) + 2;
            while (len > 2 && line[len - 1] == '\n')
                --len;
            line[len++] = '\n';
            (void)!::write(out, line, len);
        }
    };
    for (const auto &p : params) {
        const int r = p.flag ? ::fsconfig(fsfd, FSCONFIG_SET_FLAG, p.key.c_str(), nullptr, 0)
                             : ::fsconfig(fsfd, FSCONFIG_SET_STRING, p.key.c_str(), p.value.c_str(), 0);
        if (r != 0) {
            const int err = errno;
            drain();
            char step[400];
            std::snprintf(step, sizeof step, "fsconfig %s", p.key.c_str());
            report(err, step, 0);
            ::_exit(0);
        }
    }
    const int r = ::fsconfig(fsfd, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0);
    const int err = r == 0 ? 0 : errno;
    drain();
    report(err, "FSCONFIG_CMD_CREATE", r == 0);
    ::_exit(0);
}

// /dev/kmsg records: "prio,seq,usec,flags;text\n" plus continuation lines.
std::vector<std::string> overlayKmsgLines(int kmsg)
{
    std::vector<std::string> out;
    char buf[8192];
    for (;;) {
        const ssize_t n = ::read(kmsg, buf, sizeof buf);
        if (n < 0 && errno == EPIPE)
            continue; // overwritten records: skip ahead
        if (n <= 0)
            break;
        std::string_view rec(buf, static_cast<size_t>(n));
        const size_t semi = rec.find(';');
        if (semi == std::string_view::npos)
            continue;
        std::string_view text = rec.substr(semi + 1);
        text = text.substr(0, text.find('\n'));
        if (text.starts_with("overlayfs: ") || text.starts_with("overlay: "))
            out.emplace_back(text);
    }
    return out;
}

std::string stripPrefix(std::string_view s)
{
    for (std::string_view p : {"e ", "w ", "i "})
        if (s.starts_with(p))
            s.remove_prefix(p.size());
    for (std::string_view p : {"overlayfs: ", "overlay: "})
        if (s.starts_with(p))
            s.remove_prefix(p.size());
    while (!s.empty() && (s.back() == '\n' || s.back() == '.'))
        s.remove_suffix(1);
    return std::string(s);
}

} // namespace

bool kernelSaid(const std::vector<std::string> &messages, const std::string &kernelMessage)
{
    const std::string want = stripPrefix(kernelMessage);
    if (want.empty())
        return false;
    for (const auto &m : messages)
        if (stripPrefix(m).find(want) != std::string::npos)
            return true;
    return false;
}

TryMount tryMount(const OverlayOptions &spec, bool legacy)
{
    TryMount t;
    if (::geteuid() != 0) {
        t.notAttempted = "not root: a try-mount needs CAP_SYS_ADMIN";
        return t;
    }
    std::string legacyData;
    if (legacy) {
        auto data = formatLegacyMountData(spec);
        // Past one page the kernel would cut it; build it anyway to show what happens.
        if (!data) {
            legacyData = "lowerdir=";
            for (size_t i = 0; i < spec.lowers.size(); ++i)
                legacyData += (i ? ":" : "") + escapeLayerPath(spec.lowers[i]);
            if (spec.upper)
                legacyData += ",upperdir=" + escapeLayerPath(*spec.upper);
            if (spec.work)
                legacyData += ",workdir=" + escapeLayerPath(*spec.work);
            for (const auto &o : spec.others)
                legacyData += "," + o.key + (o.value ? "=" + *o.value : "");
        } else {
            legacyData = *data;
        }
        if (spec.lowers.empty()) {
            t.notAttempted = "no lower layer to mount over";
            return t;
        }
    }
    // A try-mount of a volatile stack that succeeds leaves the kernel's dirty marker;
    // it must not outlive the try (nothing was written through it).
    const bool isVolatile = spec.has("volatile");
    struct stat st;
    const bool markerBefore = spec.work && ::stat((*spec.work + "/work/incompat/volatile").c_str(), &st) == 0;

    const auto params = paramsOf(spec);
    UniqueFd kmsg(::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (kmsg)
        ::lseek(kmsg.get(), 0, SEEK_END);
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0) {
        t.notAttempted = std::string("pipe: ") + std::strerror(errno);
        return t;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        t.notAttempted = std::string("fork: ") + std::strerror(errno);
        ::close(pipefd[0]);
        ::close(pipefd[1]);
        return t;
    }
    if (pid == 0) {
        ::close(pipefd[0]);
        child(pipefd[1], params, legacy ? legacyData.c_str() : nullptr, legacy ? spec.lowers.front().c_str() : nullptr);
    }
    ::close(pipefd[1]);
    std::string text;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(pipefd[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        text.append(buf, static_cast<size_t>(n));
    }
    ::close(pipefd[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) { }

    t.attempted = true;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string::npos)
            nl = text.size();
        const std::string_view l(text.data() + pos, nl - pos);
        pos = nl + 1;
        if (l.starts_with("M "))
            t.messages.emplace_back(l.substr(2));
        else if (l.starts_with("R ")) {
            int err = 0, mounted = 0, used = 0;
            const std::string s(l.substr(2));
            if (std::sscanf(s.c_str(), "%d %d %n", &err, &mounted, &used) >= 2) {
                t.err = err;
                t.mounted = mounted != 0;
                t.step = s.substr(static_cast<size_t>(used));
            }
        }
    }
    if (t.step.empty()) {
        t.attempted = false;
        t.notAttempted = "the try-mount process ended without a result";
    }
    if (kmsg)
        for (auto &m : overlayKmsgLines(kmsg.get()))
            t.messages.push_back(std::move(m));

    if (isVolatile && t.mounted && !markerBefore && spec.work) {
        const std::string base = *spec.work + "/work/incompat/volatile";
        ::unlink((base + "/dirty").c_str());
        ::rmdir(base.c_str());
        ::rmdir((*spec.work + "/work/incompat").c_str());
    }
    return t;
}

} // namespace strata::mounts
