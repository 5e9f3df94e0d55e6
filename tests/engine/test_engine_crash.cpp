// SPDX-License-Identifier: GPL-2.0-or-later
// strata-fuse when things go wrong: the daemon SIGKILLed in the middle of a copy-up
// and of a stream of writes, and an upper that runs out of space.
#include "testenv.h"
#include "testmain.h"
#include "unionfixture.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QTest>
#include <csignal>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {

std::string digestOf(const std::string &path)
{
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly))
        return "unreadable";
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result().toHex().toStdString();
}

size_t entriesIn(const std::string &dir)
{
    size_t n = 0;
    if (DIR *d = ::opendir(dir.c_str())) {
        while (dirent *e = ::readdir(d))
            n += e->d_name[0] != '.';
        ::closedir(d);
    }
    return n;
}

// Whether process `pid` holds a file open in `dir`: a copy-up being staged there,
// named ("#<n>") or unnamed (O_TMPFILE: "/#<inode> (deleted)" in /proc).
bool holdsFileIn(long pid, const std::string &dir)
{
    const std::string fds = "/proc/" + std::to_string(pid) + "/fd";
    bool found = false;
    if (DIR *d = ::opendir(fds.c_str())) {
        while (dirent *e = ::readdir(d)) {
            char target[4096];
            const ssize_t n = ::readlinkat(::dirfd(d), e->d_name, target, sizeof(target) - 1);
            if (n > 0 && std::string_view(target, static_cast<size_t>(n)).starts_with(dir + "/#"))
                found = true;
        }
        ::closedir(d);
    }
    return found;
}

// Runs `body` in a child process (its syscalls may hang on the mount until the
// daemon dies); returns the child's pid.
template<typename F>
pid_t inChild(F body)
{
    const pid_t pid = ::fork();
    if (pid == 0) {
        body();
        ::_exit(0);
    }
    return pid;
}

void killDaemon(UnionFixture &u)
{
    ::kill(static_cast<pid_t>(u.daemonPid()), SIGKILL);
    u.unmount(); // reaps the daemon and detaches the dead mount
}

std::string chunk(size_t i)
{
    return std::string(4096, static_cast<char>('a' + i % 26));
}

} // namespace

class TestEngineCrash : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void killDuringCopyUp()
    {
        UnionFixture u;
        writeFile(u.lower(1) + "/big.bin", std::string(96 << 20, 'L'));
        const std::string lowerDigest = digestOf(u.lower(1) + "/big.bin");
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        const pid_t child = inChild([&] { ::open(u.path("big.bin").c_str(), O_WRONLY | O_CLOEXEC); });
        // The copy-up is staged in work/ (unnamed where the upper takes O_TMPFILE):
        // kill as soon as the daemon has it open.
        QDeadlineTimer deadline(20000);
        while (!holdsFileIn(u.daemonPid(), u.work() + "/work") && !deadline.hasExpired())
            ::usleep(200);
        QVERIFY(!deadline.hasExpired());
        killDaemon(u);
        ::waitpid(child, nullptr, 0);
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        QCOMPARE(digestOf(u.path("big.bin")), lowerDigest); // never a partial file
        struct stat st {};
        QVERIFY(::lstat((u.upper() + "/big.bin").c_str(), &st) != 0 || st.st_size == (96 << 20));
        QCOMPARE(entriesIn(u.work() + "/work"), size_t(0)); // staging emptied at mount
        QVERIFY(u.unmount());
    }

    void killDuringWrites()
    {
        UnionFixture u;
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        int report[2];
        QCOMPARE(::pipe(report), 0);
        const pid_t child = inChild([&] {
            const int fd = ::open(u.path("log").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
            for (size_t i = 0; fd >= 0; ++i) {
                const std::string c = chunk(i);
                if (::write(fd, c.data(), c.size()) != static_cast<ssize_t>(c.size()))
                    break;
                if (i % 16 == 15) {
                    if (::fsync(fd) != 0)
                        break;
                    const uint64_t synced = (i + 1) * 4096;
                    if (::write(report[1], &synced, sizeof(synced)) != sizeof(synced))
                        break;
                }
            }
        });
        ::close(report[1]);
        uint64_t synced = 0, v = 0;
        while (synced < (4u << 20) && ::read(report[0], &v, sizeof(v)) == sizeof(v))
            synced = v;
        killDaemon(u);
        while (::read(report[0], &v, sizeof(v)) == sizeof(v))
            synced = v;
        ::close(report[0]);
        ::waitpid(child, nullptr, 0);
        QVERIFY(synced >= (4u << 20));
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        const std::string data = readFile(u.path("log"));
        QVERIFY(data.size() >= synced);
        for (size_t i = 0; i < synced / 4096; ++i)
            QVERIFY(data.compare(i * 4096, 4096, chunk(i)) == 0);
        QVERIFY(u.unmount());
    }

    void fullUpper()
    {
        UnionFixture u(2, true, "12m");
        writeFile(u.lower(1) + "/big.bin", std::string(5 << 20, 'L'));
        const std::string lowerDigest = digestOf(u.lower(1) + "/big.bin");
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        writeFile(u.path("filler"), std::string(4 << 20, 'F'));
        // Copy-up does not fit: ENOSPC, the lower file intact, nothing staged left.
        QCOMPARE(::open(u.path("big.bin").c_str(), O_WRONLY | O_CLOEXEC), -1);
        QCOMPARE(errno, ENOSPC);
        QCOMPARE(digestOf(u.path("big.bin")), lowerDigest);
        QCOMPARE(entriesIn(u.work() + "/work"), size_t(0));
        // Writes until the disk is full: ENOSPC, and what was written stays.
        const int fd = ::open(u.path("stream").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        QVERIFY(fd >= 0);
        size_t written = 0;
        int err = 0;
        for (size_t i = 0; i < 4096; ++i) {
            const std::string c = chunk(i);
            const ssize_t n = ::write(fd, c.data(), c.size());
            if (n < 0) {
                err = errno;
                break;
            }
            written += static_cast<size_t>(n);
            if (n < static_cast<ssize_t>(c.size()))
                continue;
        }
        ::close(fd);
        QCOMPARE(err, ENOSPC);
        const std::string data = readFile(u.path("stream"));
        QCOMPARE(data.size(), written);
        for (size_t i = 0; i < written / 4096; ++i)
            QVERIFY(data.compare(i * 4096, 4096, chunk(i)) == 0);
        // Space freed: everything works again, the copy-up included.
        QCOMPARE(::unlink(u.path("stream").c_str()), 0);
        QCOMPARE(::unlink(u.path("filler").c_str()), 0);
        // FUSE sends RELEASE after close() returns, so the daemon may hold the
        // removed files open (and their blocks allocated) a moment longer.
        int big = -1;
        QDeadlineTimer freed(10000);
        while ((big = ::open(u.path("big.bin").c_str(), O_WRONLY | O_CLOEXEC)) < 0 && errno == ENOSPC
               && !freed.hasExpired())
            ::usleep(10000);
        QVERIFY(big >= 0);
        QCOMPARE(::pwrite(big, "X", 1, 0), ssize_t(1));
        ::close(big);
        QCOMPARE(readFile(u.path("big.bin")).substr(0, 2), std::string("XL"));
        QVERIFY(u.unmount());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineCrash, requireFuse)
#include "test_engine_crash.moc"
