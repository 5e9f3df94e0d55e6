// SPDX-License-Identifier: GPL-2.0-or-later
// Every model and proxy of the app under QAbstractItemModelTester, driven through
// fetchMore, inserts, removes and resets.
#include "assemblymodel.h"
#include "guitesthelpers.h"
#include "guitestmain.h"
#include "guitext.h"
#include "layerstackmodel.h"
#include "mergedtreemodel.h"
#include "rowtablemodel.h"
#include "testenv.h"
#include "treedump.h"
#include "treefilterproxy.h"
#include "treerows.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QSignalSpy>

using namespace strata;
using namespace strata::gui;
using Tester = QAbstractItemModelTester;

class TestGuiModels : public QObject {
    Q_OBJECT
    std::unique_ptr<test::DemoStack> m_demo;

private Q_SLOTS:
    void initTestCase()
    {
        m_demo = std::make_unique<test::DemoStack>();
        QVERIFY2(m_demo->stack, m_demo->error.c_str());
    }

    void mergedTreeIsLazy()
    {
        MergedTreeModel model; // no tester here: it fetches on its own
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.canFetchMore({}));
        model.setTree(std::make_shared<stack::MergedTree>(m_demo->stack));
        QVERIFY(model.canFetchMore({}));
        QSignalSpy loaded(&model, &MergedTreeModel::directoryLoaded);
        model.fetchMore({});
        QVERIFY(!model.canFetchMore({})); // running: asked once
        QVERIFY(loaded.wait());
        QCOMPARE(loaded.first().first().toByteArray(), QByteArray());
        QVERIFY(model.rowCount() >= 8);

        // A directory is listed only when asked, then once.
        const QModelIndex cache = model.indexForPath("cache");
        QVERIFY(cache.isValid());
        QVERIFY(model.hasChildren(cache));
        QCOMPARE(model.rowCount(cache), 0);
        QVERIFY(model.canFetchMore(cache));
        model.fetchMore(cache);
        QVERIFY(loaded.wait());
        QVERIFY(model.rowCount(cache) >= 2);
        QVERIFY(!model.canFetchMore(cache));
        QVERIFY(!model.indexForPath("data/meta.bin").isValid()); // data/ not listed

