// SPDX-License-Identifier: GPL-2.0-or-later
// The tree's search over every full path (PathSearch walking the whole merged view
// in a worker) and the streamed directory listings: a deep entry in directories the
// tree never loaded is found and shown in place, the other filters apply, a search
// can be cancelled, an invalid pattern says why, big result sets are capped; the
// model and the proxy stay under QAbstractItemModelTester throughout.
#include "guitestmain.h"
#include "mergedtreemodel.h"
#include "ovl/whiteout.h"
#include "pathsearch.h"
#include "stack/layerstack.h"
#include "tempdir.h"
#include "testenv.h"
#include "treefilterproxy.h"
#include "treepanel.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTreeView>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <optional>
#include <unistd.h>

using namespace strata;
using namespace strata::gui;
using Tester = QAbstractItemModelTester;

namespace {

constexpr int kBigDir = PathSearch::kMaxMatches + 100; // more than one batch, more than the cap

void touch(const std::string &path)
{
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << "x";
}

// Two layers and an upper: a needle deep in directories nobody opened, hay beside
// it, a needle created in the upper, one deleted by a whiteout, and a big directory.
struct SearchStack {
    test::TempDir dir {"strata-gui-search"};
    std::shared_ptr<const stack::LayerStack> stack;
    std::string error;
    SearchStack()
    {
        const std::string l0 = dir / "l0", l1 = dir / "l1", up = dir / "up", work = dir / "work";
        touch(l0 + "/deep/a/b/c/d/needle.txt");
        touch(l0 + "/deep/a/b/c/hay.txt");
        touch(l0 + "/deep/z/hay.txt");
        touch(l0 + "/gone-needle.txt");
        touch(l1 + "/deep/a/b/l1-hay.txt");
        for (int i = 0; i < kBigDir; ++i)
            touch(l0 + "/big/f" + std::to_string(10000 + i));
        touch(up + "/upper-needle.txt");
        std::filesystem::create_directories(work);
        const int upFd = ::open(up.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        auto wh = ovl::makeWhiteout(upFd, "gone-needle.txt");
        ::close(upFd);
        if (!wh) {
            error = "cannot make a whiteout (needs CAP_MKNOD): " + wh.error().message();
            return;
        }
        stack::StackSpec spec;
        spec.lower = {l1, l0};
        spec.upper = up;
        spec.work = work;
        auto opened = stack::LayerStack::fromSpec(spec);
        if (!opened) {
            error = opened.error().message();
            return;
        }
        stack = *opened;
    }
};

std::string requireWhiteouts()
{
    return test::requireRoot();
}

} // namespace

class TestGuiSearch : public QObject {
    Q_OBJECT
    std::unique_ptr<SearchStack> m_stack;

    std::shared_ptr<const stack::MergedTree> tree() const
    {
        return std::make_shared<stack::MergedTree>(m_stack->stack);
    }

    // Runs the panel's search for `pattern` to its end.
    static bool search(TreePanel &panel, const QString &pattern)
    {
        QSignalSpy finished(panel.pathSearch(), &PathSearch::finished);
        panel.searchField()->setText(pattern);
        panel.startSearch();
        return finished.wait(20000);
    }

    static bool shown(TreePanel &panel, const std::string &path)
    {
        const QModelIndex src = panel.model()->indexForPath(path);
        return src.isValid() && panel.proxy()->mapFromSource(src).isValid();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_stack = std::make_unique<SearchStack>();
        QVERIFY2(m_stack->stack, m_stack->error.c_str());
    }

    void deepUnloadedEntryIsFoundAndShown_data()
    {
        QTest::addColumn<bool>("testers");
        QTest::newRow("nothing loaded") << false;
        // The testers fetch directories themselves as they look around: the search's
        // insertions, resets and filter changes then meet loaded and loading dirs.
        QTest::newRow("under QAbstractItemModelTester") << true;
    }

