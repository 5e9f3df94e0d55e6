// SPDX-License-Identifier: GPL-2.0-or-later
// strata-bench-inspector: the inspector's full merged scan against the syscall
// floor, `find LAYERS -printf '%s %m\n'`, measured in the same run over the same
// layer directories (docs/BENCHMARKS.md). Not a timed test: it prints figures.
//
//   strata-bench-inspector [--dir DIR] [--entries N] [--layers N] [--reps N] [--no-origins] [--warm-only]
//                          [--scans-only N] [--serial]
//
// --scans-only N: N warm scans and nothing else (under a profiler).
// --serial: the timed scan reads on one thread (no read-ahead; stack/listahead.h).
//
// The stack is generated once (offline, with core/ovl's writers: whiteouts, opaque
// dirs, copied-up files) and cached in DIR; a marker file records its parameters.
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"
#include "stack/layerstack.h"
#include "stack/mergedtree.h"
#include "stack/mergedwalk.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <malloc.h>
#include <random>
#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace strata;
using namespace strata::stack;

extern char **environ;

namespace {

struct Options {
    std::string dir = "/var/tmp/strata-bench-inspector";
    size_t entries = 520000;
    size_t layers = 12;
    int reps = 5;
    bool origins = true;
    bool cold = true; // --warm-only: no cold runs
    int scansOnly = 0; // --scans-only N
    bool readAhead = true; // --serial: off
};

[[noreturn]] void die(const std::string &msg)
{
    std::fprintf(stderr, "strata-bench-inspector: %s\n", msg.c_str());
    std::exit(1);
}

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

void mkdirP(const std::string &path)
{
    for (size_t i = 1; i <= path.size(); ++i)
        if (i == path.size() || path[i] == '/')
            ::mkdir(path.substr(0, i).c_str(), 0755);
}

void makeFile(const std::string &path, off_t size, mode_t mode)
{
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        die(path + ": " + std::strerror(errno));
    // Sparse: realistic sizes without filling the disk; the scan never reads data.
    if (size > 0 && ::ftruncate(fd, size) != 0)
        die(path + ": " + std::strerror(errno));
    ::close(fd);
}

// A container-image-like stack: a big base layer of deep directories and many
// small files, then layers that add files, replace files (copied-up: same name,
// origin-less as image layers are), delete (0/0 whiteouts) and replace whole
// directories (opaque=y).
void generate(const Options &o, const std::string &marker)
{
    std::printf("generating %zu entries over %zu layers in %s (once; cached) ...\n", o.entries, o.layers,
                o.dir.c_str());
    std::fflush(stdout);
    const double t0 = now();
    std::string rmCmd = "rm -rf --one-file-system '" + o.dir + "'";
    if (std::system(rmCmd.c_str()) != 0)
        die("cannot clear " + o.dir);
    mkdirP(o.dir);
    std::mt19937_64 rng(42);
    auto below = [&](size_t n) { return static_cast<size_t>(rng() % n); };

    const size_t baseEntries = o.entries * 45 / 100;
    const size_t perUpper = (o.entries - baseEntries) / (o.layers - 1);

    // Base layer: breadth-first dirs of 3-6 subdirs, 8-30 files each, to depth 9.
    const std::string l0 = o.dir + "/l0";
    mkdirP(l0);
    std::vector<std::string> dirs {""};
    size_t made = 0;
    for (size_t i = 0; i < dirs.size() && made < baseEntries; ++i) {
        const std::string d = dirs[i]; // a copy: dirs grows below
        const size_t depth = d.empty() ? 0 : static_cast<size_t>(std::count(d.begin(), d.end(), '/')) + 1;
        const size_t subdirs = depth < 9 ? 3 + below(4) : 0;
        for (size_t s = 0; s < subdirs && made < baseEntries; ++s, ++made) {
            const std::string sd = (d.empty() ? "" : d + "/") + "dir" + std::to_string(s);
            ::mkdir((l0 + "/" + sd).c_str(), 0755);
            dirs.push_back(sd);
        }
        const size_t files = 8 + below(23);
        for (size_t f = 0; f < files && made < baseEntries; ++f, ++made)
            makeFile(l0 + "/" + (d.empty() ? "" : d + "/") + "file" + std::to_string(f) + ".so",
                     static_cast<off_t>(below(16384)), below(4) ? 0644 : 0755);
    }

    for (size_t k = 1; k < o.layers; ++k) {
        const std::string lk = o.dir + "/l" + std::to_string(k);
        mkdirP(lk);
        size_t n = 0;
        while (n < perUpper) {
            const std::string &d = dirs[below(dirs.size())];
            const std::string dk = lk + (d.empty() ? "" : "/" + d);
            mkdirP(dk);
            ++n;
            const int dfd = ::open(dk.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (dfd < 0)
                die(dk + ": " + std::strerror(errno));
            const size_t kind = below(20);
            if (kind == 0 && !d.empty()) {
                // Replace a subdirectory wholesale: opaque, with a few new files.
                const std::string sub = "dir" + std::to_string(below(6));
                ::mkdir((dk + "/" + sub).c_str(), 0755);
                if (!ovl::setOpaque(dfd, sub, ovl::Namespace::Trusted, ovl::Opaque::Yes))
                    die("setOpaque in " + dk);
                for (int f = 0; f < 5; ++f, ++n)
                    makeFile(dk + "/" + sub + "/new" + std::to_string(f), static_cast<off_t>(below(4096)), 0644);
            } else {
                // Touch a handful of names of this dir: add, replace, delete.
                const size_t count = 5 + below(20);
                for (size_t i = 0; i < count; ++i, ++n) {
                    const size_t what = below(10);
                    const std::string base = "file" + std::to_string(below(30)) + ".so";
                    if (what < 2) {
                        ::unlinkat(dfd, base.c_str(), 0);
                        if (!ovl::makeWhiteout(dfd, base))
                            die("whiteout in " + dk);
                    } else if (what < 5) {
                        ::unlinkat(dfd, base.c_str(), 0);
                        makeFile(dk + "/" + base, static_cast<off_t>(below(16384)), 0644);
                    } else {
                        makeFile(dk + "/added" + std::to_string(k) + "_" + std::to_string(i) + ".txt",
                                 static_cast<off_t>(below(8192)), 0644);
                    }
                }
            }
            ::close(dfd);
        }
    }
    std::ofstream(marker) << o.entries << " " << o.layers << "\n";
    std::printf("generated in %.1f s\n", now() - t0);
}

// How often anyone dropped the caches (/proc/vmstat drop_pagecache + drop_slab): a
// warm run during which this moved was not warm (on a shared machine other
// benchmarks drop them), and is run again.
unsigned long cacheDrops()
{
    std::ifstream in("/proc/vmstat");
    std::string key;
    unsigned long value = 0, sum = 0;
    while (in >> key >> value)
        if (key == "drop_pagecache" || key == "drop_slab")
            sum += value;
    return sum;
}

bool dropCaches(std::string &why)
{
    ::sync();
    const int fd = ::open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        why = std::string("cannot open /proc/sys/vm/drop_caches: ") + std::strerror(errno);
        return false;
    }
    const bool ok = ::write(fd, "3\n", 2) == 2;
    if (!ok)
        why = std::string("cannot write /proc/sys/vm/drop_caches: ") + std::strerror(errno);
    ::close(fd);
    return ok;
}

double timeFind(const std::vector<std::string> &layers)
{
    std::vector<std::string> args {"find"};
    args.insert(args.end(), layers.begin(), layers.end());
    args.emplace_back("-printf");
    args.emplace_back("%s %m\n");
    std::vector<char *> argv;
    for (auto &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    const double t0 = now();
    pid_t pid = 0;
    if (posix_spawnp(&pid, "find", &fa, nullptr, argv.data(), environ) != 0)
        die("cannot run find");
    int status = 0;
    ::waitpid(pid, &status, 0);
    const double t = now() - t0;
    posix_spawn_file_actions_destroy(&fa);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("find failed");
    return t;
}

struct ScanResult {
    double seconds = 0;
    size_t entries = 0, dirs = 0, problems = 0;
};

// The full merged scan as stratactl tree, the summaries and the whiteout report do
// it: the one depth-first walk (stack/mergedwalk.h), every entry visited, with the
// next directories read ahead on a second thread unless `readAhead` is off.
ScanResult scan(const std::shared_ptr<const LayerStack> &stack, bool origins, bool readAhead)
{
    ScanResult r;
    MergedTree tree(stack);
    WalkOptions opts;
    opts.list = ListOptions {false, origins};
    opts.readAhead = readAhead;
    const double t0 = now();
    auto walked = walkMerged(tree, "", opts, [&r](const std::string &, const MergedEntry &e, int) {
        ++r.entries;
        r.dirs += e.isDir();
        r.problems += !e.problems.empty();
        return true;
    });
    r.seconds = now() - t0;
    if (!walked)
        die(walked.error().message());
    ++r.dirs; // the root
    r.problems += walked->problems.size();
    return r;
}

// Every merged directory, listed once (depth first) and held, as a GUI holding the
// whole tree would.
ScanResult scanHeld(const std::shared_ptr<const LayerStack> &stack, bool origins, std::vector<Listing> *keep)
{
    ScanResult r;
    MergedTree tree(stack);
    const ListOptions opts {false, origins};
    const double t0 = now();
    std::vector<std::string> todo {""};
    while (!todo.empty()) {
        const std::string path = std::move(todo.back());
        todo.pop_back();
        auto l = tree.list(path, opts);
        if (!l) {
            ++r.problems;
            continue;
        }
        ++r.dirs;
        r.problems += l->problems.size();
        for (const auto &e : l->entries) {
            ++r.entries;
            r.problems += !e.problems.empty();
            if (e.isDir())
                todo.push_back(path.empty() ? e.name : path + "/" + e.name);
        }
        if (keep)
            keep->push_back(std::move(*l));
    }
    r.seconds = now() - t0;
    return r;
}

long maxRssKb()
{
    rusage ru {};
    ::getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

} // namespace

int main(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                die("missing value after " + a);
            return argv[++i];
        };
        if (a == "--dir")
            o.dir = value();
        else if (a == "--entries")
            o.entries = std::stoul(value());
        else if (a == "--layers")
            o.layers = std::stoul(value());
        else if (a == "--reps")
            o.reps = std::stoi(value());
        else if (a == "--no-origins")
            o.origins = false;
        else if (a == "--warm-only")
            o.cold = false;
        else if (a == "--scans-only")
            o.scansOnly = std::stoi(value());
        else if (a == "--serial")
            o.readAhead = false;
        else
            die("usage: strata-bench-inspector [--dir DIR] [--entries N] [--layers N] [--reps N] [--no-origins] "
                "[--warm-only] [--scans-only N] [--serial]");
    }
    if (o.layers < 2)
        die("--layers must be at least 2");

