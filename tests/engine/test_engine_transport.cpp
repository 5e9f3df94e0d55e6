// SPDX-License-Identifier: GPL-2.0-or-later
// strata-fuse's transports (core/engine/transport.cpp): transport=dev says so and
// serves with nothing through io_uring; a bad transport is named; transport=uring
// where it cannot work (the fuse module's enable_uring off: as root this test
// turns it off for the check if it was on, says so, and restores it) is refused
// before mounting, naming the reason. io_uring serving the union is
// test_engine_transport_uring, a separate ctest so that a machine without it
// reports that test as skipped.
#include "testenv.h"
#include "testmain.h"
#include "unionfixture.h"
#include "uringparam.h"

#include <QTest>

using namespace strata;
using namespace strata::test;

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

        // Refused whichever is missing: a libfuse with io_uring (named first) or
        // the kernel's (the parameter, off for this check).
        EnableUringScope off("test_engine_transport", "N");
        QVERIFY2(off.ok() || readEnableUring() != "Y", "enable_uring is on and only root can turn it off");
        std::string err;
        const int rc = runFuse({"-f", "-o", "lowerdir=" + u.lowerdirOption() + ",transport=uring", u.mnt()}, &err);
        QVERIFY2(rc != 0, err.c_str());
        QVERIFY2(!isMountPoint(u.mnt()), err.c_str());
        const bool named = err.find("transport=uring") != std::string::npos
            && (err.find("enable_uring") != std::string::npos || err.find("libfuse") != std::string::npos);
        QVERIFY2(named, err.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineTransport, strata::test::requireFuse)

#include "test_engine_transport.moc"
