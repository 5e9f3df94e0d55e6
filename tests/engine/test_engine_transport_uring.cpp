// SPDX-License-Identifier: GPL-2.0-or-later
// strata-fuse over io_uring for real (-o transport=uring): this test turns the
// fuse module's enable_uring on as root for its own mounts, says so on stderr,
// and restores the old value. Requests must really arrive through io_uring
// (-o stats counts them) and the union must work: creates, writes, reads,
// listings, renames, unlinks, a copy-up, xattrs, and with passthrough off the
// data itself (1 MiB writes and reads through the rings). A separate ctest from
// test_engine_transport so that where io_uring cannot run (a libfuse built
// without liburing, a kernel without the parameter, io_uring disabled, not
// root) ctest reports it as skipped, with the reason, never as passed.
#include "testenv.h"
#include "testmain.h"
#include "unionfixture.h"
#include "uringparam.h"

#include <QTest>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {

// Empty when this machine can run FUSE over io_uring for the test, else why not.
std::string requireUring()
{
    if (auto why = requireFuse(); !why.empty())
        return why;
    if (readEnableUring().empty())
        return std::string("this kernel's fuse module has no io_uring (no ") + kEnableUring + ")";
    if (readText("/proc/sys/kernel/io_uring_disabled").starts_with("2"))
        return "io_uring is disabled on this machine (kernel.io_uring_disabled=2)";
    if (::access(kEnableUring, W_OK) != 0)
        return std::string(kEnableUring) + " cannot be written here";
    // strata-fuse asks the library first: a libfuse without io_uring is named.
    std::string err;
    runFuse({"-f", "-o", "lowerdir=/,transport=uring", "/nonexistent/strata-uring-probe"}, &err);
    if (err.find("libfuse") != std::string::npos)
        return err.substr(0, err.find('\n'));
    return {};
}

// The names a listing of `dir` returns (without "." and "..").
int countEntries(const std::string &dir)
{
    std::filesystem::directory_iterator it(dir);
    return static_cast<int>(std::distance(std::filesystem::begin(it), std::filesystem::end(it)));
}

// "strata-fuse stats: total N M": N, every request counted.
long long totalRequests(const std::string &log)
{
    const std::string key = "strata-fuse stats: total ";
    const size_t at = log.rfind(key);
    return at == std::string::npos ? -1 : std::atoll(log.c_str() + at + key.size());
}

} // namespace

class TestEngineTransportUring : public QObject {
    Q_OBJECT

private:
    // Every request after INIT comes through the rings (FORGETs may still use
    // /dev/fuse): at least nine in ten.
    static void checkMostlyUring(const std::string &log)
    {
        QVERIFY2(log.find("transport io_uring (transport=uring") != std::string::npos, log.c_str());
        const long long total = totalRequests(log), uring = uringRequests(log);
        QVERIFY2(total > 0 && uring * 10 >= total * 9, log.c_str());
    }

private Q_SLOTS:
    void uringServesTheUnion()
    {
        EnableUringScope on("test_engine_transport_uring", "Y");
        QVERIFY2(on.ok(), "could not turn enable_uring on");
        UnionFixture u;
        writeFile(u.lower(1) + "/d/low", "low");
        writeFile(u.lower(0) + "/d/top", "top");
        QVERIFY2(u.mountFuse({"transport=uring", "stats"}), u.daemonLog().c_str());
        for (int k = 0; k < 50; ++k)
            writeFile(u.path("d/new" + std::to_string(k)), "new " + std::to_string(k));
        QVERIFY(::mkdir(u.path("d/sub").c_str(), 0755) == 0);
        QCOMPARE(countEntries(u.path("d")), 53);
        QCOMPARE(::rename(u.path("d/new0").c_str(), u.path("d/sub/moved").c_str()), 0);
        QCOMPARE(::unlink(u.path("d/new1").c_str()), 0);
        std::ofstream(u.path("d/low"), std::ios::app) << "+"; // copy-up
        QCOMPARE(readFile(u.path("d/low")), std::string("low+"));
        QCOMPARE(readFile(u.path("d/sub/moved")), std::string("new 0"));
        QCOMPARE(readFile(u.path("d/new7")), std::string("new 7"));
        QCOMPARE(countEntries(u.path("d")), 51);
        QCOMPARE(::setxattr(u.path("d/top").c_str(), "user.k", "v", 1, 0), 0);
        char v[8] = {};
        QCOMPARE(::getxattr(u.path("d/top").c_str(), "user.k", v, sizeof(v)), ssize_t(1));
        QCOMPARE(v[0], 'v');
        QVERIFY2(u.unmount(), u.daemonLog().c_str());
        QCOMPARE(readFile(u.upper() + "/d/low"), std::string("low+"));
        QCOMPARE(readFile(u.upper() + "/d/new7"), std::string("new 7"));
        checkMostlyUring(u.daemonLog());
    }