    const std::string marker = o.dir + "/.strata-bench-" + std::to_string(o.entries) + "x" + std::to_string(o.layers);
    if (::access(marker.c_str(), F_OK) != 0)
        generate(o, marker);
    else
        std::printf("using the cached stack in %s\n", o.dir.c_str());

    std::vector<std::string> layerDirs; // top first, as lowerdir= lists them
    for (size_t k = o.layers; k-- > 0;)
        layerDirs.push_back(o.dir + "/l" + std::to_string(k));
    StackSpec spec;
    spec.lower = layerDirs;
    spec.xattrNamespace = ovl::Namespace::Trusted;
    auto opened = LayerStack::fromSpec(spec);
    if (!opened)
        die(opened.error().message());
    const auto stack = *opened;
    if (o.scansOnly > 0) {
        for (int i = 0; i < o.scansOnly; ++i)
            std::printf("scan: %.3fs\n", scan(stack, o.origins, o.readAhead).seconds);
        return 0;
    }
    if (!stack->canReadOverlayXattrs())
        std::printf("note: not privileged: trusted.overlay.* xattrs are unreadable, the scan reports them "
                    "as unknown (run as root for representative figures)\n");

    // What the layers hold, as find sees it.
    size_t layerEntries = 0;
    {
        std::string cmd = "find";
        for (const auto &l : layerDirs)
            cmd += " '" + l + "'";
        cmd += " | wc -l";
        if (FILE *p = ::popen(cmd.c_str(), "r")) {
            if (std::fscanf(p, "%zu", &layerEntries) != 1)
                layerEntries = 0;
            ::pclose(p);
        }
    }

