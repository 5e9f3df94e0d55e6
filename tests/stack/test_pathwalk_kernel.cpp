// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier: the paths-only walk (stack/pathwalk.h) lists exactly the full merged
// walk's paths on random stacks written by kernel overlayfs (whiteouts, opaque dirs
// after rm -rf + mkdir, redirected dirs, copy-ups, metacopy, index, xattr whiteouts
// in opaque=x dirs, userxattr), with and without whiteouts.
#include "kerneloverlay.h"
#include "pathwalkcheck.h"
#include "stackrecipe.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>
#include <sys/stat.h>

using namespace strata;
using namespace strata::test;

class TestPathWalkKernel : public QObject {
    Q_OBJECT
    std::unique_ptr<TempDir> m_tmp;

private Q_SLOTS:
    void initTestCase()
    {
        ::umask(0);
        m_tmp = std::make_unique<TempDir>("strata-pathwalk");
    }
    void cleanupTestCase() { m_tmp.reset(); }

    void randomStacks()
    {
        constexpr uint64_t kStacks = 64;
        size_t paths = 0;
        int failures = 0;
        for (uint64_t seed = 1; seed <= kStacks; ++seed) {
            StackRecipe recipe;
            auto built = generateStack(m_tmp->path(), seed, recipe);
            QVERIFY2(built && built->error.empty(), built ? built->error.c_str() : "cannot build");
            auto stack = stack::LayerStack::fromSpec(built->spec());
            QVERIFY2(stack, stack ? "" : stack.error().message().c_str());
            for (const bool whiteouts : {false, true}) {
                const auto c = comparePathWalk(**stack, whiteouts);
                QVERIFY2(c.error.empty(), c.error.c_str());
                paths += c.paths;
                for (size_t i = 0; i < c.diffs.size() && i < 10; ++i)
                    qWarning("stack %llu%s: %s", static_cast<unsigned long long>(seed), whiteouts ? " (whiteouts)" : "",
                             c.diffs[i].c_str());
                failures += !c.diffs.empty();
            }
        }
        qInfo("%llu stacks, %zu paths compared", static_cast<unsigned long long>(kStacks), paths);
        QCOMPARE(failures, 0);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestPathWalkKernel, strata::test::requireKernelOverlay)
#include "test_pathwalk_kernel.moc"
