// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A layer stack in a TempDir, mounted by strata-fuse (the built binary, started
// in the foreground and stopped by unmounting) or by kernel overlayfs.

#include "tempdir.h"

#include <QProcess>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

namespace strata::test {

bool isMountPoint(const std::string &path);
std::string fuseBinary();

// Writes a file (parents created), for building layers.
void writeFile(const std::string &path, const std::string &content, mode_t mode = 0644);
std::string readFile(const std::string &path);

class UnionFixture {
public:
    // `onTmpfs`: the whole stack on a fresh tmpfs (fast to fill and to throw away,
    // and small when a size is given, for full-disk tests).
    explicit UnionFixture(int lowers = 2, bool onTmpfs = false, const std::string &tmpfsSize = {});
    ~UnionFixture();

    std::string lower(int i) const; // 0 = top
    // Adds `n` data-only layers after the lowers ("::" in lowerdir=), empty at first.
    void addDataLayers(int n);
    std::string dataLayer(int i) const; // 0 = first searched
    std::string upper() const { return m_upperHost.empty() ? m_dir / "upper" : m_upperHost + "/upper"; }
    std::string work() const { return m_upperHost.empty() ? m_dir / "work" : m_upperHost + "/work"; }
    // Upper and work from now on as `host`/upper and `host`/work (created), e.g. on a
    // FUSE or overlay mount at `host` (test_engine_fuseupper).
    void placeUpperIn(const std::string &host);
    std::string mnt() const { return m_dir / "mnt"; }
    std::string path(const std::string &rel) const { return mnt() + "/" + rel; }
    std::string lowerdirOption() const;
    const TempDir &dir() const { return m_dir; }

    // The next mountFuse() starts the daemon with RLIMIT_NOFILE at `n` (soft and
    // hard) and without CAP_SYS_RESOURCE in its bounding set, so it cannot raise it.
    void limitDaemonFds(unsigned n) { m_fdLimit = n; }
    // Starts strata-fuse -f on mnt(); true once the mount is live.
    bool mountFuse(const std::vector<std::string> &extraOptions = {}, bool readOnly = false);
    // Kernel overlayfs, redirect_dir=on, over the same directories.
    // `extra`: more options, comma-separated (userxattr, index=on).
    bool mountKernel(bool readOnly = false, const std::string &extra = {});
    // Empties workdir (the kernel leaves work/work, mode 0, behind); `keepIndex`
    // keeps workdir/index, which index=on mounts need again.
    void resetWork(bool keepIndex = false) const;
    // The daemon's pid while it runs (crash tests kill it).
    long long daemonPid() const;
    // Unmounts and reaps the daemon; true when it exited cleanly.
    bool unmount();
    std::string daemonLog() const { return m_log; }

private:
    TempDir m_dir;
    int m_lowers;
    int m_dataLayers = 0;
    bool m_tmpfs = false;
    std::string m_upperHost;
    unsigned m_fdLimit = 0;
    std::unique_ptr<QProcess> m_daemon;
    std::string m_log;
};

// Empty when both strata-fuse and kernel overlayfs can be mounted here, else why not.
std::string requireFuseAndKernel();

// Makes the strata-fuse mount `inner` the top lower of `u` (a bind mount onto
// u.lower(0), before u is mounted) and mounts fusectl in u's directory to watch
// inner's daemon. Returns that connection's fusectl directory, empty when either
// mount fails. unstackFromFuse() undoes both.
std::string stackOnFuse(const UnionFixture &u, const UnionFixture &inner);
void unstackFromFuse(const UnionFixture &u);
// Requests that connection's daemon has not answered yet, -1 unknown. Reads only
// fusectl: even a stat of a mount with timeout=0 waits for a stopped daemon.
int waitingRequests(const std::string &connection);
// SIGSTOPs the daemon `pid` and returns once every one of its threads is stopped:
// a thread the signal has not reached yet may still take (and answer) a request
// sent right after kill(). False when they did not all stop within `seconds`.
bool stopDaemon(pid_t pid, int seconds = 20);
// Waits until the connection has a request its daemon has not answered; false
// when none came within `seconds` (the request did not reach that daemon).
bool waitForHeldRequest(const std::string &connection, int seconds = 20);
// Runs `work` while `held`, a request waiting on the daemon `stopped` (SIGSTOP),
// stays held; then resumes that daemon. Empty when `work` succeeded meanwhile,
// else why not: its error, it took over `seconds` (a regression fails instead of
// hanging; no timing is measured), or `held` was no longer held.
std::string runWhileHeld(std::future<bool> &held, pid_t stopped, const std::function<std::string()> &work, int seconds);

// Runs strata-fuse with arguments, returns exit code; stderr into `err`.
int runFuse(const std::vector<std::string> &args, std::string *err, int timeoutMs = 20000);

} // namespace strata::test
