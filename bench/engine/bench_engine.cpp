// SPDX-License-Identifier: GPL-2.0-or-later
// strata-bench-engine: kernel overlayfs, strata-fuse and fuse-overlayfs in one run
// over the same generated lower layers (docs/BENCHMARKS.md, engine section). Not a
// timed test: it prints absolute figures and ratios to kernel overlayfs, against
// the targets of issue 3. Needs root (kernel mounts, dropping caches).
//
//   strata-bench-engine [--dir DIR] [--big-mib N] [--random N] [--copyup N]
//                       [--untar N] [--tree N] [--readdir N] [--keep]
//
// Every engine gets a fresh upper and workdir on the same filesystem as the lowers.
#include "workloads.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

using namespace strata::bench;

namespace {

struct Engine {
    std::string name;
    std::string mountCommand; // %L lowers, %U upper, %W work, %M mount point
};

struct Row {
    std::string name;
    std::string unit;
    double target; // minimum ratio to kernel overlayfs; 0: none
};

const std::vector<Row> kRows = {
    {"seq read 1 GiB, cold", "MB/s", 0},        {"seq read 1 GiB, warm", "MB/s", 0.95},
    {"random 4k reads, warm", "reads/s", 0.95}, {"seq write 1 GiB + fsync", "MB/s", 0.9},
    {"copy-up of small files", "files/s", 1.5}, {"untar small files", "files/s", 0.5},
    {"stat walk, cold", "entries/s", 0.8},      {"stat walk, warm", "entries/s", 0.5},
    {"readdir merged dir", "entries/s", 0},
};

std::string selfDir()
{
    char buf[4096];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    std::string p(buf, n > 0 ? static_cast<size_t>(n) : 0);
    return p.substr(0, p.rfind('/'));
}

std::string substitute(std::string s, const std::map<std::string, std::string> &vars)
{
    for (const auto &[k, v] : vars)
        for (size_t at; (at = s.find(k)) != std::string::npos;)
            s.replace(at, k.size(), v);
    return s;
}

bool sh(const std::string &cmd)
{
    return std::system(cmd.c_str()) == 0;
}

std::vector<double> runEngine(const Engine &e, const std::string &base, const Sizes &s, bool useTar)
{
    const std::string dir = base + "/" + e.name, mnt = dir + "/mnt";
    sh("rm -rf '" + dir + "' && mkdir -p '" + mnt + "' '" + dir + "/upper' '" + dir + "/work'");
    const std::string cmd = substitute(
        e.mountCommand,
        {{"%L", base + "/lower1:" + base + "/lower0"}, {"%U", dir + "/upper"}, {"%W", dir + "/work"}, {"%M", mnt}});
    if (!sh(cmd)) {
        std::fprintf(stderr, "strata-bench-engine: mounting %s failed: %s\n", e.name.c_str(), cmd.c_str());
        return {};
    }
    std::fprintf(stderr, "%s ...\n", e.name.c_str());
    std::vector<double> v;
    dropCaches();
    v.push_back(seqReadMBps(mnt + "/big"));
    v.push_back(std::max(seqReadMBps(mnt + "/big"), seqReadMBps(mnt + "/big")));
    v.push_back(randomReadIops(mnt + "/big", s.randomReads));
    v.push_back(seqWriteMBps(mnt + "/written", s.bigMiB));
    v.push_back(copyUpFilesPerSec(mnt + "/copyup", s.copyupFiles));
    // Every later phase starts cold (page cache and the kernel's inode cache).
    dropCaches();
    v.push_back(untarFilesPerSec(base + "/small.tar", mnt + "/untar", s.untarFiles, useTar));
    dropCaches();
    v.push_back(statWalkPerSec(mnt + "/tree"));
    v.push_back(std::max(statWalkPerSec(mnt + "/tree"), statWalkPerSec(mnt + "/tree")));
    int entries = 0;
    dropCaches();
    v.push_back(readdirPerSec(mnt + "/merged", s.readdirReps, &entries));
    if (entries != s.readdirEntries)
        std::fprintf(stderr, "%s: merged directory lists %d entries, expected %d\n", e.name.c_str(), entries,
                     s.readdirEntries);
    ::sync();
    if (::umount2(mnt.c_str(), 0) != 0)
        ::umount2(mnt.c_str(), MNT_DETACH);
    ::usleep(200000); // the FUSE daemons exit after the unmount
    sh("rm -rf '" + dir + "'");
    return v;
}

void print(const std::vector<Engine> &engines, const std::vector<std::vector<double>> &results)
{
    std::printf("\n%-26s %-10s", "workload", "unit");
    for (const auto &e : engines)
        std::printf(" %14s", e.name.c_str());
    std::printf("  target\n");
    for (size_t r = 0; r < kRows.size(); ++r) {
        std::printf("%-26s %-10s", kRows[r].name.c_str(), kRows[r].unit.c_str());
        for (size_t i = 0; i < engines.size(); ++i) {
            const double v = r < results[i].size() ? results[i][r] : NAN;
            if (i == 0 || results[0].size() <= r)
                std::printf(" %14.0f", v);
            else
                std::printf(" %7.0f (%.2f)", v, v / results[0][r]);
        }
        if (kRows[r].target > 0 && results.size() > 1 && results[1].size() > r && results[0].size() > r) {
            const double ratio = results[1][r] / results[0][r];
            std::printf("  >= %.2f %s", kRows[r].target, ratio >= kRows[r].target ? "met" : "MISSED");
        }
        std::printf("\n");
    }
    std::printf("(rates: higher is better; ratios to kernel overlayfs in parentheses; targets are for "
                "strata-fuse)\n");
}

} // namespace

