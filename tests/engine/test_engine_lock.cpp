// SPDX-License-Identifier: GPL-2.0-or-later
// The common creates and unlinks run with the mount-wide tree lock only shared,
// under a per-directory lock (fs.h). Two checks through a real mount:
// - many threads create, stat, list and unlink files, directories and symlinks in
//   the same and in different directories (pure upper ones, a merge directory,
//   one that is copied up by the first create), all race to make some same names
//   (one wins, the others get EEXIST), while others look up the names being
//   created; afterwards the union and the upper hold exactly the same names
//   with the same inode numbers, none lost, none twice, and no call failed;
// - deterministic: a create whose lookup in a lower layer is held (that lower is a
//   strata-fuse mount with timeout=0 whose daemon is stopped with SIGSTOP) holds
//   its directory, yet creates, unlinks and mkdirs in another directory complete
//   meanwhile (with a mount-wide exclusive lock they would wait).
#include "testenv.h"
#include "testmain.h"
#include "unionfixture.h"

#include <QTest>
#include <QThread>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace strata;
using namespace strata::test;

namespace {

// Creates and writes a file with create(2) alone (writeFile's chmod is a setattr,
// which takes the tree lock exclusively).
bool create(const std::string &path, int flags)
{
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC | flags, 0644);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, "new", 3) == 3;
    return ::close(fd) == 0 && ok;
}

// The names in a directory, in listing order, without . and ..
std::vector<std::string> listing(const std::string &dir)
{
    std::vector<std::string> names;
    DIR *d = ::opendir(dir.c_str());
    if (!d)
        return names;
    while (const dirent *e = ::readdir(d))
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
            names.emplace_back(e->d_name);
    ::closedir(d);
    return names;
}