    std::string why;
    const bool canDrop = o.cold && dropCaches(why);
    if (!o.cold)
        std::printf("cold runs skipped: --warm-only\n");
    else if (!canDrop)
        std::printf("cold runs skipped: %s (needs root outside a container)\n", why.c_str());

    // Warm: one untimed pass of each, then alternate.
    timeFind(layerDirs);
    const long rssBefore = maxRssKb();
    const ScanResult first = scan(stack, o.origins, o.readAhead);
    const long rssAfter = maxRssKb();
    std::vector<double> findWarm, inspWarm, serialWarm, findCold, inspCold;
    int disturbed = 0;
    for (int i = 0; i < o.reps && disturbed < 10 * o.reps;) {
        const unsigned long drops = cacheDrops();
        const double f = timeFind(layerDirs);
        const double insp = scan(stack, o.origins, o.readAhead).seconds;
        // The same scan on one thread, for the record.
        const double serial = o.readAhead ? scan(stack, o.origins, false).seconds : 0;
        if (cacheDrops() != drops) {
            ++disturbed;
            timeFind(layerDirs); // warm again
            scan(stack, o.origins, true);
            continue;
        }
        findWarm.push_back(f);
        inspWarm.push_back(insp);
        if (o.readAhead)
            serialWarm.push_back(serial);
        ++i;
    }
    if (disturbed)
        std::printf("warm: %d runs discarded (another process dropped the caches during them)\n", disturbed);
    if (findWarm.empty())
        die("no warm run was left undisturbed: another process keeps dropping the caches");
    if (canDrop) {
        for (int i = 0; i < o.reps; ++i) {
            dropCaches(why);
            findCold.push_back(timeFind(layerDirs));
            dropCaches(why);
            inspCold.push_back(scan(stack, o.origins, o.readAhead).seconds);
        }
    }

