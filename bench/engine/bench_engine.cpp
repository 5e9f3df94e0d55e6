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
// strata-fuse runs once per transport it can use here (/dev/fuse, and io_uring
// where libfuse and the kernel offer it: the fuse module's enable_uring is turned
// on for the run if needed, said so, and restored), with -o stats, so each of its
// rows also gets the requests per operation (in total and by opcode) and the time
// per request. --killpriv-kernel adds a strata-fuse column with -o killpriv=kernel
// (the set-id bits cleared by the kernel's own requests, as before killpriv_v2).
#include "workloads.h"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace strata::bench;

namespace {

struct Engine {
    std::string name;
    std::string mountCommand; // %L lowers, %U upper, %W work, %M mount point
    bool stats = false; // strata-fuse -f -o stats, stderr into <dir>.stats, pid into <dir>.pid
};

// What each row measured, for the requests per operation: the operations it did.
struct Measured {
    std::vector<double> rates;
    std::vector<double> ops; // operations per row (files, entries), 0 unknown
    std::vector<double> requests; // FUSE requests the daemon counted in that row, -1 unknown
    std::vector<std::map<std::string, double>> byOpcode; // the same per opcode
};

struct Row {
    std::string name;
    std::string unit;
    double target; // minimum ratio to kernel overlayfs; 0: none
};

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

bool mounted(const std::string &mnt)
{
    struct stat a {}, b {};
    return ::stat(mnt.c_str(), &a) == 0 && ::stat((mnt + "/..").c_str(), &b) == 0 && a.st_dev != b.st_dev;
}

// The daemon's request counts per opcode and in total ("total"): SIGUSR1 makes it
// print its counters to the stats file; the newest block once it is there (bounded
// wait). Empty when unknown.
std::map<std::string, double> requestCounts(const std::string &statsFile, const std::string &pidFile)
{
    long pid = 0;
    std::ifstream(pidFile) >> pid;
    const std::string prefix = "strata-fuse stats: ";
    // Each block: a header, one line per opcode ("NAME count ..."), "total N M".
    auto blocks = [&] {
        std::ifstream in(statsFile);
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

Measured runEngine(const Engine &e, const std::string &base, const Sizes &s, bool useTar)
{
    const std::string dir = base + "/" + e.name, mnt = dir + "/mnt";
    const std::string statsFile = dir + ".stats", pidFile = dir + ".pid";
    sh("rm -rf '" + dir + "' '" + statsFile + "' && mkdir -p '" + mnt + "' '" + dir + "/upper' '" + dir + "/work'");
    const std::string cmd = substitute(e.mountCommand,
                                       {{"%L", base + "/lower1:" + base + "/lower0"},
                                        {"%U", dir + "/upper"},
                                        {"%W", dir + "/work"},
                                        {"%M", mnt},
                                        {"%S", statsFile},
                                        {"%P", pidFile}});
    bool ok = sh(cmd);
    for (int k = 0; ok && !mounted(mnt) && k < 1000; ++k) // a foreground daemon mounts in the background
        ::usleep(10000);
    if (!ok || !mounted(mnt)) {
        std::fprintf(stderr, "strata-bench-engine: mounting %s failed: %s\n", e.name.c_str(), cmd.c_str());
        return {};
    }
    std::fprintf(stderr, "%s ...\n", e.name.c_str());
    Measured m;
    std::vector<double> &v = m.rates;
    std::map<std::string, double> last;
    auto counts = [&] { return e.stats ? requestCounts(statsFile, pidFile) : std::map<std::string, double>(); };
    // After each row: its operations and the requests it cost, in total and by opcode.
    auto row = [&](double rate, double ops) {
        v.push_back(rate);
        m.ops.push_back(ops);
        const auto now = counts();
        const bool known = now.contains("total") && last.contains("total");
        m.requests.push_back(known ? now.at("total") - last.at("total") : -1);
        std::map<std::string, double> diff;
        if (known)
            for (const auto &[op, n] : now)
                if (op != "total" && n - (last.contains(op) ? last.at(op) : 0) > 0)
                    diff[op] = n - (last.contains(op) ? last.at(op) : 0);
        m.byOpcode.push_back(std::move(diff));
        last = now;
    };
    dropCaches();
    last = counts();
    row(seqReadMBps(mnt + "/big"), 0);
    row(std::max(seqReadMBps(mnt + "/big"), seqReadMBps(mnt + "/big")), 0);
    row(randomReadIops(mnt + "/big", s.randomReads), s.randomReads);
    row(seqWriteMBps(mnt + "/written", s.bigMiB), 0);
    row(copyUpFilesPerSec(mnt + "/copyup", s.copyupFiles), s.copyupFiles);
    // Every later phase starts cold (page cache and the kernel's inode cache).
    dropCaches();
    last = counts();
    row(untarFilesPerSec(base + "/small.tar", mnt + "/untar", s.untarFiles, useTar), s.untarFiles);
    dropCaches();
    last = counts();
    long walked = 0;
    const double cold = statWalkPerSec(mnt + "/tree", &walked);
    row(cold, static_cast<double>(walked));
    const double warm = std::max(statWalkPerSec(mnt + "/tree"), statWalkPerSec(mnt + "/tree"));
    row(warm, 2.0 * static_cast<double>(walked));
    int entries = 0;
    dropCaches();
    last = counts();
    const double listed = readdirPerSec(mnt + "/merged", s.readdirReps, &entries);
    row(listed, static_cast<double>(s.readdirReps) * (entries + 2));
    if (entries != s.readdirEntries)
        std::fprintf(stderr, "%s: merged directory lists %d entries, expected %d\n", e.name.c_str(), entries,
                     s.readdirEntries);
    ::sync();
    if (::umount2(mnt.c_str(), 0) != 0)
        ::umount2(mnt.c_str(), MNT_DETACH);
    ::usleep(200000); // the FUSE daemons exit after the unmount
    sh("rm -rf '" + dir + "' '" + pidFile + "'");
    return m;
}

// For each strata-fuse column: requests per operation and the wall time per
// request (the operation's time over its requests), where the row has a count.
void printRequests(const std::vector<Engine> &engines, const std::vector<Measured> &measured)
{
    std::printf("\nrequests per operation and microseconds per request (strata-fuse -o stats):\n");
    std::printf("%-26s", "workload");
    for (const auto &e : engines)
        if (e.stats)
            std::printf(" %28s", e.name.c_str());
    std::printf("\n");
    for (size_t r = 0; r < kRows.size(); ++r) {
        std::printf("%-26s", kRows[r].name.c_str());
        for (size_t i = 0; i < engines.size(); ++i) {
            if (!engines[i].stats)
                continue;
            const Measured &m = measured[i];
            if (r >= m.rates.size() || m.ops[r] <= 0 || m.requests[r] < 0) {
                std::printf(" %28s", "-");
                continue;
            }
            const double perOp = m.requests[r] / m.ops[r];
            const double seconds = m.ops[r] / m.rates[r];
            char cell[64];
            std::snprintf(cell, sizeof(cell), "%.2f req/op, %.1f us/req", perOp,
                          m.requests[r] > 0 ? seconds * 1e6 / m.requests[r] : 0.0);
            std::printf(" %28s", cell);
        }
        std::printf("\n");
    }
    // Which requests, per operation, for the rows made of them (the walks' and the
    // listing's are a few per directory).
    std::printf("\nrequests per operation by opcode (strata-fuse -o stats):\n");
    for (size_t i = 0; i < engines.size(); ++i) {
        if (!engines[i].stats)
            continue;
        const Measured &m = measured[i];
        for (size_t r = 0; r < kRows.size() && r < m.byOpcode.size(); ++r) {
            if (m.ops[r] <= 0 || m.byOpcode[r].empty())
                continue;
            std::string line;
            char cell[64];
            for (const auto &[op, n] : m.byOpcode[r])
                if (n / m.ops[r] >= 0.005) {
                    std::snprintf(cell, sizeof(cell), " %s %.2f", op.c_str(), n / m.ops[r]);
                    line += cell;
                }
            if (!line.empty())
                std::printf("%-18s %-26s%s\n", engines[i].name.c_str(), kRows[r].name.c_str(), line.c_str());
        }
    }
}

void print(const std::vector<Engine> &engines, const std::vector<std::vector<double>> &results)
{
    std::printf("\n%-26s %-10s", "workload", "unit");
    for (const auto &e : engines)
        std::printf(" %18s", e.name.c_str());
    std::printf("  target\n");
    for (size_t r = 0; r < kRows.size(); ++r) {
        std::printf("%-26s %-10s", kRows[r].name.c_str(), kRows[r].unit.c_str());
        for (size_t i = 0; i < engines.size(); ++i) {
            const double v = r < results[i].size() ? results[i][r] : NAN;
            if (i == 0 || results[0].size() <= r)
                std::printf(" %18.0f", v);
            else
                std::printf(" %11.0f (%.2f)", v, v / results[0][r]);
        }
        // Every strata-fuse column (one per transport) against the target.
        if (kRows[r].target > 0 && !results.empty() && results[0].size() > r) {
            std::printf("  >= %.2f", kRows[r].target);
            for (size_t i = 1; i < engines.size(); ++i)
                if (engines[i].stats && results[i].size() > r)
                    std::printf(" %s", results[i][r] / results[0][r] >= kRows[r].target ? "met" : "MISSED");
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
    bool lowerwatchOff = false; // a strata-fuse column with -o lowerwatch=off too (issue 9)
    bool kernelKillpriv = false; // a strata-fuse column with -o killpriv=kernel too (issue 13)
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
        else if (a == "--lowerwatch-off")
            lowerwatchOff = true;
        else if (a == "--killpriv-kernel")
            kernelKillpriv = true;
        else {
            std::fprintf(stderr,
                         "usage: %s [--dir DIR] [--big-mib N] [--random N] [--copyup N] [--untar N] [--tree N] "
                         "[--readdir N] [--keep] [--lowerwatch-off] [--killpriv-kernel]\n",
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
    std::vector<std::vector<double>> results;
    std::vector<Measured> measured;
    for (const auto &e : engines) {
        measured.push_back(runEngine(e, base, s, useTar));
        results.push_back(measured.back().rates);
    }
    if (turnedOn && std::ofstream(param) << "N")
        std::fprintf(stderr, "strata-bench-engine: %s set back to N\n", param.c_str());
    std::printf("strata-bench-engine: %llu MiB file, %d random reads, %d copy-ups, %d files %s, %d-file tree, "
                "%d-entry merged dir; in %s\n",
                static_cast<unsigned long long>(s.bigMiB), s.randomReads, s.copyupFiles, s.untarFiles,
                useTar ? "untarred (/usr/bin/tar)" : "created by a loop (untar-equivalent: no /usr/bin/tar)",
                s.treeFiles, s.readdirEntries, base.c_str());
    print(engines, results);
    if (lowerwatchOff) {
        // strata-fuse (lowerwatch=on, the default) over the same with it off: >= 0.95.
        const auto on
            = std::find_if(engines.begin(), engines.end(), [](const Engine &e) { return e.name == "strata-fuse"; });
        const auto off
            = std::find_if(engines.begin(), engines.end(), [](const Engine &e) { return e.name == "sf-nowatch"; });
        const auto &ron = results[static_cast<size_t>(on - engines.begin())];
        const auto &roff = results[static_cast<size_t>(off - engines.begin())];
        std::printf("\n%-26s %10s  target >= 0.95\n", "lowerwatch on / off", "ratio");
        for (size_t r = 0; r < kRows.size() && r < ron.size() && r < roff.size(); ++r)
            std::printf("%-26s %10.2f  %s\n", kRows[r].name.c_str(), ron[r] / roff[r],
                        ron[r] / roff[r] >= 0.95 ? "met" : "MISSED");
    }
    printRequests(engines, measured);
    if (!keep)
        sh("rm -rf '" + base + "'");
    return 0;
}
