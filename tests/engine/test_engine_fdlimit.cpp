// SPDX-License-Identifier: GPL-2.0-or-later
// strata-fuse with far fewer fds than the files the kernel caches: the daemon
// runs with RLIMIT_NOFILE 256 and cannot raise it, and 2,400 files are looked up,
// stat'ed, read, renamed, copied up and listed. Idle files' O_PATH fds are closed
// and reopened by name (core/engine/fdbudget.cpp); without that the lookups past
// the limit fail with EMFILE. Then the same for directories: a four-layer tree with
// ten times as many directories (merged over up to four layers) as the daemon's
// limit of 512 fds, walked, listed and changed, matches kernel overlayfs.
#include "testenv.h"
#include "testmain.h"
#include "treesnapshot.h"
#include "unionfixture.h"

#include <QTest>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

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

// The directory tree: 16 x 32 x 10 leaf directories (5,632 directories in all).
// Every leaf is in the bottom layer with a file `base`, and in one of the upper
// three with `f` and `g<layer>`; every fourth leaf also has a whiteout of `base`
// in the top layer. The 16 + 512 directories above them are merged over all four.
constexpr int kTops = 16, kMids = 32, kLeaves = 10;
constexpr unsigned kDirLimit = 512;

std::string leaf(int t, int s, int l)
{
    return "t" + std::to_string(t) + "/s" + std::to_string(s) + "/l" + std::to_string(l);
}

int leafIndex(int t, int s, int l)
{
    return (t * kMids + s) * kLeaves + l;
}

void buildDirTree(const UnionFixture &u)
{
    for (int t = 0; t < kTops; ++t)
        for (int s = 0; s < kMids; ++s)
            for (int l = 0; l < kLeaves; ++l) {
                const std::string d = leaf(t, s, l);
                const int k = leafIndex(t, s, l) % 3;
                writeFile(u.lower(3) + "/" + d + "/base", "base " + d);
                writeFile(u.lower(k) + "/" + d + "/f", "f" + std::to_string(k) + " " + d);
                writeFile(u.lower(k) + "/" + d + "/g" + std::to_string(k), d);
                if (leafIndex(t, s, l) % 4 == 0) {
                    std::filesystem::create_directories(u.lower(0) + "/" + d);
                    ::mknod((u.lower(0) + "/" + d + "/base").c_str(), S_IFCHR | 0600, makedev(0, 0));
                }
            }
}

// 0, or -1 with errno.
int writeTo(const std::string &path, int flags, const std::string &text)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | flags, 0644);
    if (fd < 0)
        return -1;
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const int err = errno;
    ::close(fd);
    errno = err;
    return ok ? 0 : -1;
}

