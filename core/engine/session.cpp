// SPDX-License-Identifier: GPL-2.0-or-later
#include "session.h"

#include "callercreds.h"
#include "fdbudget.h"
#include "fs.h"
#include "libfuse318.h"
#include "lowerwatch.h"
#include "mounts/volatile.h"
#include "ops.h"
#include "resolve.h"
#include "stats.h"
#include "transport.h"
#include "validate.h"

#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::engine {

Fs &fs(fuse_req_t req)
{
    return *static_cast<Fs *>(fuse_req_userdata(req));
}

namespace {

void opInit(void *userdata, fuse_conn_info *conn)
{
    Fs &f = *static_cast<Fs *>(userdata);
    // Passthrough needs CAP_SYS_ADMIN (every backing open fails with EPERM without
    // it): an unprivileged daemon in auto mode does not ask for it at all.
    const bool wanted = f.config.passthrough == PassthroughMode::On
        || (f.config.passthrough == PassthroughMode::Auto && hasSysAdmin());
    if (wanted && fuse_set_feature_flag(conn, FUSE_CAP_PASSTHROUGH)) {
        f.passthrough = true;
    } else {
        f.passthrough = false;
        if (f.config.passthrough == PassthroughMode::On || (wanted && f.config.foreground && f.config.debug))
            std::fprintf(stderr,
                         "strata-fuse: the kernel does not offer FUSE passthrough; reads and writes go "
                         "through the daemon\n");
    }
    // The kernel hands O_TRUNC to open, so a truncating open copies up no data.
    fuse_set_feature_flag(conn, FUSE_CAP_ATOMIC_O_TRUNC);
    // A fallback open (FOPEN_DIRECT_IO) must still be mmap-able.
    fuse_set_feature_flag(conn, FUSE_CAP_DIRECT_IO_ALLOW_MMAP);
    // Set-id bits and capabilities cleared by the daemon (ops_attr.cpp killPrivs)
    // rather than by the kernel's GETATTR before each chown's SETATTR, and the
    // superblock gets SB_NOSEC (fs/fuse/inode.c), so a write to an inode the kernel
    // found clean asks no GETXATTR security.capability until its attributes change.
    // Only with a libfuse that shows the open's and the write's kill flag.
    if (libfuse318::kSeesKillSuidgid && !f.config.kernelKillpriv)
        f.killPrivByDaemon = fuse_set_feature_flag(conn, FUSE_CAP_HANDLE_KILLPRIV_V2);
    // Requests are read from /dev/fuse with read(2), not spliced through a pipe:
    // libfuse's splice needs a pipe of max_write plus a page, which is over the
    // default pipe-max-size (1 MiB) without CAP_SYS_RESOURCE, and each failed attempt
    // cost six syscalls per request here (pipe2, F_SETPIPE_SZ, reading
    // /proc/sys/fs/pipe-max-size, closes) before falling back to read(2) anyway;
    // for the small requests that make up metadata work, a splice and a read back
    // would be two syscalls where a read is one. Large writes come through
    // passthrough, or through write_buf from the read buffer.
    fuse_unset_feature_flag(conn, FUSE_CAP_SPLICE_READ);
    // Writeback caching would switch passthrough off; never ask for it.
    fuse_unset_feature_flag(conn, FUSE_CAP_WRITEBACK_CACHE);
    // With default_permissions the kernel checks access as the caller; with ACL
    // support it also honours system.posix_acl_* there, as kernel overlayfs does.
    // POSIX locks and flock stay with the kernel (no getlk/setlk/flock operations):
    // every user of the union goes through this one mount, so local locks are exact.
    if (f.config.defaultPermissions)
        f.posixAcl = fuse_set_feature_flag(conn, FUSE_CAP_POSIX_ACL);
    conn->max_write = 1 << 20;
#ifdef FUSE_CAP_OVER_IO_URING
    // The module parameter can change between start-up and INIT; libfuse then
    // quietly stays on /dev/fuse, so say it.
    if (f.uringWanted && !(conn->capable_ext & FUSE_CAP_OVER_IO_URING))
        std::fprintf(stderr, "strata-fuse: the kernel did not offer io_uring at INIT; requests go through /dev/fuse\n");
#endif
}

fuse_lowlevel_ops operations()
{
    fuse_lowlevel_ops o {};
    o.init = opInit;
    o.lookup = opLookup;
    o.forget = opForget;
    o.forget_multi = opForgetMulti;
    o.getattr = opGetattr;
    o.setattr = opSetattr;
    o.readlink = opReadlink;
    o.opendir = opOpendir;
    o.readdir = opReaddir;
    o.readdirplus = opReaddirplus;
    o.releasedir = opReleasedir;
    o.statfs = opStatfs;
    o.open = opOpen;
    o.read = opRead;
    o.write_buf = opWriteBuf;
    o.flush = opFlush;
    o.release = opRelease;
    o.fsync = opFsync;
    o.fallocate = opFallocate;
    o.lseek = opLseek;
    o.create = opCreate;
    o.mknod = opMknod;
    o.mkdir = opMkdir;
    o.symlink = opSymlink;
    o.unlink = opUnlink;
    o.rmdir = opRmdir;
    o.rename = opRename;
    o.link = opLink;
    o.copy_file_range = opCopyFileRange;
    o.getxattr = opGetxattr;
    o.listxattr = opListxattr;
    o.setxattr = opSetxattr;
    o.removexattr = opRemovexattr;
    return o;
}

// libfuse falls back to the setuid fusermount3 only when the mount syscall fails,
// and fusermount3 itself opens /dev/fuse with the caller's rights (drop_privs): so
// a /dev/fuse the caller cannot open (mode 0600) means no unprivileged FUSE here.
Result<void> checkFuseDevice()
{
    const int fd = ::open("/dev/fuse", O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        ::close(fd);
        return {};
    }
    if (errno != EACCES && errno != EPERM)
        return {}; // libfuse says what is wrong (no fuse module, no device)
    return fail(makeError("/dev/fuse",
                          "this user may not open it, so FUSE mounts are not allowed to it here (fusermount3 "
                          "opens it with the same rights); the device must be mode 0666, or mount through "
                          "Strata's helper",
                          errno));
}

int failBeforeMount(const Error &e)
{
    std::fprintf(stderr, "strata-fuse: %s\n", e.message().c_str());
    return 1;
}

} // namespace

