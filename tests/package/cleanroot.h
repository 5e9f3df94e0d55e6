// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <QStringList>

#include <string>

namespace strata::test {

// The result of a command: exit code (-1 when it did not finish), its output.
struct CommandRun {
    int exitCode = -1;
    QString out;
    QString err;
    QString describe() const;
};

// Runs ARGV (argv[0] a path) with a fixed environment plus ENV, bounded by TIMEOUT.
CommandRun runCommand(const QStringList &argv, int timeoutMs, const QStringList &env = {});

// A minimal Debian 13 root made by debootstrap, cached under CACHE and keyed by the
// day (UTC) and how it is made, so every run of a day starts from the same bare
// root in seconds and the next day picks up the archive's updates. It holds:
// debootstrap's minbase, the archive as the only apt source, a policy-rc.d that keeps
// package scripts from starting daemons, the unprivileged user USER, and the package
// lists (apt-get update). Older bare roots not in use are removed.
struct BareRoot {
    std::string path; // "" on failure
    std::string error;
    int lockFd = -1; // a shared lock on PATH.inuse, held while a clean root uses it
};
BareRoot bareRoot(const std::string &cache, const std::string &mirror, const std::string &user);

// Whether HOST:80 of MIRROR (http://host/...) accepts a connection within 5 s.
std::string mirrorReachable(const std::string &mirror);

} // namespace strata::test