    void deepUnloadedEntryIsFoundAndShown()
    {
        QFETCH(bool, testers);
        TreePanel panel;
        std::optional<Tester> modelTester, proxyTester;
        if (testers) {
            modelTester.emplace(panel.model(), Tester::FailureReportingMode::QtTest);
            proxyTester.emplace(panel.proxy(), Tester::FailureReportingMode::QtTest);
        }
        QSignalSpy loaded(panel.model(), &MergedTreeModel::directoryLoaded);
        panel.setTree(tree(), QStringLiteral("search"));
        QVERIFY(loaded.wait());
        if (!testers)
            QVERIFY(!panel.model()->indexForPath("deep/a").isValid()); // nothing below the root loaded

        QVERIFY(search(panel, QStringLiteral("needle\\.txt$")));
        QVERIFY2(panel.searchStatus()->text().contains(QStringLiteral("3 matches")),
                 qPrintable(panel.searchStatus()->text()));
        // The matches appear in place, their directories listed and expanded.
        QTRY_VERIFY(shown(panel, "deep/a/b/c/d/needle.txt"));
        QVERIFY(shown(panel, "upper-needle.txt"));
        QVERIFY(shown(panel, "gone-needle.txt")); // a whiteout: whiteouts are shown
        for (const char *dir : {"deep", "deep/a", "deep/a/b", "deep/a/b/c", "deep/a/b/c/d"})
            QVERIFY2(panel.view()->isExpanded(panel.proxy()->mapFromSource(panel.model()->indexForPath(dir))), dir);
        // Everything else is hidden, loaded or not.
        QVERIFY(panel.model()->indexForPath("deep/a/b/c/hay.txt").isValid());
        QVERIFY(!shown(panel, "deep/a/b/c/hay.txt"));
        QVERIFY(!shown(panel, "deep/a/b/l1-hay.txt"));
        QVERIFY(!shown(panel, "deep/z"));
        QVERIFY(!shown(panel, "big"));

        // The whiteouts toggle is a filter the search applies: it runs again.
        QSignalSpy finished(panel.pathSearch(), &PathSearch::finished);
        panel.whiteoutsToggle()->setChecked(false);
        QVERIFY(finished.wait(20000));
        QVERIFY2(panel.searchStatus()->text().contains(QStringLiteral("2 matches")),
                 qPrintable(panel.searchStatus()->text()));
        QTRY_VERIFY(shown(panel, "deep/a/b/c/d/needle.txt"));
        QVERIFY(!shown(panel, "gone-needle.txt"));

        // An empty pattern ends the search: the whole tree again.
        panel.searchField()->clear();
        panel.startSearch();
        QVERIFY(!panel.proxy()->searchActive());
        QVERIFY(shown(panel, "deep/a/b/c/hay.txt"));
        QVERIFY(!panel.searchStatus()->isVisibleTo(&panel));
    }

    void filtersApplyToMatches()
    {
        PathSearch search;
        auto run = [&](const SearchFilters &filters, const QString &pattern = QStringLiteral("needle")) {
            QSignalSpy found(&search, &PathSearch::matchesFound);
            QSignalSpy finished(&search, &PathSearch::finished);
            search.start(tree(), QRegularExpression(pattern), filters);
            if (!finished.wait(20000))
                return QStringList {QStringLiteral("timeout")};
            QStringList paths;
            for (const auto &args : found)
                for (const QByteArray &p : args.first().value<QList<QByteArray>>())
                    paths << QString::fromUtf8(p);
            paths.sort();
            return paths;
        };
        QCOMPARE(run({}),
                 (QStringList {QStringLiteral("deep/a/b/c/d/needle.txt"), QStringLiteral("gone-needle.txt"),
                               QStringLiteral("upper-needle.txt")}));
        SearchFilters upperOnly;
        upperOnly.stateMask = stack::StateUpperOnly;
        QCOMPARE(run(upperOnly), QStringList {QStringLiteral("upper-needle.txt")});
        SearchFilters bottom;
        bottom.onlyLayer = 2;
        bottom.showWhiteouts = false;
        QCOMPARE(run(bottom), QStringList {QStringLiteral("deep/a/b/c/d/needle.txt")});
        // The layer filter also takes the dirs a layer contributes to: the visible
        // "deep" dirs come from L1, and L2 is merged into each.
        SearchFilters merged;
        merged.layer = 2;
        QCOMPARE(run(merged, QStringLiteral("^/deep(/a(/b)?)?$")),
                 (QStringList {QStringLiteral("deep"), QStringLiteral("deep/a"), QStringLiteral("deep/a/b")}));
    }

    void cancel()
    {
        TreePanel panel;
        Tester proxyTester(panel.proxy(), Tester::FailureReportingMode::QtTest);
        QSignalSpy loaded(panel.model(), &MergedTreeModel::directoryLoaded);
        panel.setTree(tree(), QStringLiteral("search"));
        QVERIFY(loaded.wait());
        QSignalSpy found(panel.pathSearch(), &PathSearch::matchesFound);
        QSignalSpy finished(panel.pathSearch(), &PathSearch::finished);
        QSignalSpy cancelled(panel.pathSearch(), &PathSearch::cancelled);
        panel.searchField()->setText(QStringLiteral("."));
        panel.startSearch();
        QVERIFY(panel.pathSearch()->isRunning());
        QVERIFY(panel.cancelSearchButton()->isVisibleTo(&panel));
        panel.cancelSearchButton()->click(); // before the worker could report anything
        QCOMPARE(cancelled.size(), 1);
        QVERIFY(!panel.pathSearch()->isRunning());
        QVERIFY(!panel.cancelSearchButton()->isVisibleTo(&panel));
        QVERIFY2(panel.searchStatus()->text().contains(QStringLiteral("cancelled")),
                 qPrintable(panel.searchStatus()->text()));
        QTest::qWait(300); // a cancelled walk reports nothing more
        QCOMPARE(found.size(), 0);
        QCOMPARE(finished.size(), 0);
        QVERIFY(panel.proxy()->searchActive()); // what was found so far (nothing) stays
        QCOMPARE(panel.proxy()->rowCount(), 0);
    }

