// SPDX-License-Identifier: GPL-2.0-or-later
// strata-bench-engine: kernel overlayfs, strata-fuse and fuse-overlayfs in one run
// over the same generated lower layers (docs/BENCHMARKS.md, engine section). Not a
// timed test: it prints absolute figures and ratios to kernel overlayfs, against
// the targets of issue 13. Needs root (kernel mounts, dropping caches).
//
//   strata-bench-engine [--dir DIR] [--big-mib N] [--random N] [--copyup N]
//                       [--untar N] [--tree N] [--readdir N] [--rounds N] [--keep]
//
// Every engine is mounted once, with its own upper and workdir on the same
// filesystem as the lowers, and each row runs for every engine back to back
// (row-major), so one row's figures are taken within seconds of each other: on a
// shared machine the disk and CPUs change speed from one minute to the next, and
// an engine-major run put each column in a different minute. --rounds N repeats the
// whole set of rows (the engines' order rotated each round); rows that consume state
// get fresh targets per round (a copy-up set per round, an untar directory per round).
// strata-fuse runs once per transport it can use here (/dev/fuse, and io_uring
// where libfuse and the kernel offer it: the fuse module's enable_uring is turned
// on for the run if needed, said so, and restored), with -o stats, so each of its
// rows also gets the requests per operation (in total and by opcode) and the time
// per request. --killpriv-kernel adds a strata-fuse column with -o killpriv=kernel
// (the set-id bits cleared by the kernel's own requests, as before killpriv_v2).
#include "mounts.h"
#include "report.h"
#include "workloads.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

using namespace strata::bench;

namespace {

enum RowId { ColdRead, WarmRead, RandomReads, SeqWrite, CopyUp, Untar, ColdWalk, WarmWalk, Readdir };

const std::vector<Row> kRows = {
    {"seq read 1 GiB, cold", "MB/s", 0},        {"seq read 1 GiB, warm", "MB/s", 0.95},
    {"random 4k reads, warm", "reads/s", 0.95}, {"seq write 1 GiB + fsync", "MB/s", 0.9},
    {"copy-up of small files", "files/s", 1.0}, {"untar small files", "files/s", 0.5},
    {"stat walk, cold", "entries/s", 0.8},      {"stat walk, warm", "entries/s", 1.0},
    {"readdir merged dir", "entries/s", 0},
};

std::string selfDir()
{
    char buf[4096];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    std::string p(buf, n > 0 ? static_cast<size_t>(n) : 0);
    return p.substr(0, p.rfind('/'));
}

struct Context {
    std::string base;
    Sizes sizes;
    bool useTar = false;
};

// One row on one mounted engine in round `round`: the unmeasured preparation (a cold
// row drops the caches; a warm row warms them first, since the rows of the other
// engines ran in between; a writing row starts with nothing dirty), then the measurement, with the requests counted
// around the measurement only.
Cell measure(RowId row, const Engine &e, int round, const Context &c)
{
    const std::string mnt = e.mnt, big = mnt + "/big", tag = "r" + std::to_string(round);
    const Sizes &s = c.sizes;
    switch (row) {
    case ColdRead:
    case Untar:
    case ColdWalk:
    case Readdir:
        dropCaches();
        break;
    case WarmRead:
    case RandomReads:
        seqReadMBps(big);
        break;
    case WarmWalk:
        statWalkPerSec(mnt + "/tree");
        break;
    case SeqWrite:
    case CopyUp:
        // The engine before this one wrote (and freed) as much: its writeback goes
        // to the disk now, not into this engine's fsyncs.
        ::sync();
        break;
    }
    Cell cell;
    const auto before = requestCounts(e);
    switch (row) {
    case ColdRead:
        cell.rate = seqReadMBps(big);
        break;
    case WarmRead:
        cell.rate = std::max(seqReadMBps(big), seqReadMBps(big));
        break;
    case RandomReads:
        cell.rate = randomReadIops(big, s.randomReads);
        cell.ops = s.randomReads;
        break;
    case SeqWrite:
        cell.rate = seqWriteMBps(mnt + "/written-" + tag, s.bigMiB);
        break;
    case CopyUp:
        cell.rate = copyUpFilesPerSec(mnt + "/copyup/" + tag, s.copyupFiles);
        cell.ops = s.copyupFiles;
        break;
    case Untar:
        cell.rate = untarFilesPerSec(c.base + "/small.tar", mnt + "/untar-" + tag, s.untarFiles, c.useTar);
        cell.ops = s.untarFiles;
        break;
    case ColdWalk: {
        long walked = 0;
        cell.rate = statWalkPerSec(mnt + "/tree", &walked);
        cell.ops = static_cast<double>(walked);
        break;
    }
    case WarmWalk: {
        long walked = 0;
        cell.rate = std::max(statWalkPerSec(mnt + "/tree", &walked), statWalkPerSec(mnt + "/tree"));
        cell.ops = 2.0 * static_cast<double>(walked);
        break;
    }
    case Readdir: {
        int entries = 0;
        cell.rate = readdirPerSec(mnt + "/merged", s.readdirReps, &entries);
        cell.ops = static_cast<double>(s.readdirReps) * (entries + 2);
        if (entries != s.readdirEntries)
            std::fprintf(stderr, "%s: merged directory lists %d entries, expected %d\n", e.name.c_str(), entries,
                         s.readdirEntries);
        break;
    }
    }
    const auto after = requestCounts(e);
    if (before.contains("total") && after.contains("total")) {
        cell.requests = after.at("total") - before.at("total");
        for (const auto &[op, n] : after)
            if (const double d = n - (before.contains(op) ? before.at(op) : 0); op != "total" && d > 0)
                cell.byOpcode[op] = d;
    }
    return cell;
}

} // namespace

