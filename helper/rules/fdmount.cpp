// SPDX-License-Identifier: GPL-2.0-or-later
#include "fdmount.h"

#include "helperprotocol.h"
#include "pathrules.h"

#include "engine/config.h"
#include "mounts/fsfacts.h"
#include "mounts/mountsequence.h"

#include <sys/mount.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace strata::helper {

namespace {

// A refusal of the kernel's, as the mount sequence reported it (the step, errno and
// the kernel's own messages).
std::unexpected<Refusal> kernelRefused(const Error &e)
{
    Error why = e;
    why.subject.clear();
    return refuse(KernelRefused, e.subject, why.message());
}

} // namespace

Checked<MountDone> mountKernelByFd(const ValidatedMount &v)
{
    // Every layer by the fd validation opened: nothing is looked up again.
    mounts::OverlayLayers layers;
    for (const auto &l : v.lowers)
        layers.lowers.push_back(mounts::LayerRef::byFd(l.fd.get(), l.subject()));
    if (v.upper) {
        layers.upper = mounts::LayerRef::byFd(v.upper->fd.get(), v.upper->subject());
        layers.work = mounts::LayerRef::byFd(v.work->fd.get(), v.work->subject());
    }
    layers.options = v.options;
    layers.subject = v.mountpoint.subject();
    auto made = mounts::createOverlay(layers, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
    if (!made)
        return kernelRefused(made.error());
    if (auto ok = mounts::attachMount(made->mount.get(), v.mountpoint.fd.get(), "", v.mountpoint.subject()); !ok)
        return kernelRefused(ok.error());
    MountDone done;
    done.kernelMessages = std::move(made->kernelMessages);
    done.mountId = mounts::mountIdOf(made->mount.get());
    done.root = std::move(made->mount);
    // createOverlay recorded a volatile mount's checkpoint beside the upper.
    return done;
}

Checked<std::string> findEngine(const std::string &installed)
{
    std::string candidates[2];
    char self[4096];
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        std::string dir(self, static_cast<size_t>(n));
        dir.resize(dir.rfind('/'));
        candidates[0] = dir + "/strata-fuse";
    }
    candidates[1] = installed;
    for (const auto &c : candidates) {
        struct stat st {}, dst {};
        if (c.empty() || ::stat(c.c_str(), &st) != 0)
            continue;
        const std::string dir = c.substr(0, c.rfind('/'));
        if (::stat(dir.c_str(), &dst) != 0)
            continue;
        if (st.st_uid != 0 || (st.st_mode & 022) || dst.st_uid != 0 || (dst.st_mode & 022) || !(st.st_mode & S_IXUSR))
            return refuse(EngineMissing, shownPath(c),
                          "is not owned by root or is writable by others; it will not be run as root");
        return c;
    }
    return refuse(EngineMissing, "strata-fuse",
                  "is not installed (looked next to the helper and at " + installed + ")");
}