    void invalidPattern()
    {
        TreePanel panel;
        QSignalSpy loaded(panel.model(), &MergedTreeModel::directoryLoaded);
        panel.setTree(tree(), QStringLiteral("search"));
        QVERIFY(loaded.wait());
        const QString pattern = QStringLiteral("needle(");
        panel.searchField()->setText(pattern);
        panel.startSearch();
        QVERIFY(!panel.pathSearch()->isRunning());
        QVERIFY(!panel.proxy()->searchActive()); // the tree stays as it was
        QVERIFY(panel.searchStatus()->isVisibleTo(&panel));
        const QString text = panel.searchStatus()->text();
        QVERIFY2(text.contains(pattern), qPrintable(text));
        QVERIFY2(text.contains(QRegularExpression(pattern).errorString()), qPrintable(text));
        QVERIFY(panel.proxy()->rowCount() > 0);
    }

    void bigResultIsCapped()
    {
        TreePanel panel;
        Tester proxyTester(panel.proxy(), Tester::FailureReportingMode::QtTest);
        QSignalSpy loaded(panel.model(), &MergedTreeModel::directoryLoaded);
        panel.setTree(tree(), QStringLiteral("search"));
        QVERIFY(loaded.wait());
        QVERIFY(search(panel, QStringLiteral("^/big/f")));
        QCOMPARE(panel.proxy()->searchMatchCount(), PathSearch::kMaxMatches);
        const QString text = panel.searchStatus()->text();
        QVERIFY2(text.contains(QStringLiteral("100 more")), qPrintable(text));
        QTRY_COMPARE(panel.proxy()->rowCount(panel.proxy()->mapFromSource(panel.model()->indexForPath("big"))),
                     PathSearch::kMaxMatches);
    }

    void bigDirectoryArrivesInBatches()
    {
        MergedTreeModel model;
        TreeFilterProxy proxy;
        proxy.setSourceModel(&model);
        Tester modelTester(&model, Tester::FailureReportingMode::QtTest);
        Tester proxyTester(&proxy, Tester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &MergedTreeModel::directoryLoaded);
        model.setTree(tree());
        proxy.fetchMore({});
        QVERIFY(loaded.wait());
        const QModelIndex big = model.indexForPath("big");
        QVERIFY(big.isValid());
        // The testers may have asked for it already: count from what is there.
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        const int before = model.rowCount(big);
        proxy.fetchMore(proxy.mapFromSource(big));
        while (!model.isListed(big))
            QVERIFY(loaded.wait());
        QCOMPARE(model.rowCount(big), kBigDir);
        int next = before, batches = before > 0 ? 1 : 0;
        for (const auto &args : inserted) {
            if (args.at(0).value<QModelIndex>() != big)
                continue; // the testers fetch other directories as they look around
            QCOMPARE(args.at(1).toInt(), next); // appended in order
            next = args.at(2).toInt() + 1;
            ++batches;
        }
        QCOMPARE(next, kBigDir);
        QVERIFY2(batches > 1, "one insertion for the whole directory, not batches");
        for (int r = 1; r < model.rowCount(big); ++r)
            QVERIFY(model.index(r - 1, 0, big).data(MergedTreeModel::PathBytesRole).toByteArray()
                    < model.index(r, 0, big).data(MergedTreeModel::PathBytesRole).toByteArray());
        // A reset while a big listing streams drops the rest of it.
        model.setTree(tree());
        proxy.fetchMore({});
        QVERIFY(loaded.wait());
        proxy.fetchMore(proxy.mapFromSource(model.indexForPath("big")));
        model.setTree(nullptr);
        QCOMPARE(model.pendingFetches(), 0);
        QVERIFY(!loaded.wait(300));
        QCOMPARE(model.rowCount(), 0);
    }
};

STRATA_GUI_TEST_MAIN_REQUIRES(TestGuiSearch, requireWhiteouts)
#include "test_gui_search.moc"
