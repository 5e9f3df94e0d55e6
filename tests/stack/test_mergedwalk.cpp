// SPDX-License-Identifier: GPL-2.0-or-later
// Unit: the one merged-tree walk (stack/mergedwalk.h) over the demo stack: order
// (directories before their children, names bytewise), depth limit, stop, cancel,
// and a root that cannot be listed.
#include "stack/demostack.h"
#include "stack/layerstack.h"
#include "stack/mergedwalk.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>

using namespace strata;
using namespace strata::stack;

class TestMergedWalk : public QObject {
    Q_OBJECT
    test::TempDir m_tmp {"strata-walk"};
    std::shared_ptr<const LayerStack> m_stack;

    std::vector<std::pair<std::string, int>> walk(const std::string &root, const WalkOptions &opts)
    {
        std::vector<std::pair<std::string, int>> seen;
        const MergedTree tree(m_stack);
        auto r = walkMerged(tree, root, opts, [&](const std::string &path, const MergedEntry &, int depth) {
            seen.emplace_back(path, depth);
            return true;
        });
        if (!r)
            qWarning("%s", r.error().message().c_str());
        return seen;
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto spec = createDemoStack(m_tmp.path());
        QVERIFY2(spec, spec ? "" : spec.error().message().c_str());
        auto stack = LayerStack::fromSpec(*spec);
        QVERIFY2(stack, stack ? "" : stack.error().message().c_str());
        m_stack = *stack;
    }

    void directoriesBeforeTheirChildrenInOrder()
    {
        const auto seen = walk("", {});
        QVERIFY(seen.size() > 15);
        for (size_t i = 1; i < seen.size(); ++i) {
            const auto &[path, depth] = seen[i];
            const size_t slash = path.rfind('/');
            if (slash == std::string::npos) {
                QCOMPARE(depth, 1);
                continue;
            }
            // The parent was visited just before or earlier, one level up.
            const std::string parent = path.substr(0, slash);
            const auto it = std::find_if(seen.begin(), seen.begin() + static_cast<std::ptrdiff_t>(i),
                                         [&](const auto &p) { return p.first == parent; });
            QVERIFY2(it != seen.begin() + static_cast<std::ptrdiff_t>(i), path.c_str());
            QCOMPARE(depth, it->second + 1);
        }
        const auto at = [&](const std::string &p) {
            return std::find_if(seen.begin(), seen.end(), [&](const auto &s) { return s.first == p; }) - seen.begin();
        };
        // Depth first: all of etc/ comes before the next top-level name.
        QVERIFY(at("etc") < at("etc/hostname") && at("etc/os-release") < at("home"));
    }

    void depthLimitStopAndCancel()
    {
        WalkOptions top;
        top.maxDepth = 1;
        for (const auto &[path, depth] : walk("", top))
            QVERIFY2(depth == 1 && path.find('/') == std::string::npos, path.c_str());
        const auto below = walk("etc", top);
        QVERIFY(!below.empty());
        QCOMPARE(below.front().first.substr(0, 4), std::string("etc/"));

        const MergedTree tree(m_stack);
        int visited = 0;
        auto stopped
            = walkMerged(tree, "", {}, [&](const std::string &, const MergedEntry &, int) { return ++visited < 3; });
        QVERIFY(stopped && stopped->stopped && stopped->entries == 3);

        std::atomic<bool> cancel {true};
        WalkOptions cancelled;
        cancelled.cancel = &cancel;
        auto r = walkMerged(tree, "", cancelled, [](const std::string &, const MergedEntry &, int) { return true; });
        QVERIFY(r && r->cancelled && r->entries == 0);

        auto missing
            = walkMerged(tree, "no/such/dir", {}, [](const std::string &, const MergedEntry &, int) { return true; });
        QVERIFY(!missing);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestMergedWalk, strata::test::requireNothing)
#include "test_mergedwalk.moc"