// The same changes on either union; what each returned, one line per change.
std::string changeDirTree(const std::string &root)
{
    std::string log;
    auto note = [&](const std::string &what, int rc) {
        log += what + (rc == 0 ? " ok\n" : std::string(" ") + std::strerror(errno) + "\n");
    };
    for (int t = 0; t < kTops; ++t)
        for (int s = 0; s < kMids; ++s)
            for (int l = 0; l < kLeaves; ++l) {
                const int n = leafIndex(t, s, l);
                const std::string rel = leaf(t, s, l);
                const std::string d = root + "/" + rel;
                if (n % 16 == 1) // create
                    note("create " + rel, writeTo(d + "/new", O_CREAT | O_EXCL, "new " + rel));
                if (n % 32 == 3)
                    note("mkdir " + rel, ::mkdir((d + "/nd").c_str(), 0755));
                if (n % 8 == 2) // copy-up by append
                    note("append " + rel, writeTo(d + "/base", O_APPEND, "+"));
                if (n % 40 == 5) // a directory's copy-up
                    note("chmod " + rel, ::chmod(d.c_str(), 0700));
                if (n % 24 == 7) // a whiteout
                    note("unlink " + rel, ::unlink((d + "/f").c_str()));
                if (n % 64 == 9) // a file into another directory
                    note("rename file " + rel,
                         ::rename((d + "/f").c_str(),
                                  (root + "/t" + std::to_string(t) + "/moved" + std::to_string(n)).c_str()));
            }
    // Directories renamed: in their parent (relative redirect) and into another
    // top directory (absolute).
    for (int t = 0; t < kTops; ++t)
        for (int s = 0; s < kMids; s += 5) {
            const std::string d = root + "/" + leaf(t, s, 4);
            note("rename dir " + leaf(t, s, 4), ::rename(d.c_str(), (root + "/" + leaf(t, s, 40)).c_str()));
            const std::string e = root + "/" + leaf(t, s, 6);
            const std::string to = root + "/t" + std::to_string((t + 1) % kTops) + "/x" + std::to_string(s);
            note("move dir " + leaf(t, s, 6), ::rename(e.c_str(), to.c_str()));
        }
    return log;
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

    // Directories are under the budget too (fdbudget.cpp): a walk, listings,
    // creates, renames and copy-ups in a tree of 5,632 directories, most of them
    // merged, through a daemon limited to 512 fds, against kernel overlayfs doing
    // the same. 512 rather than 1,024: libfuse needs a handful (/dev/fuse and a
    // clone per worker thread), the engine keeps a quarter of the limit or 256,
    // whichever is more, for them and for open files, so 256 are left for the
    // inodes, far fewer than the directories' 14,000 layer fds.
    void manyMoreDirsThanFds()
    {
        if (auto why = requireFuseAndKernel(); !why.empty())
            QSKIP(why.c_str());
        UnionFixture k(4, true), u(4, true);
        buildDirTree(k);
        buildDirTree(u);

        QVERIFY(k.mountKernel());
        const Snapshot kernelBefore = snapshot(k.mnt());
        const std::string kernelLog = changeDirTree(k.mnt());
        const Snapshot kernelAfter = snapshot(k.mnt());
        QVERIFY(k.unmount());
        Snapshot kernelUpper = snapshot(k.upper());
        size_t dirs = 0;
        for (const auto &[path, e] : kernelBefore)
            dirs += e.type == 'd';
        QVERIFY(dirs >= size_t(kTops + kTops * kMids + kTops * kMids * kLeaves)); // the tree is as large as meant

        u.limitDaemonFds(kDirLimit);
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        const unsigned long limit = daemonFdLimit(u.daemonPid());
        if (limit == 0 || limit > kDirLimit)
            QSKIP("the daemon's fd limit could not be lowered here");
        const Snapshot fuseBefore = snapshot(u.mnt());
        QVERIFY2(diff(kernelBefore, fuseBefore, "kernel", "strata-fuse").empty(),
                 diff(kernelBefore, fuseBefore, "kernel", "strata-fuse").c_str());
        const std::string fuseLog = changeDirTree(u.mnt());
        QCOMPARE(fuseLog, kernelLog);
        const Snapshot fuseAfter = snapshot(u.mnt());
        QVERIFY2(diff(kernelAfter, fuseAfter, "kernel", "strata-fuse").empty(),
                 diff(kernelAfter, fuseAfter, "kernel", "strata-fuse").c_str());
        // Once more, now that the kernel has everything cached and the daemon has
        // evicted nearly all of it: opens and listings reopen whole chains.
        const Snapshot fuseAgain = snapshot(u.mnt());
        QVERIFY2(diff(kernelAfter, fuseAgain, "kernel", "strata-fuse (cached)").empty(),
                 diff(kernelAfter, fuseAgain, "kernel", "strata-fuse (cached)").c_str());
        QVERIFY2(u.unmount(), u.daemonLog().c_str());
        QVERIFY2(u.daemonLog().find("Too many open files") == std::string::npos, u.daemonLog().c_str());
        Snapshot fuseUpper = snapshot(u.upper());
        // The kernel links all its whiteouts to one shared inode (dir.c ovl_whiteout,
        // since 5.8); the engine makes one per name. Their link counts aside, the
        // uppers must be the same.
        for (Snapshot *up : {&kernelUpper, &fuseUpper})
            for (auto &[path, e] : *up)
                if (e.type == 'c' && e.size == 0)
                    e.nlink = 0;
        QVERIFY2(diff(kernelUpper, fuseUpper, "kernel's upper", "strata-fuse's upper").empty(),
                 diff(kernelUpper, fuseUpper, "kernel's upper", "strata-fuse's upper").c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineFdLimit, strata::test::requireFuse)

#include "test_engine_fdlimit.moc"