    // Retained size of the whole merged tree held in memory (what a GUI keeping
    // every listing would hold): heap in use before and after, by mallinfo2.
    size_t retained = 0;
    {
        malloc_trim(0);
        const size_t before = mallinfo2().uordblks;
        std::vector<Listing> keep;
        scanHeld(stack, o.origins, &keep);
        retained = mallinfo2().uordblks - before;
    }

    // Where the time goes: resolving each directory's path from the root (every
    // MergedTree::list(path) call does it again) versus the listing itself.
    double resolveSecs = 0;
    {
        std::vector<std::string> dirs;
        MergedTree tree(stack);
        std::vector<std::string> todo {""};
        while (!todo.empty()) {
            const std::string path = std::move(todo.back());
            todo.pop_back();
            dirs.push_back(path);
            if (auto l = tree.list(path, ListOptions {false, o.origins}))
                for (const auto &e : l->entries)
                    if (e.isDir())
                        todo.push_back(path.empty() ? e.name : path + "/" + e.name);
        }
        const double t0 = now();
        for (const auto &d : dirs)
            (void)tree.resolveDir(d);
        resolveSecs = now() - t0;
    }

    const double fw = median(findWarm), iw = median(inspWarm);
    std::printf("\nstack: %zu layers, %zu entries in the layer dirs (find), %zu merged entries in %zu merged dirs, "
                "%zu problems, origins %s\n",
                o.layers, layerEntries, first.entries, first.dirs, first.problems, o.origins ? "read" : "not read");
    std::printf("%-34s %10s %10s %8s %14s\n", "", "find", "inspector", "ratio", "inspector/s");
    std::printf("%-34s %9.3fs %9.3fs %7.2fx %12.0f/s\n", ("warm, median of " + std::to_string(o.reps)).c_str(), fw, iw,
                iw / fw, first.entries / iw);
    if (!serialWarm.empty()) {
        const double sw = median(serialWarm);
        std::printf("%-34s %9.3fs %9.3fs %7.2fx %12.0f/s\n", "warm, one thread (no read-ahead)", fw, sw, sw / fw,
                    first.entries / sw);
    }
    if (canDrop) {
        const double fc = median(findCold), ic = median(inspCold);
        std::printf("%-34s %9.3fs %9.3fs %7.2fx %12.0f/s\n", ("cold, median of " + std::to_string(o.reps)).c_str(), fc,
                    ic, ic / fc, first.entries / ic);
    }
    std::printf("of the warm scan, resolving the %zu directory paths from the root again: %.3fs (%.0f%%)\n", first.dirs,
                resolveSecs, 100.0 * resolveSecs / iw);
    std::printf("memory: streaming scan peak RSS +%ld KiB = %.1f bytes/entry; full tree held in memory: %.1f MiB = "
                "%.1f bytes/entry\n",
                rssAfter - rssBefore, (rssAfter - rssBefore) * 1024.0 / std::max<size_t>(1, first.entries),
                retained / 1048576.0, static_cast<double>(retained) / std::max<size_t>(1, first.entries));
    std::printf("sizes: MergedEntry %zu bytes, Attrs %zu, ShadowedVersion %zu, OriginInfo %zu, DataInfo %zu "
                "(before heap: names, paths, vectors)\n",
                sizeof(MergedEntry), sizeof(Attrs), sizeof(ShadowedVersion), sizeof(OriginInfo), sizeof(DataInfo));
    // Issue 13: <= 1.3x find warm, <= 1.1x cold; issue 2: <= 200 bytes per entry held.
    std::printf("targets: warm <= 1.3x find (%s), cold <= 1.1x find (%s), <= 200 bytes/entry held (%s)\n",
                iw / fw <= 1.3 ? "met" : "MISSED",
                !canDrop                                         ? "not run"
                    : median(inspCold) / median(findCold) <= 1.1 ? "met"
                                                                 : "MISSED",
                static_cast<double>(retained) / std::max<size_t>(1, first.entries) <= 200 ? "met" : "MISSED");
    return 0;
}
