// SPDX-License-Identifier: GPL-2.0-or-later
// strata-bench-watch: how fast a change made directly on a layer shows, and what
// watching costs (issue #9 §7). Figures, never a pass/fail test.
//
//   strata-bench-watch [--dir DIR] [--singles N] [--burst N] [--entries N] [--method M]
//                      [--only a,c,cost]
//
// (a) the `stratactl watch --json` line: the time from the change (a file created
//     in the top lower) to the line naming it, read from the command's stdout;
// (c) the strata-fuse view: the time from the change to the name showing through a
//     strata-fuse mount (lowerwatch=on) that had already looked the name up (a
//     cached negative entry) and listed its directory;
// for N single changes 20 ms apart (p50, p99, max) and for a burst of N creates in
// one directory (the time until the last of them shows: "settled").
// (cost) watching a stack of --entries entries: StackWatcher plus ViewTracker
//     (what `stratactl watch` and the app's live view hold) loading every
//     directory: wall and CPU time, heap retained per loaded entry (mallinfo2), and
//     the same for a MergedTree walk that retains nothing, for comparison.
// (b), the app's model, is strata-bench-watch-gui (bench_watch_gui.cpp).
//
// Root gives fanotify (and tmpfs for the 500k-entry stack); otherwise inotify.
#include "benchfigures.h"
#include "stack/layerstack.h"
#include "stack/mergedtree.h"
#include "watch/stackwatcher.h"
#include "watch/viewtracker.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <malloc.h>
#include <mutex>
#include <optional>
#include <signal.h>
#include <string>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace strata;
using namespace strata::bench;