int run(Config config)
{
    // First: transport=uring where it cannot work is refused whatever the layers.
    const auto transport = chooseTransport(config.transport);
    if (!transport)
        return failBeforeMount(transport.error());
    if (auto r = validate(config); !r)
        return failBeforeMount(r.error());
    if (auto r = checkFuseDevice(); !r)
        return failBeforeMount(r.error());
    // An upper this engine left cleanly after a volatile mount in this boot is reused
    // (docs/doctor.md): the marker goes before openLayers looks for it.
    if (!config.readOnly())
        mounts::reuseCleanVolatile(config.upperdir, config.workdir);
    auto f = std::make_unique<Fs>();
    f->config = std::move(config);
    auto layers = openLayers(f->config);
    if (!layers)
        return failBeforeMount(layers.error());
    f->layers = std::move(*layers);
    if (auto r = initRoot(*f); !r)
        return failBeforeMount(r.error());

    TransportChoice chosen = *transport;
    if (chosen.uring && f->config.transport == TransportMode::Auto)
        if (const std::string risk = uringStallRisk(f->config, f->layers); !risk.empty())
            chosen = TransportChoice {false, "/dev/fuse (auto: " + risk + ")"};
    std::fprintf(stderr, "strata-fuse: transport %s\n", chosen.why.c_str());
    f->uringWanted = chosen.uring;
    f->upperCloseSilent = f->layers.upper.valid() && closeReportsNothing(f->layers.upper.get());
    setFdBudget(*f);
    ::umask(0); // modes arrive masked by the kernel, or are masked per request (ACLs)
    f->canSwitchCreds = initCallerCreds();

    const Config &c = f->config;
    std::string opts
        = "fsname=" + (c.fsname.empty() ? (c.source.empty() ? std::string("strata") : c.source) : c.fsname);
    opts += ",subtype=strata-fuse";
    if (c.allowOther)
        opts += ",allow_other";
    if (c.defaultPermissions)
        opts += ",default_permissions";
    if (c.readOnly())
        opts += ",ro";
    for (const auto &o : c.fuseOptions)
        opts += "," + o;
    std::vector<std::string> argvStore = {"strata-fuse", "-o", opts};
    if (c.debug)
        argvStore.push_back("-d");
    if (f->uringWanted) {
        // libfuse 3.18's session option (fuse_lowlevel.c fuse_ll_opts); it asks for
        // FUSE_CAP_OVER_IO_URING at INIT and starts one ring per CPU.
        argvStore.push_back("-o");
        argvStore.push_back("io_uring");
    }
    std::vector<char *> argv;
    for (auto &a : argvStore)
        argv.push_back(a.data());
    fuse_args args = FUSE_ARGS_INIT(static_cast<int>(argv.size()), argv.data());

    const fuse_lowlevel_ops ops = c.stats ? countedOperations(operations()) : operations();
    fuse_session *se = fuse_session_new(&args, &ops, sizeof(ops), f.get());
    if (!se)
        return failBeforeMount(makeError(c.mountpoint, "libfuse refused the session options: " + opts, EINVAL));
    f->session = se;
    if (fuse_set_signal_handlers(se) != 0) {
        fuse_session_destroy(se);
        return failBeforeMount(makeError(c.mountpoint, "cannot install signal handlers"));
    }
    mounts::VolatileHold hold;
    if (c.volatileMode && !c.readOnly()) {
        auto h = mounts::beginVolatileHold(c.upperdir, c.workdir);
        if (!h) {
            fuse_remove_signal_handlers(se);
            fuse_session_destroy(se);
            return failBeforeMount(h.error());
        }
        hold = std::move(*h);
    }
    if (fuse_session_mount(se, c.mountpoint.c_str()) != 0) {
        mounts::endVolatileHold(hold);
        fuse_remove_signal_handlers(se);
        fuse_session_destroy(se);
        return failBeforeMount(makeError(c.mountpoint, "mounting the FUSE filesystem failed (see above)"));
    }
    // Without -f the caller's stderr is /dev/null once fuse_daemonize returns; the
    // lowerwatch start-up lines (written after the fork) go to this copy of it, which
    // the caller reading to its end waits for.
    UniqueFd startupErr(c.foreground ? -1 : ::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3));
    // The mount is live: only now does the caller get its exit status 0.
    if (fuse_daemonize(c.foreground ? 1 : 0) != 0) {
        fuse_session_unmount(se);
        fuse_remove_signal_handlers(se);
        fuse_session_destroy(se);
        return 1;
    }
    if (c.stats)
        startStatsReporter();
    // After the fork: the watcher's and the notify thread would not survive it.
    std::unique_ptr<LowerWatch> lowerWatch;
    if (c.lowerWatch && !f->layers.lowers.empty()) {
        const int out = startupErr.valid() ? startupErr.get() : STDERR_FILENO;
        if (auto lw = LowerWatch::start(*f, out)) {
            lowerWatch = std::move(*lw);
            f->lowerWatch = lowerWatch.get();
        } else {
            (void)!::dprintf(out, "strata-fuse: lowerwatch: not following the lower layers: %s\n",
                             lw.error().message().c_str());
        }
    }
    startupErr = UniqueFd(); // the caller's stderr is not held any longer
    fuse_loop_config *loop = fuse_loop_cfg_create();
    if (c.threads)
        fuse_loop_cfg_set_max_threads(loop, c.threads);
    fuse_loop_cfg_set_clone_fd(loop, 1);
    const int ret = c.threads == 1 ? fuse_session_loop(se) : fuse_session_loop_mt(se, loop);
    fuse_loop_cfg_destroy(loop);
    f->lowerWatch = nullptr; // no request runs any more
    lowerWatch.reset(); // its thread notifies through the session: stop it first
    if (c.stats)
        stopStatsReporter();
    fuse_session_unmount(se);
    mounts::endVolatileHold(hold);
    fuse_remove_signal_handlers(se);
    fuse_session_destroy(se);
    return ret == 0 ? 0 : 1;
}

} // namespace strata::engine
