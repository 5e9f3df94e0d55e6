// SPDX-License-Identifier: GPL-2.0-or-later
#include "mounts.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace strata::bench {

namespace {

std::string substitute(std::string s, const std::map<std::string, std::string> &vars)
{
    for (const auto &[k, v] : vars)
        for (size_t at; (at = s.find(k)) != std::string::npos;)
            s.replace(at, k.size(), v);
    return s;
}

bool mounted(const std::string &mnt)
{
    struct stat a {}, b {};
    return ::stat(mnt.c_str(), &a) == 0 && ::stat((mnt + "/..").c_str(), &b) == 0 && a.st_dev != b.st_dev;
}

} // namespace

bool sh(const std::string &cmd)
{
    return std::system(cmd.c_str()) == 0;
}

bool mountEngine(Engine &e, const std::string &base)
{
    e.dir = base + "/" + e.name;
    e.mnt = e.dir + "/mnt";
    e.statsFile = e.dir + ".stats";
    e.pidFile = e.dir + ".pid";
    sh("rm -rf '" + e.dir + "' '" + e.statsFile + "' '" + e.pidFile + "' && mkdir -p '" + e.mnt + "' '" + e.dir
       + "/upper' '" + e.dir + "/work'");
    const std::string cmd = substitute(e.mountCommand,
                                       {{"%L", base + "/lower1:" + base + "/lower0"},
                                        {"%U", e.dir + "/upper"},
                                        {"%W", e.dir + "/work"},
                                        {"%M", e.mnt},
                                        {"%S", e.statsFile},
                                        {"%P", e.pidFile}});
    const bool ok = sh(cmd);
    for (int k = 0; ok && !mounted(e.mnt) && k < 1000; ++k) // a foreground daemon mounts in the background
        ::usleep(10000);
    if (!ok || !mounted(e.mnt)) {
        std::fprintf(stderr, "strata-bench-engine: mounting %s failed: %s\n", e.name.c_str(), cmd.c_str());
        return false;
    }
    return true;
}

void unmountEngine(const Engine &e)
{
    ::sync();
    if (::umount2(e.mnt.c_str(), 0) != 0)
        ::umount2(e.mnt.c_str(), MNT_DETACH);
    ::usleep(200000); // the FUSE daemons exit after the unmount
    sh("rm -rf '" + e.dir + "' '" + e.pidFile + "'");
}

// SIGUSR1 makes the daemon print its counters to the stats file; the newest block
// once it is there (bounded wait).
std::map<std::string, double> requestCounts(const Engine &e)
{
    if (!e.stats)
        return {};
    long pid = 0;
    std::ifstream(e.pidFile) >> pid;
    const std::string prefix = "strata-fuse stats: ";
    // Each block: a header, one line per opcode ("NAME count ..."), "total N M".
    auto blocks = [&] {
        std::ifstream in(e.statsFile);
        std::vector<std::map<std::string, double>> out;
        std::map<std::string, double> cur;
        for (std::string l; std::getline(in, l);) {
            if (!l.starts_with(prefix) || l.starts_with(prefix + "opcode"))
                continue;
            const std::string rest = l.substr(prefix.size());
            const size_t sp = rest.find(' ');
            if (sp == std::string::npos)
                continue;
            cur[rest.substr(0, sp)] = std::atof(rest.c_str() + sp + 1);
            if (rest.starts_with("total ")) {
                out.push_back(std::move(cur));
                cur.clear();
            }
        }
        return out;
    };
    const size_t before = blocks().size();
    if (pid <= 0 || ::kill(static_cast<pid_t>(pid), SIGUSR1) != 0)
        return {};
    for (int k = 0; k < 500; ++k) { // 5 s
        auto b = blocks();
        if (b.size() > before)
            return b.back();
        ::usleep(10000);
    }
    return {};
}

} // namespace strata::bench
