// SPDX-License-Identifier: GPL-2.0-or-later
// The doctor's confirmation: the kernel asked for real. Through the one mount
// sequence (mountsequence.h, layers by path, escaped as every mount escapes them):
// FSCONFIG_CMD_CREATE runs the whole of ovl_fill_super (every check the kernel
// makes) and fsmount gives a mount attached nowhere, gone when its fd closes. The
// legacy mount(2) try needs a target, so it runs in a child process with a private
// mount namespace: nothing it does is visible outside and nothing stays mounted.
#include "doctor.h"

#include "mountsequence.h"
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

// The child: only syscalls and stack buffers after fork (the parent may have threads).
[[noreturn]] void child(int out, const char *legacyData, const char *legacyTarget)
{
    char line[200];
    auto report = [&](int err, const char *step, int mounted) {
        const int n = std::snprintf(line, sizeof line, "R %d %d %s\n", err, mounted, step);
        (void)!::write(out, line, static_cast<size_t>(n));
    };
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        report(errno, "unshare(CLONE_NEWNS)", 0);
        ::_exit(1);
    }
    const int r = ::mount("overlay", legacyTarget, "overlay", 0, legacyData);
    report(r == 0 ? 0 : errno, "mount(2)", r == 0);
    ::_exit(0);
}

// mount(2) with one option string, in a child with a private mount namespace.
void tryLegacy(const std::string &data, const std::string &target, TryMount &t)
{
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0) {
        t.notAttempted = std::string("pipe: ") + std::strerror(errno);
        return;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        t.notAttempted = std::string("fork: ") + std::strerror(errno);
        ::close(pipefd[0]);
        ::close(pipefd[1]);
        return;
    }
    if (pid == 0) {
        ::close(pipefd[0]);
        child(pipefd[1], data.c_str(), target.c_str());
    }
    ::close(pipefd[1]);
    std::string text;
    char buf[512];
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
    int err = 0, mounted = 0, used = 0;
    if (text.starts_with("R ") && std::sscanf(text.c_str() + 2, "%d %d %n", &err, &mounted, &used) >= 2) {
        t.attempted = true;
        t.err = err;
        t.mounted = mounted != 0;
        t.step = text.substr(2 + static_cast<size_t>(used));
        while (!t.step.empty() && t.step.back() == '\n')
            t.step.pop_back();
    } else {
        t.notAttempted = "the try-mount process ended without a result";
    }
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
    if (legacy && spec.lowers.empty()) {
        t.notAttempted = "no lower layer to mount over";
        return t;
    }
    // A try-mount of a volatile stack that succeeds leaves the kernel's dirty marker;
    // it must not outlive the try (nothing was written through it).
    struct stat st;
    const bool markerBefore = spec.work && ::stat((*spec.work + "/work/incompat/volatile").c_str(), &st) == 0;

    UniqueFd kmsg(::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (kmsg)
        ::lseek(kmsg.get(), 0, SEEK_END);
    if (legacy) {
        // Past one page the kernel cuts the data: built anyway, to show what it does.
        auto data = formatLegacyMountData(spec, false);
        if (!data) {
            t.notAttempted = data.error().message();
            return t;
        }
        tryLegacy(*data, spec.lowers.front(), t);
    } else {
        OverlayLayers layers = layersByPath(spec);
        MountTrace trace;
        layers.trace = &trace;
        layers.recordVolatile = false;
        auto made = createOverlay(layers);
        if (!made && trace.step.empty()) { // refused before asking the kernel
            t.notAttempted = made.error().message();
            return t;
        }
        t.attempted = true;
        t.mounted = made.has_value();
        t.err = made ? 0 : made.error().code;
        t.step = made ? "FSCONFIG_CMD_CREATE" : trace.step;
        t.messages = std::move(trace.messages);
    }
    if (kmsg)
        for (auto &m : overlayKmsgLines(kmsg.get()))
            t.messages.push_back(std::move(m));

    if (spec.isVolatile() && t.mounted && !markerBefore && spec.work) {
        const std::string base = *spec.work + "/work/incompat/volatile";
        ::unlink((base + "/dirty").c_str());
        ::rmdir(base.c_str());
        ::rmdir((*spec.work + "/work/incompat").c_str());
    }
    return t;
}

} // namespace strata::mounts
