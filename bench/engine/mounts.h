// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The engines of strata-bench-engine, each mounted once for the whole run over the
// same lowers with its own upper and workdir, and the request counts of the
// strata-fuse columns (-o stats).

#include <map>
#include <string>

namespace strata::bench {

struct Engine {
    std::string name;
    std::string mountCommand; // %L lowers, %U upper, %W work, %M mount point, %S stats file, %P pid file
    bool stats = false; // strata-fuse -f -o stats, stderr into <dir>.stats, pid into <dir>.pid
    // Set by mountEngine:
    std::string dir {}, mnt {}, statsFile {}, pidFile {};
};

bool sh(const std::string &cmd);

// Mounts `e` on <base>/<name>/mnt with a fresh upper and workdir; false (said on
// stderr) when it did not come up.
bool mountEngine(Engine &e, const std::string &base);
void unmountEngine(const Engine &e);

// The daemon's request counts per opcode and in total ("total"); empty when unknown
// or when `e` has no stats.
std::map<std::string, double> requestCounts(const Engine &e);

} // namespace strata::bench