    // With passthrough off the data goes through the daemon, so 1 MiB WRITEs and
    // READs (max_write) travel in the rings' payload buffers.
    void uringCarriesData()
    {
        EnableUringScope on("test_engine_transport_uring", "Y");
        QVERIFY2(on.ok(), "could not turn enable_uring on");
        UnionFixture u;
        std::string big(4 << 20, '\0');
        for (size_t k = 0; k < big.size(); ++k)
            big[k] = static_cast<char>('a' + (k * 7919) % 26);
        writeFile(u.lower(0) + "/lowbig", big);
        QVERIFY2(u.mountFuse({"transport=uring", "passthrough=off", "stats"}), u.daemonLog().c_str());
        QVERIFY(readFile(u.path("lowbig")) == big);
        writeFile(u.path("newbig"), big);
        QVERIFY(readFile(u.path("newbig")) == big);
        QVERIFY2(u.unmount(), u.daemonLog().c_str());
        QVERIFY(readFile(u.upper() + "/newbig") == big);
        const std::string &log = u.daemonLog();
        QVERIFY2(log.find("strata-fuse stats: READ ") != std::string::npos, log.c_str());
        QVERIFY2(log.find("strata-fuse stats: WRITE ") != std::string::npos, log.c_str());
        checkMostlyUring(log);
    }

    // auto takes io_uring over local layers, and /dev/fuse, saying why, over a FUSE
    // lower: under io_uring a request waiting on a stalled lower would hold up every
    // later request from its CPU (libfuse serves each queue inline in one thread).
    // Then the check test_engine_copyup makes with the module parameter off: while
    // a copy-up waits on the stopped lower, a create elsewhere goes on.
    void autoKeepsDevFuseOverAFuseLower()
    {
        EnableUringScope on("test_engine_transport_uring", "Y");
        QVERIFY2(on.ok(), "could not turn enable_uring on");
        {
            UnionFixture local;
            QVERIFY2(local.mountFuse(), local.daemonLog().c_str());
            QVERIFY2(local.unmount(), local.daemonLog().c_str());
            QVERIFY2(local.daemonLog().find("transport io_uring (auto") != std::string::npos,
                     local.daemonLog().c_str());
        }
        UnionFixture inner(1);
        const std::string big(4 << 20, 'L');
        writeFile(inner.lower(0) + "/big.bin", big);
        QVERIFY2(inner.mountFuse({"passthrough=off", "transport=dev"}, true), inner.daemonLog().c_str());
        UnionFixture u(2);
        const std::string conn = stackOnFuse(u, inner);
        if (conn.empty())
            QSKIP("cannot mount fusectl (to watch the lower daemon's queue) or bind the lower");
        writeFile(u.lower(1) + "/sub/other.txt", "other");
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        struct stat st {};
        QCOMPARE(::stat(u.path("big.bin").c_str(), &st), 0);
        QCOMPARE(::stat(u.path("sub/other.txt").c_str(), &st), 0);
        const pid_t lowerDaemon = static_cast<pid_t>(inner.daemonPid());
        QVERIFY(stopDaemon(lowerDaemon));
        auto copying = std::async(std::launch::async, [&] {
            std::ofstream(u.path("big.bin"), std::ios::app) << "+";
            return true;
        });
        if (!waitForHeldRequest(conn)) {
            ::kill(lowerDaemon, SIGCONT);
            QFAIL("the copy-up never waited on the stopped lower");
        }
        const std::string err = runWhileHeld(
            copying, lowerDaemon,
            [&]() -> std::string {
                writeFile(u.path("sub/new.txt"), "new");
                return readFile(u.path("sub/new.txt")) == "new" ? std::string() : "wrong contents";
            },
            30);
        QVERIFY2(err.empty(), err.c_str());
        QVERIFY(copying.get());
        QVERIFY2(u.unmount(), u.daemonLog().c_str());
        unstackFromFuse(u);
        QVERIFY2(inner.unmount(), inner.daemonLog().c_str());
        const std::string &log = u.daemonLog();
        QVERIFY2(log.find("transport /dev/fuse (auto: lower layer ") != std::string::npos, log.c_str());
        QVERIFY2(log.find("is on FUSE") != std::string::npos, log.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineTransportUring, requireUring)

#include "test_engine_transport_uring.moc"
