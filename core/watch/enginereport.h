// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// How a running strata-fuse daemon watches its lowers (-o lowerwatch), published
// for `stratactl inspect` of its mount: a small file per daemon, named by its pid,
// in the runtime directory of its user (/run/strata-fuse as root, else
// $XDG_RUNTIME_DIR/strata-fuse, else /run/user/UID/strata-fuse). The file carries
// the daemon's start time (/proc/PID/stat), so a file left by a daemon that died
// is never read as another process's with the same pid.

#include "method.h"
#include "util/error.h"

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace strata::watch {

struct EngineReport {
    std::vector<LayerWatch> layers; // the lowers, top first (layer = 0-based lower index)
};

// Where daemon `pid` running as `uid` publishes (nullopt: no runtime dir known).
std::optional<std::string> engineReportPath(pid_t pid, uid_t uid);
// Called by the daemon itself; returns the file written.
Result<std::string> publishEngineReport(const EngineReport &r);
// What daemon `pid` published; nullopt when it published nothing (lowerwatch=off,
// an older daemon, a file from a previous process with that pid).
std::optional<EngineReport> readEngineReport(pid_t pid);

} // namespace strata::watch
