// SPDX-License-Identifier: GPL-2.0-or-later
// strata-fuse with far fewer fds than the files the kernel caches: the daemon
// runs with RLIMIT_NOFILE 256 and cannot raise it, and 2,400 files are looked up,
// stat'ed, read, renamed, copied up and listed. Idle files' O_PATH fds are closed
// and reopened by name (core/engine/fdbudget.cpp); without that the lookups past
// the limit fail with EMFILE.
#include "testenv.h"
#include "testmain.h"
#include "unionfixture.h"

#include <QTest>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <sys/stat.h>
#include <sys/xattr.h>

using namespace strata;
using namespace strata::test;

namespace {

constexpr unsigned kLimit = 256;
constexpr int kDirs = 24;
constexpr int kPerDir = 100;

std::string rel(int d, int i)
{
    return "d" + std::to_string(d) + "/f" + std::to_string(i);
}

// What the union shows: lower0 (top) overrides every 7th file of lower1.
std::string expected(int d, int i)
{
    return (i % 7 == 0 ? "top " : "bottom ") + rel(d, i);
}

unsigned long daemonFdLimit(long long pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
    for (std::string line; std::getline(in, line);)
        if (line.starts_with("Max open files"))
            return std::stoul(line.substr(26));
    return 0;
}

int countEntries(const std::string &dir)
{
    int n = 0;
    if (DIR *d = ::opendir(dir.c_str())) {
        while (dirent *e = ::readdir(d))
            n += e->d_name[0] != '.';
        ::closedir(d);
    }
    return n;
}

} // namespace

class TestEngineFdLimit : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void manyMoreFilesThanFds()
    {
        UnionFixture u;
        for (int d = 0; d < kDirs; ++d)
            for (int i = 0; i < kPerDir; ++i) {
                writeFile(u.lower(1) + "/" + rel(d, i), "bottom " + rel(d, i));
                if (i % 7 == 0)
                    writeFile(u.lower(0) + "/" + rel(d, i), "top " + rel(d, i));
            }
        u.limitDaemonFds(kLimit);
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        const unsigned long limit = daemonFdLimit(u.daemonPid());
        if (limit == 0 || limit > kLimit)
            QSKIP("the daemon's fd limit could not be lowered here");

        bool changed = false; // after the renames and appends below
        auto checkAll = [&](const char *pass) {
            for (int d = 0; d < kDirs; ++d)
                for (int i = 0; i < kPerDir; ++i) {
                    if (changed && ((d == 0 && i == 1) || (d == 1 && i == 7)))
                        continue; // renamed
                    const std::string p = u.path(rel(d, i));
                    struct stat st {}, real {};
                    const std::string lower = (i % 7 == 0 ? u.lower(0) : u.lower(1)) + "/" + rel(d, i);
                    QVERIFY2(::lstat(p.c_str(), &st) == 0, (std::string(pass) + ": stat " + p).c_str());
                    QCOMPARE(::lstat(lower.c_str(), &real), 0);
                    QCOMPARE(st.st_ino, real.st_ino);
                    const bool appended = changed && d >= 3 && i == 5;
                    QCOMPARE(readFile(p), expected(d, i) + (appended ? "+" : ""));
                }
        };
        // First pass: every lookup is new; second: the kernel has them all cached and
        // opens reach inodes whose fds were closed.
        checkAll("first pass");
        checkAll("second pass");
        for (int d = 0; d < kDirs; ++d)
            QCOMPARE(countEntries(u.path("d" + std::to_string(d))), kPerDir);

        // Changes through inodes idle for a while: rename (in and across dirs),
        // copy-up by append, chmod, a user xattr; then all of them read again.
        QCOMPARE(::rename(u.path(rel(0, 1)).c_str(), u.path("d0/renamed").c_str()), 0);
        QCOMPARE(::rename(u.path(rel(1, 7)).c_str(), u.path("d2/moved").c_str()), 0);
        for (int d = 3; d < kDirs; ++d) {
            std::ofstream(u.path(rel(d, 5)), std::ios::app) << "+";
            QVERIFY2(::chmod(u.path(rel(d, 6)).c_str(), 0600) == 0, std::strerror(errno));
            QVERIFY2(::setxattr(u.path(rel(d, 8)).c_str(), "user.k", "v", 1, 0) == 0, std::strerror(errno));
        }
        changed = true;
        checkAll("names"); // walks everything once more, evicting the changed ones too
        QCOMPARE(readFile(u.path("d0/renamed")), expected(0, 1));
        QCOMPARE(readFile(u.path("d2/moved")), expected(1, 7));
        struct stat st {};
        QCOMPARE(::lstat(u.path(rel(0, 1)).c_str(), &st), -1);
        for (int d = 3; d < kDirs; ++d) {
            QCOMPARE(readFile(u.path(rel(d, 5))), expected(d, 5) + "+");
            QCOMPARE(readFile(u.upper() + "/" + rel(d, 5)), expected(d, 5) + "+");
            QCOMPARE(::lstat(u.path(rel(d, 6)).c_str(), &st), 0);
            QCOMPARE(st.st_mode & 07777, 0600u);
            char v[8] = {};
            QCOMPARE(::getxattr(u.path(rel(d, 8)).c_str(), "user.k", v, sizeof(v)), ssize_t(1));
        }
        QCOMPARE(countEntries(u.path("d2")), kPerDir + 1);
        QVERIFY2(u.unmount(), u.daemonLog().c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineFdLimit, strata::test::requireFuse)

#include "test_engine_fdlimit.moc"
