// SPDX-License-Identifier: GPL-2.0-or-later
// Unit: the paths-only walk (stack/pathwalk.h) lists exactly the merged tree's paths
// on the demo stack (0/0 whiteouts, an xattr whiteout in an opaque=x dir, an opaque
// dir, a redirected dir, a metacopy file), with and without whiteouts; its order,
// stop, cancel and a root below the merged root.
#include "pathwalkcheck.h"
#include "stack/demostack.h"
#include "stack/layerstack.h"
#include "stack/pathwalk.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>

using namespace strata;
using namespace strata::stack;

class TestPathWalk : public QObject {
    Q_OBJECT
    test::TempDir m_tmp {"strata-pathwalk"};
    std::shared_ptr<const LayerStack> m_stack;

private Q_SLOTS:
    void initTestCase()
    {
        auto spec = createDemoStack(m_tmp.path());
        QVERIFY2(spec, spec ? "" : spec.error().message().c_str());
        auto stack = LayerStack::fromSpec(*spec);
        QVERIFY2(stack, stack ? "" : stack.error().message().c_str());
        m_stack = *stack;
    }

    void samePathsAsTheFullWalk_data()
    {
        QTest::addColumn<bool>("whiteouts");
        QTest::newRow("visible") << false;
        QTest::newRow("with whiteouts") << true;
    }
    void samePathsAsTheFullWalk()
    {
        QFETCH(bool, whiteouts);
        const auto c = test::comparePathWalk(*m_stack, whiteouts);
        QVERIFY2(c.error.empty(), c.error.c_str());
        for (const auto &d : c.diffs)
            qWarning("%s", d.c_str());
        QVERIFY(c.paths > 15);
        QVERIFY(c.diffs.empty());
    }

    void orderStopCancelAndRoot()
    {
        const MergedTree tree(m_stack);
        std::vector<std::string> seen;
        auto r = walkMergedPaths(tree, "", {}, [&](std::string_view p, PathKind) {
            seen.emplace_back(p);
            return true;
        });
        QVERIFY(r && !r->stopped && !r->cancelled);
        // A directory's names in bytewise order, before anything below them.
        std::vector<std::string> top;
        for (const auto &p : seen)
            if (p.find('/') == std::string::npos)
                top.push_back(p);
        QVERIFY(std::is_sorted(top.begin(), top.end()));
        QCOMPARE(std::vector<std::string>(seen.begin(), seen.begin() + static_cast<std::ptrdiff_t>(top.size())), top);

        int visited = 0;
        auto stopped = walkMergedPaths(tree, "", {}, [&](std::string_view, PathKind) { return ++visited < 3; });
        QVERIFY(stopped && stopped->stopped && stopped->entries == 3);

        std::atomic<bool> cancel {true};
        PathWalkOptions cancelled;
        cancelled.cancel = &cancel;
        auto c = walkMergedPaths(tree, "", cancelled, [](std::string_view, PathKind) { return true; });
        QVERIFY(c && c->cancelled && c->entries == 0);

        std::vector<std::string> below;
        auto etc = walkMergedPaths(tree, "etc", {}, [&](std::string_view p, PathKind) {
            below.emplace_back(p);
            return true;
        });
        QVERIFY(etc && !below.empty());
        for (const auto &p : below)
            QVERIFY2(p.starts_with("etc/"), p.c_str());
        QVERIFY(!walkMergedPaths(tree, "no/such/dir", {}, [](std::string_view, PathKind) { return true; }));
    }
};

STRATA_TEST_MAIN_REQUIRES(TestPathWalk, strata::test::requireNothing)
#include "test_pathwalk.moc"