        // A reset drops listings still in flight.
        model.setTree(std::make_shared<stack::MergedTree>(m_demo->stack));
        model.fetchMore({});
        model.setTree(nullptr);
        QCOMPARE(model.pendingFetches(), 0);
        QVERIFY(!loaded.wait(200)); // the dropped listing never lands
        QCOMPARE(model.rowCount(), 0);
    }

    void mergedTreeUnderTester()
    {
        MergedTreeModel model;
        Tester tester(&model, Tester::FailureReportingMode::QtTest);
        model.setTree(std::make_shared<stack::MergedTree>(m_demo->stack));
        QVERIFY(test::fetchAll(model, model));
        QVERIFY(model.rowCount() >= 8);

        // Whiteouts are listed and struck through.
        const QModelIndex tmp1 = model.indexForPath("cache/tmp1");
        QVERIFY(tmp1.isValid());
        QVERIFY(tmp1.data(MergedTreeModel::IsWhiteoutRole).toBool());
        QVERIFY(tmp1.data(Qt::FontRole).value<QFont>().strikeOut());
        QCOMPARE(tmp1.data(MergedTreeModel::PathRole).toString(), QStringLiteral("/cache/tmp1"));

        // Files never have children; the layer column carries a colour chip.
        const QModelIndex meta = model.indexForPath("data/meta.bin");
        QVERIFY(meta.isValid());
        QVERIFY(!model.hasChildren(meta));
        QVERIFY(meta.data(MergedTreeModel::StateRole).toUInt() & stack::StateMetacopy);
        QVERIFY(
            !model.index(meta.row(), MergedTreeModel::LayerColumn, meta.parent()).data(Qt::DecorationRole).isNull());

        // Reset and load again, with the tester watching.
        model.setTree(std::make_shared<stack::MergedTree>(m_demo->stack));
        QVERIFY(test::fetchAll(model, model));
        QVERIFY(model.indexForPath("data/meta.bin").isValid());
        model.setTree(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    // Rows keep packed facts only; entry() reads the full entry again from the
    // layers, and it is the entry the listing built (core's one lookup of one name).
    void mergedTreeRereadsEntries()
    {
        MergedTreeModel model;
        const auto tree = std::make_shared<stack::MergedTree>(m_demo->stack);
        model.setTree(tree);
        QVERIFY(test::fetchAll(model, model));
        int compared = 0;
        std::vector<std::string> dirs {""};
        while (!dirs.empty()) {
            const std::string dir = dirs.back();
            dirs.pop_back();
            auto listing = tree->list(dir, stack::ListOptions {true, true});
            QVERIFY(listing);
            for (const stack::MergedEntry &want : listing->entries) {
                const std::string path = dir.empty() ? want.name : dir + "/" + want.name;
                const QModelIndex i = model.indexForPath(path);
                QVERIFY2(i.isValid(), path.c_str());
                const stack::MergedEntry *got = model.readEntry(i);
                QVERIFY2(got, path.c_str());
                QCOMPARE(got->name, want.name);
                QCOMPARE(got->layer, want.layer);
                QCOMPARE(got->layerPath, want.layerPath);
                QCOMPARE(got->state, want.state);
                QCOMPARE(got->attrs.mode, want.attrs.mode);
                QCOMPARE(got->attrs.size, want.attrs.size);
                QCOMPARE(got->attrs.mtime.tv_nsec, want.attrs.mtime.tv_nsec);
                QCOMPARE(got->dirLayers, want.dirLayers);
                QCOMPARE(got->shadowed.size(), want.shadowed.size());
                QCOMPARE(got->problems.size(), want.problems.size());
                QCOMPARE(got->origin.has_value(), want.origin.has_value());
                QCOMPARE(got->data.has_value(), want.data.has_value());
                // The columns come from the packed row and say what the entry says.
                QCOMPARE(i.data(MergedTreeModel::StateRole).toUInt(), uint(want.state));
                QCOMPARE(i.data(MergedTreeModel::LayerRole).toInt(), want.layer);
                QCOMPARE(model.index(i.row(), MergedTreeModel::MtimeColumn, i.parent()).data().toString(),
                         timeText(want.attrs.mtime));
                QCOMPARE(model.index(i.row(), MergedTreeModel::ModeColumn, i.parent()).data().toString(),
                         modeText(want.attrs.mode));
                ++compared;
                if (want.isDir() && !want.isWhiteout())
                    dirs.push_back(path);
            }
        }
        QVERIFY(compared >= 20);
        QCOMPARE(model.loadedRows(), size_t(compared));
    }

    // entry() does no I/O on the GUI thread: it answers with what the row knows and
    // reads the entry in the background; entryRead says when the full facts landed.
    void entryIsReadInTheBackground()
    {
        MergedTreeModel model;
        model.setTree(std::make_shared<stack::MergedTree>(m_demo->stack));
        QVERIFY(test::fetchAll(model, model));
        const QModelIndex meta = model.indexForPath("data/meta.bin");
        QVERIFY(meta.isValid());
        QSignalSpy read(&model, &MergedTreeModel::entryRead);
        const stack::MergedEntry *first = model.entry(meta);
        QVERIFY(first && !model.entryIsRead(meta));
        QCOMPARE(first->name, std::string("meta.bin"));
        QVERIFY(!first->origin); // the row does not keep it
        QTRY_COMPARE(read.count(), 1);
        QCOMPARE(read.first().at(0).value<QModelIndex>(), meta);
        QVERIFY(model.entryIsRead(meta));
        const stack::MergedEntry *full = model.entry(meta);
        QVERIFY(full && full->origin && full->data); // copied up, metacopy
        // Another entry asked for meanwhile: only the last one lands.
        const QModelIndex data = model.indexForPath("data");
        model.entry(data);
        model.entry(meta);
        QTRY_COMPARE(read.count(), 2);
        QCOMPARE(read.last().at(0).value<QModelIndex>(), meta);
        QVERIFY(model.entryIsRead(meta) && !model.entryIsRead(data));
    }

    // What a loaded row costs, counted from the storage (deterministic, not sampled):
    // a 200k-entry directory of container-like names, one entry in ten a directory.
    void compactRowsBound()
    {
        QCOMPARE(sizeof(TreeRow), size_t(52));
        TreeRows rows;
        constexpr size_t kRows = 200000;
        std::vector<std::string> names;
        for (size_t i = 0; i < kRows; ++i)
            names.push_back((i % 10 ? "libfile" : "dir") + std::to_string(i) + (i % 10 ? ".so.1" : ""));
        std::sort(names.begin(), names.end()); // a listing's order: children are found by name
        PackedBatch batch;
        for (size_t i = 0; i < kRows; ++i) {
            stack::MergedEntry e;
            e.name = names[i];
            const bool dir = e.name.starts_with("dir");
            e.attrs.mode = dir ? S_IFDIR | 0755 : S_IFREG | 0644;
            e.attrs.size = off_t(i);
            e.layer = int(i % 3);
            if (dir)
                e.dirLayers = {0, 2};
            batch.add(e);
            if (batch.rows.size() == 16384 || i + 1 == kRows)
                rows.append(TreeRows::kRoot, std::exchange(batch, {}));
        }
        rows.dir(TreeRows::kRoot)->children.shrink_to_fit();
        QCOMPARE(rows.rowCount(), kRows);
        const double perRow = double(rows.bytesHeld()) / double(kRows);
        qInfo("compact rows: %.1f bytes per loaded row (%zu rows)", perRow, kRows);
        QVERIFY2(perRow <= 100, qPrintable(QString::number(perRow)));

        // Links, names and paths survive removals and insertions (ids are reused).
        const uint32_t d10 = rows.child(TreeRows::kRoot, "dir10");
        QVERIFY(d10 != TreeRows::kNone);
        stack::MergedEntry sub;
        sub.name = "inner";
        sub.attrs.mode = S_IFREG | 0600;
        rows.insert(d10, 0, std::span(&sub, 1));
        QCOMPARE(rows.path(rows.child(d10, "inner")), std::string("dir10/inner"));
        rows.remove(TreeRows::kRoot, rows.row(d10).pos); // the dir and its child go
        QCOMPARE(rows.rowCount(), kRows - 1);
        QCOMPARE(rows.child(TreeRows::kRoot, "dir10"), TreeRows::kNone);
        stack::MergedEntry again;
        again.name = "dir10";
        again.attrs.mode = S_IFREG | 0644;
        const uint32_t at = rows.row(rows.child(TreeRows::kRoot, "dir100")).pos;
        rows.insert(TreeRows::kRoot, at, std::span(&again, 1));
        const uint32_t back = rows.child(TreeRows::kRoot, "dir10");
        QVERIFY(back != TreeRows::kNone);
        QVERIFY(!rows.dir(back)); // a file now: no directory record
        QCOMPARE(uint32_t(rows.row(back).pos), at);
        QCOMPARE(uint32_t(rows.row(rows.child(TreeRows::kRoot, "dir100")).pos), at + 1);
        QCOMPARE(rows.rowCount(), kRows);

        // A run goes in as one, its rows in order and the rows after it renumbered;
        // a range of neighbours goes as one.
        std::vector<stack::MergedEntry> run(3);
        for (size_t k = 0; k < run.size(); ++k) {
            run[k].name = "dir10-" + std::to_string(k); // between dir10 and dir100
            run[k].attrs.mode = S_IFREG | 0644;
        }
        rows.insert(TreeRows::kRoot, at + 1, run);
        for (size_t k = 0; k < run.size(); ++k)
            QCOMPARE(uint32_t(rows.row(rows.child(TreeRows::kRoot, run[k].name)).pos), at + 1 + uint32_t(k));
        QCOMPARE(uint32_t(rows.row(rows.child(TreeRows::kRoot, "dir100")).pos), at + 4);
        rows.remove(TreeRows::kRoot, at + 1, run.size());
        QCOMPARE(rows.child(TreeRows::kRoot, "dir10-1"), TreeRows::kNone);
        QCOMPARE(uint32_t(rows.row(rows.child(TreeRows::kRoot, "dir100")).pos), at + 1);
        QCOMPARE(rows.rowCount(), kRows);
    }

    void mergedTreeMarksChanges()
    {
        MergedTreeModel model;
        Tester tester(&model, Tester::FailureReportingMode::QtTest);
        model.setTree(std::make_shared<stack::MergedTree>(m_demo->stack, 1));
        QVERIFY(test::fetchAll(model, model));
        auto changes = stack::layerChanges(*m_demo->stack, 1);
        QVERIFY(changes);
        QVERIFY(!changes->empty());
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setChanges(*changes);
        QVERIFY(changed.count() > 0);
        int marked = 0;
        for (const auto &c : *changes) {
            const QModelIndex i = model.indexForPath(c.path);
            if (!i.isValid())
                continue;
            QCOMPARE(i.data(MergedTreeModel::ChangeRole).toInt(), int(c.change));
            QVERIFY(i.data(Qt::ForegroundRole).isValid());
            ++marked;
        }
        QVERIFY(marked > 0);
        model.setChanges({});
        QCOMPARE(model.indexForPath(changes->front().path).data(MergedTreeModel::ChangeRole).toInt(), -1);
    }

    void filterProxy()
    {
        MergedTreeModel model;
        TreeFilterProxy proxy;
        proxy.setSourceModel(&model);
        Tester tester(&proxy, Tester::FailureReportingMode::QtTest);
        model.setTree(std::make_shared<stack::MergedTree>(m_demo->stack));
        QVERIFY(test::fetchAll(model, proxy));
        const QString all = dumpModel(proxy, {0});
        QVERIFY(all.contains(QStringLiteral("~tmp1")));

        proxy.setShowWhiteouts(false);
        QVERIFY(!dumpModel(proxy, {0}).contains(QStringLiteral("tmp1")));
        proxy.setShowWhiteouts(true);
        QCOMPARE(dumpModel(proxy, {0}), all);

        // Search mode: the matches a PathSearch reported and the dirs leading to them.
        proxy.beginSearch();
        QCOMPARE(proxy.rowCount(), 0);
        QCOMPARE(proxy.addSearchMatches({QByteArrayLiteral("data/meta.bin")}), QList<QByteArray> {"data"});
        QCOMPARE(dumpModel(proxy, {0}), QStringLiteral("data\n  meta.bin\n"));
        proxy.endSearch();
        QCOMPARE(dumpModel(proxy, {0}), all);

        proxy.setStateMask(stack::StateMetacopy);
        const QString meta = dumpModel(proxy, {0});
        QVERIFY(meta.contains(QStringLiteral("meta.bin")));
        QVERIFY(!meta.contains(QStringLiteral("hostname")));
        proxy.setStateMask(0);

        // Only layer 0 (the upper): nothing from the lowers.
        proxy.setOnlyLayer(0);
        const QString upperOnly = dumpModel(proxy, {0, MergedTreeModel::LayerColumn});
        QVERIFY(!upperOnly.contains(QStringLiteral("| L1")));
        QVERIFY(upperOnly.contains(QStringLiteral("notes.txt | upper")));
        proxy.setOnlyLayer(-1);

        // Sort by size, descending: the biggest file first among its siblings.
        proxy.sort(MergedTreeModel::SizeColumn, Qt::DescendingOrder);
        const QModelIndex data = proxy.mapFromSource(model.indexForPath("data"));
        QVERIFY(proxy.rowCount(data) >= 2);
        QVERIFY(proxy.index(0, 0, data).data(MergedTreeModel::SizeRole).toULongLong()
                >= proxy.index(1, 0, data).data(MergedTreeModel::SizeRole).toULongLong());
        model.setTree(nullptr); // reset through the proxy
        QCOMPARE(proxy.rowCount(), 0);
    }

    void layerStackModel()
    {
        LayerStackModel model;
        Tester tester(&model, Tester::FailureReportingMode::QtTest);
        model.setStack(m_demo->stack);
        QCOMPARE(model.rowCount(), int(m_demo->stack->layers().size()));
        QCOMPARE(model.index(0, LayerStackModel::RoleColumn).data().toString(), QStringLiteral("upper"));
        QVERIFY(
            model.index(0, LayerStackModel::BadgesColumn).data().toString().contains(QStringLiteral("user.overlay")));
        QVERIFY(model.index(0, LayerStackModel::EntriesColumn).data().isNull()); // not counted yet
        auto summary = stack::summarizeStack(*m_demo->stack);
        QVERIFY(summary);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setSummary(*summary);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.index(0, LayerStackModel::EntriesColumn).data(LayerStackModel::SortRole).toULongLong(),
                 qulonglong(summary->layers[0].entries));
        model.setLayerProblem(1, QStringLiteral("layer 1: permission denied"));
        QVERIFY(model.badges(1).contains(QStringLiteral("unreadable")));
        QCOMPARE(model.index(1, 0).data(Qt::ToolTipRole).toString(), QStringLiteral("layer 1: permission denied"));
        model.setStack(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    void rowTableModel()
    {
        RowTableModel model({QStringLiteral("A"), QStringLiteral("B")});
        Tester tester(&model, Tester::FailureReportingMode::QtTest);
        auto row = [](const char *a, int layer = -1) {
            TableRow r;
            r.cells = {QString::fromLatin1(a), QStringLiteral("x")};
            r.layer = layer;
            return r;
        };
        model.setRows({row("a"), row("b", 1)});
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(!model.index(1, 0).data(Qt::DecorationRole).isNull());
        model.appendRows({row("c"), row("d")});
        QCOMPARE(model.rowCount(), 4);
        model.removeRowsAt(1, 2);
        QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("d"));
        model.removeRowsAt(5, 1); // out of range: ignored
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void assemblyModel()
    {
        test::TempDir dir;
        for (const char *d : {"l1", "l2", "l3", "up", "wk"})
            QVERIFY(QDir().mkpath(QString::fromStdString(dir / d)));
        auto p = [&](const char *d) { return QString::fromStdString(dir / d); };
        AssemblyModel model;
        Tester tester(&model, Tester::FailureReportingMode::QtTest);
        model.addDirectories({p("l1"), p("l2")});
        model.addDirectories({p("l3")}, 0);
        QTRY_VERIFY(!model.hasPendingDrops()); // decided in order, when the worker's probes are in
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.slotList().first().path, p("l3"));
        model.addDirectories({p("up"), p("wk")});
        QTRY_COMPARE(model.rowCount(), 5);
        model.setRole(3, assembly::SlotRole::Upper);
        model.setRole(4, assembly::SlotRole::Work);
        QCOMPARE(model.slotList().at(0), (assembly::Slot {p("up"), assembly::SlotRole::Upper}));
        QCOMPARE(model.slotList().at(1), (assembly::Slot {p("wk"), assembly::SlotRole::Work}));
        QVERIFY(model.moveRowsTo({4}, 2));
        QCOMPARE(model.slotList().at(2).path, p("l2"));
        model.removeSlots({0, 1});
        QCOMPARE(model.rowCount(), 3);
        model.setSlots({});
        QCOMPARE(model.rowCount(), 0);
    }
};

STRATA_GUI_TEST_MAIN_REQUIRES(TestGuiModels, strata::test::requireNothing)
#include "test_gui_models.moc"