namespace {

std::string selfDir()
{
    char buf[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    return std::filesystem::path(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0)).parent_path();
}

// A child process whose stdout lines are collected with their arrival time.
class LineReader {
public:
    explicit LineReader(const std::vector<std::string> &argv)
    {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0)
            return;
        m_pid = ::fork();
        if (m_pid == 0) {
            ::dup2(fds[1], 1);
            std::vector<char *> args;
            for (const auto &a : argv)
                args.push_back(const_cast<char *>(a.c_str()));
            args.push_back(nullptr);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        m_fd = fds[0];
        m_thread = std::thread([this] { run(); });
    }
    ~LineReader()
    {
        if (m_pid > 0) {
            ::kill(m_pid, SIGTERM);
            ::waitpid(m_pid, nullptr, 0);
        }
        if (m_thread.joinable())
            m_thread.join();
        if (m_fd >= 0)
            ::close(m_fd);
    }
    // Waits (at most `ms`) for a line containing `needle` that arrived at or after
    // line index `from`; its arrival time, or nullopt.
    std::optional<Clock::time_point> waitFor(const std::string &needle, size_t from, int ms)
    {
        std::unique_lock lock(m_mutex);
        const auto deadline = Clock::now() + std::chrono::milliseconds(ms);
        size_t i = from;
        for (;;) {
            for (; i < m_lines.size(); ++i)
                if (m_lines[i].first.find(needle) != std::string::npos)
                    return m_lines[i].second;
            if (m_cond.wait_until(lock, deadline) == std::cv_status::timeout && i == m_lines.size())
                return std::nullopt;
        }
    }
    size_t lineCount()
    {
        std::lock_guard lock(m_mutex);
        return m_lines.size();
    }
    // How many lines from `from` contain `needle`, and the last one's arrival.
    std::pair<size_t, Clock::time_point> count(const std::string &needle, size_t from)
    {
        std::lock_guard lock(m_mutex);
        size_t n = 0;
        Clock::time_point last {};
        for (size_t i = from; i < m_lines.size(); ++i)
            if (m_lines[i].first.find(needle) != std::string::npos) {
                ++n;
                last = m_lines[i].second;
            }
        return {n, last};
    }

private:
    void run()
    {
        std::string buf;
        char chunk[65536];
        for (;;) {
            const ssize_t n = ::read(m_fd, chunk, sizeof(chunk));
            if (n <= 0)
                break;
            const auto t = Clock::now();
            buf.append(chunk, static_cast<size_t>(n));
            std::lock_guard lock(m_mutex);
            for (size_t nl; (nl = buf.find('\n')) != std::string::npos; buf.erase(0, nl + 1))
                m_lines.emplace_back(buf.substr(0, nl), t);
            m_cond.notify_all();
        }
    }
    pid_t m_pid = -1;
    int m_fd = -1;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_cond;
    std::vector<std::pair<std::string, Clock::time_point>> m_lines;
};

struct Options {
    std::string dir = "/var/tmp/strata-bench-watch";
    int singles = 200;
    int burst = 10000;
    int entries = 500000;
    std::string method; // "" = the default choice
    std::string only = "a,c,cost"; // the parts to run
    bool runs(const std::string &part) const { return ("," + only + ",").find("," + part + ",") != std::string::npos; }
};

// (a): stratactl watch --json on lower0 (top) and lower1.
void benchWatchLine(const Options &o, const std::string &l0, const std::string &l1)
{
    const std::string ctl = selfDir() + "/stratactl";
    if (::access(ctl.c_str(), X_OK) != 0) {
        std::printf("(a) skipped: no %s\n", ctl.c_str());
        return;
    }
    std::filesystem::create_directories(l0 + "/single");
    std::filesystem::create_directories(l0 + "/burst");
    std::vector<std::string> argv = {ctl, "watch", "--lower", l0 + ":" + l1, "--json"};
    if (!o.method.empty())
        argv.insert(argv.end(), {"--method", o.method});
    LineReader r(argv);
    if (!r.waitFor("\"ready\"", 0, 60000)) {
        std::printf("(a) skipped: stratactl watch never said it was ready\n");
        return;
    }
    std::vector<double> lat;
    size_t lost = 0;
    for (int i = 0; i < o.singles; ++i) {
        const size_t from = r.lineCount();
        const std::string name = "single/s" + std::to_string(i);
        const auto t0 = Clock::now();
        touch(l0 + "/" + name);
        if (auto t = r.waitFor("\"" + name + "\"", from, 5000))
            lat.push_back(std::chrono::duration<double, std::milli>(*t - t0).count());
        else
            ++lost;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    printRow("(a) watch line, single change", percentiles(lat, lost), 100);
    const size_t from = r.lineCount();
    const auto t0 = Clock::now();
    for (int i = 0; i < o.burst; ++i)
        touch(l0 + "/burst/b" + std::to_string(i));
    const double made = msSince(t0);
    // Settled: every change has its line, or nothing new for 3 s.
    size_t seen = 0;
    Clock::time_point last = t0;
    for (auto quietSince = Clock::now(); msSince(quietSince) < 3000 && seen < static_cast<size_t>(o.burst);) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        auto [n, t] = r.count("\"burst/b", from);
        if (n != seen) {
            seen = n;
            last = t;
            quietSince = Clock::now();
        }
    }
    printSettled("(a) watch line, burst", static_cast<size_t>(o.burst), made,
                 std::chrono::duration<double, std::milli>(last - t0).count(), seen, 2000);
}

// (c): strata-fuse -o lowerwatch=on over lower0:lower1.
void benchEngineView(const Options &o, const std::string &base, const std::string &l0, const std::string &l1)
{
    const std::string fuse = selfDir() + "/strata-fuse";
    if (::access(fuse.c_str(), X_OK) != 0) {
        std::printf("(c) skipped: no %s\n", fuse.c_str());
        return;
    }
    const std::string up = base + "/upper", work = base + "/work", mnt = base + "/mnt";
    for (const auto &d : {up, work, mnt, l0 + "/fsingle", l0 + "/fburst"})
        std::filesystem::create_directories(d);
    if (!o.method.empty())
        ::setenv("STRATA_WATCH_METHOD", o.method.c_str(), 1);
    const std::string cmd = "'" + fuse + "' -o lowerdir=" + l0 + ":" + l1 + ",upperdir=" + up + ",workdir=" + work
        + ",lowerwatch=on '" + mnt + "' 2>&1";
    const int rc = std::system(cmd.c_str());
    ::unsetenv("STRATA_WATCH_METHOD");
    if (rc != 0) {
        std::printf("(c) skipped: strata-fuse did not mount (%d)\n", rc);
        return;
    }
    struct stat st {};
    std::vector<double> lat;
    size_t lost = 0;
    (void)std::filesystem::directory_iterator(mnt + "/fsingle"); // listed: its lower dirs are watched
    for (int i = 0; i < o.singles; ++i) {
        const std::string rel = "/fsingle/s" + std::to_string(i);
        (void)::lstat((mnt + rel).c_str(), &st); // a negative entry the kernel keeps
        const auto t0 = Clock::now();
        touch(l0 + rel);
        bool seen = false;
        while (msSince(t0) < 5000)
            if (::lstat((mnt + rel).c_str(), &st) == 0) {
                seen = true;
                break;
            }
        if (seen)
            lat.push_back(msSince(t0));
        else
            ++lost;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    printRow("(c) strata-fuse view, single change", percentiles(lat, lost), 100);
    (void)std::filesystem::directory_iterator(mnt + "/fburst");
    const auto t0 = Clock::now();
    for (int i = 0; i < o.burst; ++i)
        touch(l0 + "/fburst/b" + std::to_string(i));
    const double made = msSince(t0);
    size_t seen = 0;
    double settled = NAN;
    while (msSince(t0) < 30000) {
        seen = 0;
        for (auto it = std::filesystem::directory_iterator(mnt + "/fburst"); it != decltype(it)(); ++it)
            ++seen;
        if (seen == static_cast<size_t>(o.burst)) {
            settled = msSince(t0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    printSettled("(c) strata-fuse view, burst (listing)", static_cast<size_t>(o.burst), made, settled, seen, 2000);
    ::umount2(mnt.c_str(), MNT_DETACH);
}

// (cost): a stack of `entries` entries: 2 lowers, dirs of 500 files, half the dirs
// merged from both lowers.
void benchCost(const Options &o, const std::string &base)
{
    const std::string root = base + "/big";
    std::filesystem::create_directories(root);
    const bool tmpfs = ::geteuid() == 0 && ::mount("tmpfs", root.c_str(), "tmpfs", 0, "mode=0755") == 0;
    const std::string a = root + "/lower0", b = root + "/lower1";
    const int perDir = 500;
    const int dirs = std::max(1, o.entries / perDir);
    const auto tBuild = Clock::now();
    for (int d = 0; d < dirs; ++d) {
        // Even dirs in both lowers (merged), odd ones in one.
        const std::string name = "/d" + std::to_string(d);
        std::filesystem::create_directories(a + name);
        if (d % 2 == 0)
            std::filesystem::create_directories(b + name);
        for (int f = 0; f < perDir; ++f)
            touch((d % 2 == 0 && f % 2 ? b : a) + name + "/f" + std::to_string(f));
    }
    std::printf("\n(cost) stack of %d entries (%d dirs of %d) on %s, built in %.1f s\n", dirs * perDir, dirs, perDir,
                tmpfs ? "tmpfs" : "the bench dir's filesystem", msSince(tBuild) / 1000);
    stack::StackSpec spec;
    spec.sourceKind = "directories";
    spec.lower = {a, b};
    auto st = stack::LayerStack::fromSpec(spec);
    if (!st) {
        std::printf("(cost) skipped: %s\n", st.error().message().c_str());
        return;
    }
    std::shared_ptr<const stack::LayerStack> stackPtr = std::move(*st);
    double walkBytes = 0; // per entry, retained by a MergedTree that has listed everything
    {
        // Baseline: a walk that keeps nothing.
        malloc_trim(0);
        const size_t heap0 = mallinfo2().uordblks;
        const double cpu0 = cpuSeconds();
        const auto t0 = Clock::now();
        stack::MergedTree tree(stackPtr);
        std::deque<std::string> todo {""};
        size_t n = 0;
        while (!todo.empty()) {
            auto l = tree.list(todo.front(), {});
            todo.pop_front();
            if (!l)
                continue;
            for (const auto &e : l->entries) {
                ++n;
                if (e.isDir())
                    todo.push_back(l->path.empty() ? e.name : l->path + "/" + e.name);
            }
        }
        walkBytes = static_cast<double>(mallinfo2().uordblks - heap0) / static_cast<double>(std::max<size_t>(n, 1));
        std::printf("(cost) merged walk (MergedTree, its caches): %zu entries, %.2f s wall, %.2f s CPU, heap retained "
                    "%.1f bytes/entry\n",
                    n, msSince(t0) / 1000, cpuSeconds() - cpu0, walkBytes);
    }
    malloc_trim(0);
    const size_t heap0 = mallinfo2().uordblks;
    const double cpu0 = cpuSeconds();
    const auto t0 = Clock::now();
    watch::WatchOptions wo;
    if (!o.method.empty())
        wo.method = watch::methodFromName(o.method);
    auto w = watch::StackWatcher::start(stackPtr, wo);
    if (!w) {
        std::printf("(cost) skipped: %s\n", w.error().message().c_str());
        return;
    }
    auto trackerPtr = std::make_unique<watch::ViewTracker>(stackPtr, w->get());
    watch::ViewTracker &tracker = *trackerPtr;
    auto loaded = tracker.loadAll();
    const double wall = msSince(t0) / 1000, cpu = cpuSeconds() - cpu0;
    const size_t heap = mallinfo2().uordblks - heap0;
    const size_t entries = tracker.loadedEntries();
    const double perEntry = static_cast<double>(heap) / static_cast<double>(std::max<size_t>(entries, 1));
    std::printf("(cost) watcher + tracker, all loaded: %zu dirs, %zu entries, %zu dirs watched by %s, %.2f s wall, "
                "%.2f s CPU, heap retained %.1f bytes/entry, %.1f more than the walk  target <= 50 extra: %s\n",
                loaded ? *loaded : 0, entries, (*w)->watchedDirs(),
                std::string(watch::methodName((*w)->layers().front().method)).c_str(), wall, cpu, perEntry,
                perEntry - walkBytes, perEntry - walkBytes <= 50 ? "met" : "MISSED");
    // Idle cost: CPU used over 5 s with nothing changing (polled layers re-list).
    const double idle0 = cpuSeconds();
    std::this_thread::sleep_for(std::chrono::seconds(5));
    std::printf("(cost) idle, 5 s:                        %.3f s CPU\n", cpuSeconds() - idle0);
    trackerPtr.reset(); // before the watcher it points to
    w->reset();
    if (tmpfs)
        ::umount2(root.c_str(), MNT_DETACH);
}

} // namespace

int main(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (a == "--dir")
            o.dir = next();
        else if (a == "--singles")
            o.singles = std::atoi(next().c_str());
        else if (a == "--burst")
            o.burst = std::atoi(next().c_str());
        else if (a == "--entries")
            o.entries = std::atoi(next().c_str());
        else if (a == "--method")
            o.method = next();
        else if (a == "--only")
            o.only = next();
        else {
            std::fprintf(stderr,
                         "usage: %s [--dir DIR] [--singles N] [--burst N] [--entries N] "
                         "[--method fanotify|inotify|polling] [--only a,c,cost]\n",
                         argv[0]);
            return 2;
        }
    }
    std::error_code ec;
    std::filesystem::remove_all(o.dir, ec);
    const std::string l0 = o.dir + "/lower0", l1 = o.dir + "/lower1";
    std::filesystem::create_directories(l0);
    std::filesystem::create_directories(l1);
    std::printf("strata-bench-watch: %d single changes, a %d-change burst, a %d-entry stack; load average %s; %s\n",
                o.singles, o.burst, o.entries, loadAverage().c_str(),
                ::geteuid() == 0 ? "root (fanotify)" : "not root (inotify)");
    if (o.runs("a"))
        benchWatchLine(o, l0, l1);
    if (o.runs("c"))
        benchEngineView(o, o.dir, l0, l1);
    if (o.runs("cost"))
        benchCost(o, o.dir);
    std::printf("load average after: %s\n", loadAverage().c_str());
    std::filesystem::remove_all(o.dir, ec);
    return 0;
}
