// SPDX-License-Identifier: GPL-2.0-or-later
// Bad input gets one clear error naming the thing and the reason.
#include "stack/dirreader.h"
#include "stack/layerstack.h"
#include "stack/mergedtree.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace strata;
using namespace strata::stack;

class TestLayerStackErrors : public QObject {
    Q_OBJECT
    strata::test::TempDir m_tmp;

    static bool contains(const Error &e, const std::string &s) { return e.message().find(s) != std::string::npos; }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(::mkdir((m_tmp / "a").c_str(), 0755) == 0);
        QVERIFY(::mkdir((m_tmp / "b").c_str(), 0755) == 0);
        std::ofstream(m_tmp / "file") << "x";
        std::ofstream(m_tmp / "a/f") << "x";
    }
    // A directory fd already read to its end (as a poll source's snapshot leaves
    // the one core/watch reads next) still lists every entry.
    void readLayerDirFromTheStart()
    {
        const UniqueFd root(::open(m_tmp.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        QVERIFY(root.valid());
        auto fd = openLayerDir(root.get(), "a", true);
        QVERIFY2(fd, fd ? "" : fd.error().message().c_str());
        auto first = readLayerDirNames(fd->get(), "a");
        QVERIFY(first);
        QCOMPARE(first->size(), size_t(1));
        auto again = readLayerDir(fd->get(), "a");
        QVERIFY2(again, again ? "" : again.error().message().c_str());
        QCOMPARE(again->size(), size_t(1));
        QCOMPARE(again->front().name, std::string("f"));
    }
    void missingLayer()
    {
        StackSpec s;
        s.lower = {m_tmp / "a", m_tmp / "nope"};
        auto r = LayerStack::fromSpec(s);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ENOENT);
        QVERIFY2(contains(r.error(), m_tmp / "nope") && contains(r.error(), "lower layer 2 does not exist"),
                 r.error().message().c_str());
    }
    void fileAsLayer()
    {
        StackSpec s;
        s.lower = {m_tmp / "file"};
        auto r = LayerStack::fromSpec(s);
        QVERIFY(!r);
        QVERIFY2(contains(r.error(), "is not a directory"), r.error().message().c_str());
    }
    void workWithoutUpper()
    {
        StackSpec s;
        s.lower = {m_tmp / "a"};
        s.work = m_tmp / "b";
        auto r = LayerStack::fromSpec(s);
        QVERIFY(!r);
        QVERIFY2(contains(r.error(), "without an upper"), r.error().message().c_str());
    }
    void noLayers()
    {
        auto r = LayerStack::fromSpec(StackSpec {});
        QVERIFY(!r);
        QVERIFY(contains(r.error(), "no layers"));
    }
    void unreadableLayer()
    {
        // A layer the caller cannot list: as root, test it as an unprivileged uid.
        const std::string dir = m_tmp / "secret";
        QVERIFY(::chmod(m_tmp.path().c_str(), 0755) == 0); // mkdtemp made it 0700
        QVERIFY(::mkdir(dir.c_str(), 0700) == 0);
        if (::geteuid() != 0)
            QVERIFY(::chmod(dir.c_str(), 0) == 0);
        const pid_t pid = ::fork();
        if (pid == 0) {
            if (::geteuid() == 0 && (::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0))
                ::_exit(3);
            StackSpec s;
            s.lower = {dir};
            auto r = LayerStack::fromSpec(s);
            ::_exit(!r && r.error().code == EACCES && contains(r.error(), "not readable") ? 0 : 1);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        ::chmod(dir.c_str(), 0700);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
    }
    void notAMount()
    {
        auto r = LayerStack::open(m_tmp / "a");
        QVERIFY(!r);
        QVERIFY2(contains(r.error(), "not a mount point"), r.error().message().c_str());
        auto m = LayerStack::fromMount("/proc");
        QVERIFY(!m);
        QVERIFY2(contains(m.error(), "not an overlay mount"), m.error().message().c_str());
    }
    void notJson()
    {
        auto r = LayerStack::open(m_tmp / "file");
        QVERIFY(!r);
        QVERIFY2(contains(r.error(), "malformed JSON"), r.error().message().c_str());
    }
    void badMergedPaths()
    {
        StackSpec s;
        s.lower = {m_tmp / "a"};
        auto st = LayerStack::fromSpec(s);
        QVERIFY(st.has_value());
        MergedTree t(*st);
        QCOMPARE(t.list("missing").error().code, ENOENT);
        QCOMPARE(t.list("f").error().code, ENOTDIR);
        QCOMPARE(t.list("../etc").error().code, EINVAL);
        QVERIFY(t.list("/").has_value());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestLayerStackErrors, strata::test::requireNothing)
#include "test_layerstack_errors.moc"