Checked<MountDone> mountEngine(const ValidatedMount &v, const std::string &enginePath, int timeoutMs)
{
    // Everything the child needs is built before fork: after it, only syscalls.
    // The command line is the engine's own format (engine/config.h), so what the
    // helper writes is exactly what strata-fuse parses.
    std::vector<int> fds;
    auto proc = [&fds](const ResolvedDir &d) {
        fds.push_back(d.fd.get());
        return "/proc/self/fd/" + std::to_string(d.fd.get());
    };
    engine::Config c;
    for (const auto &l : v.lowers)
        c.lowerdirs.push_back(proc(l));
    if (v.upper) {
        c.upperdir = proc(*v.upper);
        c.workdir = proc(*v.work);
    }
    c.allowOther = true;
    c.defaultPermissions = true;
    c.fuseOptions = {"nosuid", "nodev"};
    c.fsname = "strata:" + (v.name.empty() ? std::string("stack") : v.name);
    for (const auto &o : v.options)
        if (auto ok = engine::applyOption(c, o); !ok)
            return refuse(OptionNotAllowed, "option " + o.key, ok.error().reason);
    const std::string mp = proc(v.mountpoint);
    c.mountpoint = mp;
    std::vector<std::string> argStore = engine::formatArgs(c);
    argStore.insert(argStore.begin(), enginePath);
    std::vector<char *> argv;
    for (auto &a : argStore)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    char envPath[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
    char envLang[] = "LANG=C.UTF-8";
    char *envp[] = {envPath, envLang, nullptr};

    int errPipe[2];
    if (::pipe2(errPipe, O_CLOEXEC) != 0)
        return refuse(EngineFailed, "strata-fuse", std::string("pipe: ") + std::strerror(errno));
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(errPipe[0]);
        ::close(errPipe[1]);
        return refuse(EngineFailed, "strata-fuse", std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        // Its own session: the helper exits after 10 s idle, the engine must not.
        ::setsid();
        const int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
        ::dup2(devnull, 0);
        ::dup2(errPipe[1], 1);
        ::dup2(errPipe[1], 2);
        ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
        for (int fd : fds)
            ::fcntl(fd, F_SETFD, 0);
        ::signal(SIGPIPE, SIG_DFL);
        ::execve(enginePath.c_str(), argv.data(), envp);
        ::_exit(127);
    }
    ::close(errPipe[1]);
    UniqueFd errRead(errPipe[0]);
    std::string output;
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    // The pipe reaches EOF as soon as the daemonized engine has let go of its
    // stderr, which can be before its parent exits: from then on only wait, or
    // poll() would report POLLHUP at once and the loop would spin.
    bool eof = false;
    for (;;) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return refuse(EngineTimeout, v.mountpoint.subject(),
                          "strata-fuse did not report a live mount within " + std::to_string(timeoutMs / 1000) + " s");
        }
        if (eof) {
            ::usleep(20000);
            continue;
        }
        pollfd p {errRead.get(), POLLIN, 0};
        if (::poll(&p, 1, 50) > 0) {
            char buf[1024];
            const ssize_t n = ::read(errRead.get(), buf, sizeof buf);
            if (n > 0 && output.size() < 8192)
                output.append(buf, static_cast<size_t>(n));
            eof = n == 0;
        }
    }
    ::fcntl(errRead.get(), F_SETFL, O_NONBLOCK);
    char buf[1024];
    for (ssize_t n; (n = ::read(errRead.get(), buf, sizeof buf)) > 0 && output.size() < 8192;)
        output.append(buf, static_cast<size_t>(n));
    while (!output.empty() && output.back() == '\n')
        output.pop_back();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return refuse(EngineFailed, v.mountpoint.subject(),
                      "strata-fuse did not mount" + (output.empty() ? std::string() : ": " + output));

    // The mount now sits on top of the mount point's dentry; the held fd still
    // names the dentry underneath. Look the name up again in the same parent (fd),
    // which crosses onto the new mount, and accept only a FUSE mount root there.
    // A rename in between can only lead to another mount in a directory the caller
    // owns, so it can only be recorded as theirs if they could reach it anyway.
    char real[4096];
    const ssize_t len = ::readlink(mp.c_str(), real, sizeof real - 1);
    UniqueFd parent(::openat(v.mountpoint.fd.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (len <= 0 || !parent)
        return refuse(EngineFailed, v.mountpoint.subject(), "the mount point vanished");
    const std::string real_(real, static_cast<size_t>(len));
    const std::string base = real_.substr(real_.rfind('/') + 1);
    UniqueFd top(
        ::openat(parent.get(), base.empty() ? "." : base.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    struct statfs sfs {};
    bool isRoot = false;
    MountDone done;
    if (top)
        done.mountId = mounts::mountIdOf(top.get(), &isRoot);
    if (!top || ::fstatfs(top.get(), &sfs) != 0 || !mounts::isFuseFs(static_cast<unsigned long>(sfs.f_type)) || !isRoot
        || done.mountId == v.mountpoint.mountId)
        return refuse(EngineFailed, v.mountpoint.subject(), "strata-fuse exited 0 but no FUSE mount is there");
    if (!output.empty())
        done.kernelMessages.push_back(output);
    done.root = std::move(top);
    return done;
}

Checked<void> unmountByFd(const ResolvedDir &root)
{
    return unmountByFd(root.fd.get(), root.subject());
}

Checked<void> unmountByFd(int rootFd, const std::string &subject)
{
    // The magic link leads to exactly the mount that was checked; a path lookup
    // could meet something swapped in since. Holding that fd pins the mount, so a
    // plain umount would always be EBUSY: detach it (MNT_DETACH). Processes still
    // inside keep what they have open; the mount leaves the tree now.
    const std::string proc = "/proc/self/fd/" + std::to_string(rootFd);
    if (::umount2(proc.c_str(), MNT_DETACH) != 0)
        return refuse(UnmountFailed, subject, std::string("the kernel refused: ") + std::strerror(errno));
    return {};
}

} // namespace strata::helper
