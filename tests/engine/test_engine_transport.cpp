// SPDX-License-Identifier: GPL-2.0-or-later
// strata-fuse's transports (core/engine/transport.cpp): transport=dev says so and
// serves; transport=uring where the kernel has it off is refused before mounting,
// naming the module parameter; and with io_uring on (this test turns the fuse
// module's enable_uring on as root for its own mount, says so, and restores it)
// requests really arrive through io_uring (-o stats counts them) and the union
// works: creates, writes, reads, listings, renames, unlinks and a copy-up.
#include "testenv.h"
#include "testmain.h"
#include "unionfixture.h"

#include <QTest>
#include <cstdio>
#include <dirent.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {

constexpr const char *kParam = "/sys/module/fuse/parameters/enable_uring";

std::string readParam()
{
    std::string w;
    std::ifstream(kParam) >> w;
    return w;
}

bool writeParam(const std::string &v)
{
    std::ofstream out(kParam);
    out << v;
    out.flush();
    return out.good() && readParam() == v;
}

// Turns enable_uring on for the scope, printing that it did, and puts back what
// was there.
class UringOn {
public:
    UringOn()
    {
        m_was = readParam();
        if (m_was == "Y") {
            m_ok = true;
            return;
        }
        m_ok = !m_was.empty() && writeParam("Y");
        if (m_ok)
            std::fprintf(stderr, "test_engine_transport: turned on %s (was %s) for this test; restoring it after\n",
                         kParam, m_was.c_str());
    }
    ~UringOn()
    {
        if (m_ok && m_was != "Y") {
            const bool back = writeParam(m_was);
            std::fprintf(stderr, "test_engine_transport: %s set back to %s%s\n", kParam, m_was.c_str(),
                         back ? "" : " FAILED");
        }
    }
    bool ok() const { return m_ok; }
    const std::string &was() const { return m_was; }

private:
    std::string m_was;
    bool m_ok = false;
};

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

// "strata-fuse stats: total N M": M requests came through io_uring.
long long uringRequests(const std::string &log)
{
    const std::string key = "strata-fuse stats: total ";
    const size_t at = log.rfind(key);
    if (at == std::string::npos)
        return -1;
    long long total = 0, uring = 0;
    if (std::sscanf(log.c_str() + at + key.size(), "%lld %lld", &total, &uring) != 2)
        return -1;
    return uring;
}

} // namespace

class TestEngineTransport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void devAndRefusal()
    {
        UnionFixture u;
        writeFile(u.lower(0) + "/a", "a");
        QVERIFY2(u.mountFuse({"transport=dev", "stats"}), u.daemonLog().c_str());
        QCOMPARE(readFile(u.path("a")), std::string("a"));
        QVERIFY2(u.unmount(), u.daemonLog().c_str());
        const std::string &log = u.daemonLog();
        QVERIFY2(log.find("transport /dev/fuse (transport=dev)") != std::string::npos, log.c_str());
        // -o stats at exit: the lookup and open of "a" were counted, none through io_uring.
        QVERIFY2(log.find("strata-fuse stats: LOOKUP ") != std::string::npos, log.c_str());
        QVERIFY2(log.find("strata-fuse stats: OPEN ") != std::string::npos, log.c_str());
        QCOMPARE(uringRequests(log), 0LL);

        std::string bad;
        QCOMPARE(runFuse({"-f", "-o", "lowerdir=" + u.lowerdirOption() + ",transport=fast", u.mnt()}, &bad), 2);
        QVERIFY2(bad.find("transport takes auto, uring or dev") != std::string::npos, bad.c_str());

        const std::string param = readParam();
        if (param == "Y")
            QSKIP("enable_uring is on here: the refusal cannot be seen");
        std::string err;
        const int rc = runFuse({"-f", "-o", "lowerdir=" + u.lowerdirOption() + ",transport=uring", u.mnt()}, &err);
        QVERIFY2(rc != 0, err.c_str());
        QVERIFY2(!isMountPoint(u.mnt()), err.c_str());
        const bool named = err.find("transport=uring") != std::string::npos
            && (err.find("enable_uring") != std::string::npos || err.find("libfuse") != std::string::npos);
        QVERIFY2(named, err.c_str());
    }

    void uringServesTheUnion()
    {
        if (::geteuid() != 0)
            QSKIP("turning on the fuse module's enable_uring needs root");
        UnionFixture u;
        writeFile(u.lower(1) + "/d/low", "low");
        writeFile(u.lower(0) + "/d/top", "top");
        // The library is asked first (strata-fuse checks it before the kernel), so a
        // libfuse without io_uring leaves the module parameter alone.
        std::string err;
        runFuse({"-f", "-o", "lowerdir=" + u.lowerdirOption() + ",transport=uring", u.mnt() + "/nonexistent"}, &err);
        if (err.find("libfuse") != std::string::npos)
            QSKIP(err.c_str());
        UringOn on;
        if (!on.ok())
            QSKIP(on.was().empty() ? "this kernel's fuse module has no io_uring (no enable_uring parameter)"
                                   : "enable_uring cannot be turned on here");
        if (!u.mountFuse({"transport=uring", "stats"})) {
            if (u.daemonLog().find("libfuse") != std::string::npos)
                QSKIP(u.daemonLog().c_str()); // built with a libfuse without io_uring
            QFAIL(u.daemonLog().c_str());
        }
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
        QVERIFY2(u.unmount(), u.daemonLog().c_str());
        QCOMPARE(readFile(u.upper() + "/d/low"), std::string("low+"));
        const std::string &log = u.daemonLog();
        QVERIFY2(log.find("transport io_uring (transport=uring") != std::string::npos, log.c_str());
        QVERIFY2(uringRequests(log) > 0, log.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineTransport, strata::test::requireFuse)

#include "test_engine_transport.moc"