ino_t lstatIno(const std::string &path)
{
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

// What the threads made and kept, and every call that failed.
struct Outcome {
    std::mutex m;
    std::map<std::string, ino_t> kept; // "dir/name" -> st_ino seen right after creation
    std::map<std::string, int> won; // names every thread tries to create: successes
    std::vector<std::string> errors;
    void fail(const std::string &what, int err)
    {
        std::lock_guard g(m);
        errors.push_back(what + ": " + std::strerror(err));
    }
};

// One worker: creates in every directory, stats what it made, lists now and
// then, and unlinks (or rmdirs) every third object again.
void work(const UnionFixture &u, const std::vector<std::string> &dirs, int thread, int count, Outcome &out)
{
    for (int k = 0; k < count; ++k) {
        const std::string rel
            = dirs[static_cast<size_t>(k) % dirs.size()] + "/t" + std::to_string(thread) + "_" + std::to_string(k);
        const std::string path = u.path(rel);
        int rc;
        if (k % 7 == 3) {
            rc = ::mkdir(path.c_str(), 0755);
        } else if (k % 11 == 5) {
            rc = ::symlink("target", path.c_str());
        } else {
            const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
            rc = fd < 0 ? -1 : ::close(fd);
        }
        if (rc != 0) {
            out.fail("create " + rel, errno);
            continue;
        }
        const ino_t ino = lstatIno(path);
        if (ino == 0) {
            out.fail("stat " + rel, errno);
            continue;
        }
        if (k % 5 == 1) {
            // A name all threads try to make at about the same time: one wins, the
            // others get EEXIST.
            const std::string shared = dirs[static_cast<size_t>(k) % dirs.size()] + "/s_" + std::to_string(k);
            const int fd = ::open(u.path(shared).c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
            if (fd >= 0) {
                ::close(fd);
                const ino_t sino = lstatIno(u.path(shared));
                std::lock_guard g(out.m);
                ++out.won[shared];
                out.kept[shared] = sino;
            } else if (errno != EEXIST) {
                out.fail("create " + shared, errno);
            }
        }
        if (k % 10 == 0)
            (void)listing(u.path(dirs[static_cast<size_t>(k / 10) % dirs.size()]));
        if (k % 3 == 0) {
            if ((k % 7 == 3 ? ::rmdir(path.c_str()) : ::unlink(path.c_str())) != 0)
                out.fail("remove " + rel, errno);
            continue;
        }
        std::lock_guard g(out.m);
        out.kept[rel] = ino;
    }
}

// Looks up the names thread `thread` creates in `dir` while it creates them: each
// is either not there yet or the object it became (checked against `out` later).
void race(const UnionFixture &u, const std::string &dir, int count, std::atomic<bool> &stop,
          std::map<std::string, ino_t> &seen)
{
    while (!stop.load()) {
        for (int k = 0; k < count; ++k) {
            const std::string rel = dir + "/r_" + std::to_string(k);
            const ino_t ino = lstatIno(u.path(rel));
            if (ino != 0 && !seen.contains(rel))
                seen[rel] = ino;
        }
    }
}

} // namespace

class TestEngineLock : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void concurrentCreatesStayConsistent()
    {
        UnionFixture u(1);
        writeFile(u.lower(0) + "/m/low.txt", "low"); // m: a merge directory
        writeFile(u.lower(0) + "/l/low.txt", "low"); // l: copied up by the first create
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        QCOMPARE(::mkdir(u.path("a").c_str(), 0755), 0);
        QCOMPARE(::mkdir(u.path("b").c_str(), 0755), 0);
        writeFile(u.path("m/seed"), "seed");
        const std::vector<std::string> dirs {"a", "b", "m", "l"};

        Outcome out;
        constexpr int kThreads = 6;
        constexpr int kCount = 240;
        constexpr int kRaced = 150;
        std::atomic<bool> stop {false};
        std::map<std::string, ino_t> seenA, seenB;
        std::vector<std::thread> threads;
        threads.emplace_back([&] { race(u, "a", kRaced, stop, seenA); });
        threads.emplace_back([&] { race(u, "a", kRaced, stop, seenB); });
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] { work(u, dirs, t, kCount, out); });
        // The raced names: made while the two threads above look them up.
        for (int k = 0; k < kRaced; ++k) {
            const std::string rel = "a/r_" + std::to_string(k);
            const int fd = ::open(u.path(rel).c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
            if (fd < 0) {
                out.fail("create " + rel, errno);
                continue;
            }
            ::close(fd);
            const ino_t ino = lstatIno(u.path(rel));
            std::lock_guard g(out.m);
            out.kept[rel] = ino;
        }
        for (size_t t = 2; t < threads.size(); ++t)
            threads[t].join();
        stop = true;
        threads[0].join();
        threads[1].join();

        std::string errors;
        for (const auto &e : out.errors)
            errors += e + "\n";
        QVERIFY2(out.errors.empty(), errors.c_str());
        QCOMPARE(out.won.size(), size_t {kCount / 5});
        for (const auto &[rel, n] : out.won)
            QVERIFY2(n == 1, (rel + " made " + std::to_string(n) + " times").c_str());
        for (const auto *seen : {&seenA, &seenB})
            for (const auto &[rel, ino] : *seen)
                QVERIFY2(out.kept.contains(rel) && out.kept.at(rel) == ino,
                         ("a racing lookup saw another inode at " + rel).c_str());

        // Union and upper: exactly the names kept (plus the ones made before), once
        // each, with the inode numbers seen at creation.
        std::map<std::string, std::set<std::string>> expected;
        for (const auto &[rel, ino] : out.kept)
            expected[rel.substr(0, rel.find('/'))].insert(rel.substr(rel.find('/') + 1));
        expected["m"].insert("seed");
        for (const auto &d : dirs) {
            const auto unionNames = listing(u.path(d));
            const auto upperNames = listing(u.upper() + "/" + d);
            const std::set<std::string> unionSet(unionNames.begin(), unionNames.end());
            QVERIFY2(unionSet.size() == unionNames.size(), ("a name listed twice in " + d).c_str());
            QVERIFY2(upperNames.size() == std::set<std::string>(upperNames.begin(), upperNames.end()).size(),
                     ("a name twice in the upper " + d).c_str());
            std::set<std::string> want = expected[d];
            std::set<std::string> wantUnion = want;
            if (d == "m" || d == "l")
                wantUnion.insert("low.txt");
            QCOMPARE(unionSet, wantUnion);
            QCOMPARE(std::set<std::string>(upperNames.begin(), upperNames.end()), want);
        }
        for (const auto &[rel, ino] : out.kept) {
            QVERIFY2(lstatIno(u.path(rel)) == ino, ("inode number changed: " + rel).c_str());
            QVERIFY2(lstatIno(u.upper() + "/" + rel) == ino, ("union and upper differ: " + rel).c_str());
        }
        QVERIFY2(u.unmount(), u.daemonLog().c_str());
        QVERIFY(std::filesystem::is_empty(u.work() + "/work"));
    }

    void createsInOtherDirectoriesGoOn()
    {
        // The lower of "slow": a read-only strata-fuse mount that caches nothing, so
        // every name looked up in it reaches its daemon.
        UnionFixture inner(1);
        writeFile(inner.lower(0) + "/slow/low.txt", "low");
        QVERIFY2(inner.mountFuse({"passthrough=off", "timeout=0"}, true), inner.daemonLog().c_str());

        UnionFixture u(2);
        const std::string conn = stackOnFuse(u, inner);
        if (conn.empty())
            QSKIP("cannot mount fusectl (to watch the lower daemon's queue) or bind the lower");
        writeFile(u.lower(1) + "/fast/low.txt", "low");
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        // Both directories get their upper (the fast path needs it).
        writeFile(u.path("slow/seed"), "seed");
        writeFile(u.path("fast/seed"), "seed");
        // A negative entry the kernel keeps: the create below goes straight to the
        // daemon, whose check of the name in the stopped lower then waits.
        struct stat st {};
        QCOMPARE(::lstat(u.path("slow/held").c_str(), &st), -1);
        QCOMPARE(waitingRequests(conn), 0);

        const pid_t lowerDaemon = static_cast<pid_t>(inner.daemonPid());
        QVERIFY(stopDaemon(lowerDaemon));
        // Without O_EXCL, which would make the kernel look the name up again.
        auto held = std::async(std::launch::async, [&] { return create(u.path("slow/held"), 0); });
        // Until the create waits on the stopped lower.
        if (!waitForHeldRequest(conn)) {
            ::kill(lowerDaemon, SIGCONT);
            QFAIL("the create never waited on the stopped lower");
        }
        // Meanwhile: creates, a mkdir, a symlink and an unlink in another directory.
        const std::string err = runWhileHeld(
            held, lowerDaemon,
            [&]() -> std::string {
                for (int k = 0; k < 20; ++k)
                    if (!create(u.path("fast/new" + std::to_string(k)), O_EXCL))
                        return "create fast/new" + std::to_string(k) + ": " + std::strerror(errno);
                if (::mkdir(u.path("fast/d").c_str(), 0755) != 0)
                    return std::string("mkdir fast/d: ") + std::strerror(errno);
                if (::symlink("new0", u.path("fast/link").c_str()) != 0)
                    return std::string("symlink fast/link: ") + std::strerror(errno);
                if (::unlink(u.path("fast/seed").c_str()) != 0)
                    return std::string("unlink fast/seed: ") + std::strerror(errno);
                if (readFile(u.path("fast/new7")) != "new" || readFile(u.path("fast/low.txt")) != "low")
                    return "wrong contents in fast";
                return {};
            },
            30);
        QVERIFY2(err.empty(), err.c_str());
        QVERIFY(held.get());
        QCOMPARE(::lstat(u.path("slow/held").c_str(), &st), 0);
        QCOMPARE(st.st_ino, lstatIno(u.upper() + "/slow/held"));
        QCOMPARE(::lstat((u.upper() + "/fast/seed").c_str(), &st), -1);
        QCOMPARE(lstatIno(u.path("fast/d")), lstatIno(u.upper() + "/fast/d"));

        QVERIFY2(u.unmount(), u.daemonLog().c_str());
        unstackFromFuse(u);
        QVERIFY2(inner.unmount(), inner.daemonLog().c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineLock, strata::test::requireFuse)

#include "test_engine_lock.moc"
