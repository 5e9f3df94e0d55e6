// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The command line of strata-fuse, in both forms it is started with:
//   strata-fuse -o lowerdir=L1:L2,upperdir=U,workdir=W [-o ...] [-f] MOUNTPOINT
//   strata-fuse SOURCE MOUNTPOINT -o rw,nosuid,...,lowerdir=...   (mount.fuse3)
// Parsing only checks the syntax; validate() then checks the directories.

#include "mounts/overlayoptions.h"
#include "util/error.h"

#include <string>
#include <vector>

namespace strata::engine {

enum class PassthroughMode { Auto, On, Off };
// How requests reach the daemon: FUSE over io_uring where libfuse and the kernel
// both offer it (auto), required (uring), or the classic /dev/fuse reads (dev).
enum class TransportMode { Auto, Uring, Dev };

struct Config {
    std::vector<std::string> lowerdirs; // top first, as in lowerdir=
    std::vector<std::string> datadirs; // data-only layers, after "::" in lowerdir=
    std::string upperdir;
    std::string workdir;
    std::string mountpoint;
    std::string source; // mount.fuse3's device argument, default fsname
    std::string fsname;
    PassthroughMode passthrough = PassthroughMode::Auto;
    unsigned threads = 0; // 0: libfuse's default
    TransportMode transport = TransportMode::Auto;
    // lowerwatch=on: a change made directly on a lower layer shows in the mount
    // (lowerwatch.h); off: the kernel's caches keep what was looked up, as before.
    bool lowerWatch = true;
    bool stats = false; // stats: request counts per opcode on SIGUSR1 and at exit
    // killpriv=kernel: the kernel clears set-id bits itself (a GETATTR before each
    // chown, a GETXATTR security.capability before every write); the default,
    // killpriv=daemon, asks for FUSE_CAP_HANDLE_KILLPRIV_V2 (ops_attr.cpp killPrivs).
    bool kernelKillpriv = false;
    bool userxattr = false;
    bool index = false; // index=on: lower hard links stay linked across copy-up
    // metacopy=on: follow overlay.metacopy files to their data in the layers below
    // (the kernel refuses with EPERM otherwise, except a lower file redirected into
    // a data-only layer). The engine itself never writes metacopy copy-ups.
    bool metacopy = false;
    bool volatileMode = false;
    bool debug = false;
    bool foreground = false;
    bool allowOther = false;
    bool defaultPermissions = false;
    bool help = false;
    bool version = false;
    double timeout = 86400.0; // entry/attr cache: every change goes through us
    // Generic mount options handed to libfuse unchanged (nosuid, nodev, ro, ...).
    std::vector<std::string> fuseOptions;

    bool readOnly() const { return upperdir.empty(); }
};

// Syntax only: unknown options, missing values and a missing mount point fail here.
Result<Config> parseArgs(int argc, char **argv);

// One -o option ("key" or "key=value") applied to `c` as parseArgs would.
Result<void> applyOption(Config &c, const std::string &option);
Result<void> applyOption(Config &c, const mounts::OverlayOption &option);

// The command line (without argv[0]) that parseArgs reads back as `c`: every layer
// path escaped, only options that differ from the defaults. The helper and the
// user mounter start strata-fuse with it.
std::vector<std::string> formatArgs(const Config &c);

// What becomes of a stack's kernel overlay option when the stack is mounted with
// strata-fuse instead. Drop: kernel-only and without effect on what the union
// shows (uuid, xino, nfs_export: inode numbers and file handles, which strata-fuse
// hands out itself). Carry: everything else, which strata-fuse implements with the
// kernel's meaning or refuses by name (redirect_dir=off, verity=on): silently
// dropping those would show another tree than kernel overlayfs.
enum class OptionFate { Carry, Drop };
OptionFate fateOf(const mounts::OverlayOption &option);

// The options an unprivileged caller may ask the privileged helper to pass to
// strata-fuse; the helper adds allow_other, default_permissions, nosuid, nodev and
// fsname itself.
bool callerMayPass(const mounts::OverlayOption &option);

std::string usage(const char *argv0);

} // namespace strata::engine