int main(int argc, char **argv)
{
    Sizes s;
    std::string base = "/var/tmp/strata-bench-engine";
    bool keep = false;
    bool lowerwatchOff = false; // a strata-fuse column with -o lowerwatch=off too (issue 9)
    bool kernelKillpriv = false; // a strata-fuse column with -o killpriv=kernel too (issue 13)
    int rounds = 1;
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
        else if (a == "--rounds")
            rounds = std::max(1, next());
        else if (a == "--keep")
            keep = true;
        else if (a == "--lowerwatch-off")
            lowerwatchOff = true;
        else if (a == "--killpriv-kernel")
            kernelKillpriv = true;
        else {
            std::fprintf(stderr,
                         "usage: %s [--dir DIR] [--big-mib N] [--random N] [--copyup N] [--untar N] [--tree N] "
                         "[--readdir N] [--rounds N] [--keep] [--lowerwatch-off] [--killpriv-kernel]\n",
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
    generate(base, s, useTar, rounds);
    const std::string opts = "-o lowerdir=%L,upperdir=%U,workdir=%W";
    const std::string fuse = "'" + selfDir() + "/strata-fuse' " + opts;
    std::vector<Engine> engines = {
        {"kernel", "mount -t overlay overlay " + opts + ",redirect_dir=on %M"},
        {"strata-fuse", fuse + ",transport=dev,stats -f %M 2>'%S' & echo $! >'%P'", true},
    };
    // io_uring: strata-fuse says why not where it cannot (libfuse first, then the
    // kernel). Only the module parameter is ours to change, as root, for this run.
    const std::string param = "/sys/module/fuse/parameters/enable_uring";
    std::string paramWas;
    bool turnedOn = false;
    bool hasUring = false;
    {
        const std::string probe = base + "/uring-probe";
        sh("'" + selfDir() + "/strata-fuse' -o lowerdir=/,transport=uring " + base + "/nonexistent 2>'" + probe
           + "' || true");
        std::string why;
        std::getline(std::ifstream(probe), why);
        ::unlink(probe.c_str());
        std::ifstream(param) >> paramWas;
        if (why.find("enable_uring") != std::string::npos && paramWas == "N") {
            if (std::ofstream(param) << "Y") {
                std::fprintf(stderr, "strata-bench-engine: turned on %s (was N) for this run\n", param.c_str());
                why.clear();
                turnedOn = true;
            }
        }
        hasUring = why.find("transport=uring") == std::string::npos;
        if (hasUring)
            engines.push_back(
                {"strata-fuse-uring", fuse + ",transport=uring,stats -f %M 2>'%S' & echo $! >'%P'", true});
        else
            std::fprintf(stderr, "no strata-fuse io_uring column: %s\n", why.c_str());
    }
    if (lowerwatchOff)
        engines.push_back(
            {"sf-nowatch", fuse + ",transport=dev,stats,lowerwatch=off -f %M 2>'%S' & echo $! >'%P'", true});
    if (kernelKillpriv) // the set-id bits cleared by the kernel, as before killpriv_v2
        engines.push_back({hasUring ? "sf-uring-kkillpriv" : "sf-kkillpriv",
                           fuse + ",transport=" + (hasUring ? "uring" : "dev")
                               + ",stats,killpriv=kernel -f %M 2>'%S' & echo $! >'%P'",
                           true});
    if (::access("/usr/bin/fuse-overlayfs", X_OK) == 0)
        engines.push_back({"fuse-overlayfs", "/usr/bin/fuse-overlayfs " + opts + " %M"});
    else
        std::fprintf(stderr, "no /usr/bin/fuse-overlayfs: its column is left out\n");
    // Every engine mounted once; one that does not come up is left out (said).
    std::erase_if(engines, [&](Engine &e) { return !mountEngine(e, base); });
    if (engines.empty() || engines[0].name != "kernel") { // every ratio is to it
        for (const auto &e : engines)
            unmountEngine(e);
        if (turnedOn)
            std::ofstream(param) << "N";
        return 1;
    }
    const Context context {base, s, useTar};
    Results results(kRows.size(), std::vector<std::vector<Cell>>(engines.size()));
    for (int k = 0; k < rounds; ++k) {
        std::fprintf(stderr, "round %d of %d ...\n", k + 1, rounds);
        for (size_t r = 0; r < kRows.size(); ++r)
            for (size_t j = 0; j < engines.size(); ++j) {
                // Rotated each round, so that no engine always follows the same one.
                const size_t i = (j + static_cast<size_t>(k)) % engines.size();
                results[r][i].push_back(measure(static_cast<RowId>(r), engines[i], k, context));
            }
    }
    for (const auto &e : engines)
        unmountEngine(e);
    if (turnedOn && std::ofstream(param) << "N")
        std::fprintf(stderr, "strata-bench-engine: %s set back to N\n", param.c_str());
    std::printf("strata-bench-engine: %llu MiB file, %d random reads, %d copy-ups, %d files %s, %d-file tree, "
                "%d-entry merged dir; %d round(s); in %s\n",
                static_cast<unsigned long long>(s.bigMiB), s.randomReads, s.copyupFiles, s.untarFiles,
                useTar ? "untarred (/usr/bin/tar)" : "created by a loop (untar-equivalent: no /usr/bin/tar)",
                s.treeFiles, s.readdirEntries, rounds, base.c_str());
    printRates(engines, kRows, results);
    if (lowerwatchOff) {
        // strata-fuse (lowerwatch=on, the default) over the same with it off: >= 0.95.
        const auto at = [&](const char *name) {
            return static_cast<size_t>(
                std::find_if(engines.begin(), engines.end(), [&](const Engine &e) { return e.name == name; })
                - engines.begin());
        };
        if (at("strata-fuse") < engines.size() && at("sf-nowatch") < engines.size())
            printPair(kRows, results, at("strata-fuse"), at("sf-nowatch"), "lowerwatch on / off", 0.95);
    }
    printRequests(engines, kRows, results);
    if (!keep)
        sh("rm -rf '" + base + "'");
    return 0;
}