int main(int argc, char **argv)
{
    Sizes s;
    std::string base = "/var/tmp/strata-bench-engine";
    bool keep = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() { return i + 1 < argc ? std::atoi(argv[++i]) : 0; };
        if (a == "--dir" && i + 1 < argc)
            base = argv[++i];
        else if (a == "--big-mib")
            s.bigMiB = static_cast<uint64_t>(next());
        else if (a == "--random")
            s.randomReads = next();
        else if (a == "--copyup")
            s.copyupFiles = next();
        else if (a == "--untar")
            s.untarFiles = next();
        else if (a == "--tree")
            s.treeFiles = next();
        else if (a == "--readdir")
            s.readdirEntries = next();
        else if (a == "--keep")
            keep = true;
        else {
            std::fprintf(stderr,
                         "usage: %s [--dir DIR] [--big-mib N] [--random N] [--copyup N] [--untar N] [--tree N] "
                         "[--readdir N] [--keep]\n",
                         argv[0]);
            return 2;
        }
    }
    if (::geteuid() != 0) {
        std::fprintf(stderr, "strata-bench-engine: needs root (kernel overlayfs mounts, drop_caches)\n");
        return 1;
    }
    // strata-fuse runs with the limit it inherits from here (raising it if it can):
    // past its fd budget it closes idle files' fds, so the full sizes run anyway.
    rlimit lim {};
    ::getrlimit(RLIMIT_NOFILE, &lim);
    std::fprintf(stderr, "RLIMIT_NOFILE here: %llu (hard %llu)\n", static_cast<unsigned long long>(lim.rlim_cur),
                 static_cast<unsigned long long>(lim.rlim_max));
    const bool useTar = ::access("/usr/bin/tar", X_OK) == 0;
    sh("mkdir -p '" + base + "'");
    generate(base, s, useTar);
    const std::string opts = "-o lowerdir=%L,upperdir=%U,workdir=%W";
    std::vector<Engine> engines = {
        {"kernel", "mount -t overlay overlay " + opts + ",redirect_dir=on %M"},
        {"strata-fuse", "'" + selfDir() + "/strata-fuse' " + opts + " %M"},
    };
    if (::access("/usr/bin/fuse-overlayfs", X_OK) == 0)
        engines.push_back({"fuse-overlayfs", "/usr/bin/fuse-overlayfs " + opts + " %M"});
    else
        std::fprintf(stderr, "no /usr/bin/fuse-overlayfs: its column is left out\n");
    std::vector<std::vector<double>> results;
    for (const auto &e : engines)
        results.push_back(runEngine(e, base, s, useTar));
    std::printf("strata-bench-engine: %llu MiB file, %d random reads, %d copy-ups, %d files %s, %d-file tree, "
                "%d-entry merged dir; in %s\n",
                static_cast<unsigned long long>(s.bigMiB), s.randomReads, s.copyupFiles, s.untarFiles,
                useTar ? "untarred (/usr/bin/tar)" : "created by a loop (untar-equivalent: no /usr/bin/tar)",
                s.treeFiles, s.readdirEntries, base.c_str());
    print(engines, results);
    if (!keep)
        sh("rm -rf '" + base + "'");
    return 0;
}
