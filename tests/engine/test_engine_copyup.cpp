// SPDX-License-Identifier: GPL-2.0-or-later
// A copy-up's data is copied without the mount-wide tree lock. Deterministic: the
// big file's lower layer is itself a (read-only, passthrough=off) strata-fuse mount
// whose daemon is stopped with SIGSTOP, so the copy-up of that file cannot finish;
// the test waits until the stopped daemon has a request queued (fusectl's
// connections/N/waiting), then creates, writes, reads and stats other files through
// the union, which must all complete while the copy-up is held. Then two opens for
// writing of one lower file, both started while the lower is stopped: one copy-up,
// both writes in the one upper file.
#include "testenv.h"
#include "testmain.h"
#include "unionfixture.h"

#include <QTest>
#include <QThread>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <future>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {

// Appends `text` through the union (opening for writing copies up).
bool append(const std::string &path, const std::string &text)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    return ::close(fd) == 0 && ok;
}

} // namespace

class TestEngineCopyUp : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void otherRequestsGoOnDuringACopyUp()
    {
        UnionFixture inner(1);
        const std::string big(4 << 20, 'L');
        writeFile(inner.lower(0) + "/big.bin", big);
        writeFile(inner.lower(0) + "/twice.bin", big);
        QVERIFY2(inner.mountFuse({"passthrough=off"}, true), inner.daemonLog().c_str());

        UnionFixture u(2);
        const std::string conn = stackOnFuse(u, inner);
        if (conn.empty())
            QSKIP("cannot mount fusectl (to watch the lower daemon's queue) or bind the lower");
        writeFile(u.lower(1) + "/sub/other.txt", "other");
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        struct stat st {};
        QCOMPARE(::stat(u.path("big.bin").c_str(), &st), 0);
        QCOMPARE(::stat(u.path("twice.bin").c_str(), &st), 0);
        QCOMPARE(readFile(u.path("sub/other.txt")), std::string("other"));
        QCOMPARE(waitingRequests(conn), 0);

        const pid_t lowerDaemon = static_cast<pid_t>(inner.daemonPid());
        QVERIFY(stopDaemon(lowerDaemon));
        auto copying = std::async(std::launch::async, [&] { return append(u.path("big.bin"), "+"); });
        // Until the copy-up waits on the stopped lower.
        if (!waitForHeldRequest(conn)) {
            ::kill(lowerDaemon, SIGCONT);
            QFAIL("the copy-up never waited on the stopped lower");
        }
        // Meanwhile: a create, a write, a read, a stat and a mkdir.
        const std::string err = runWhileHeld(
            copying, lowerDaemon,
            [&]() -> std::string {
                writeFile(u.path("sub/new.txt"), "new");
                if (!append(u.path("sub/other.txt"), "+"))
                    return "append to sub/other.txt failed";
                if (readFile(u.path("sub/new.txt")) != "new" || readFile(u.path("sub/other.txt")) != "other+")
                    return "wrong contents";
                struct stat dst {};
                if (::mkdir(u.path("sub/d").c_str(), 0755) != 0 || ::stat(u.path("sub/d").c_str(), &dst) != 0)
                    return "mkdir sub/d failed";
                return {};
            },
            60);
        QVERIFY2(err.empty(), err.c_str());
        QVERIFY(copying.get());
        QCOMPARE(readFile(u.path("big.bin")), big + "+");
        QCOMPARE(readFile(u.upper() + "/big.bin"), big + "+");

        // Two writers of one lower file, both waiting on the stopped lower.
        QVERIFY(stopDaemon(lowerDaemon));
        auto first = std::async(std::launch::async, [&] { return append(u.path("twice.bin"), "1"); });
        auto second = std::async(std::launch::async, [&] { return append(u.path("twice.bin"), "2"); });
        const bool waited = waitForHeldRequest(conn);
        if (!waited)
            ::kill(lowerDaemon, SIGCONT);
        QVERIFY2(waited, "the copy-ups never waited on the stopped lower");
        QCOMPARE(::kill(lowerDaemon, SIGCONT), 0);
        QVERIFY(first.get());
        QVERIFY(second.get());
        const std::string both = readFile(u.path("twice.bin"));
        QVERIFY2(both == big + "12" || both == big + "21", std::to_string(both.size()).c_str());
        QCOMPARE(readFile(u.upper() + "/twice.bin"), both);
        QVERIFY(std::filesystem::is_empty(u.work() + "/work"));

        QVERIFY2(u.unmount(), u.daemonLog().c_str());
        unstackFromFuse(u);
        QVERIFY2(inner.unmount(), inner.daemonLog().c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineCopyUp, strata::test::requireFuse)

#include "test_engine_copyup.moc"
