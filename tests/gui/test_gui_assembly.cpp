// SPDX-License-Identifier: GPL-2.0-or-later
// Assembling a stack: the drop-legality rules as plain functions (data-driven), drag
// and drop at model level (mimeData / canDropMimeData / dropMimeData) and at widget
// level (synthetic drag-enter, drag-move and drop events on the view's viewport).
#include "assembly.h"
#include "assemblymodel.h"
#include "assemblypanel.h"
#include "guitestmain.h"
#include "messagebar.h"
#include "pathprobes.h"
#include "rowtablemodel.h"
#include "tempdir.h"
#include "testenv.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QMimeData>
#include <QMutex>
#include <QSignalSpy>
#include <QThread>

using namespace strata;
using namespace strata::gui;
using namespace strata::gui::assembly;

Q_DECLARE_METATYPE(strata::gui::assembly::Slots)

static Slot up(const char *p)
{
    return {QString::fromLatin1(p), SlotRole::Upper};
}
static Slot wk(const char *p)
{
    return {QString::fromLatin1(p), SlotRole::Work};
}
static Slot lo(const char *p)
{
    return {QString::fromLatin1(p), SlotRole::Lower};
}
static Slot da(const char *p)
{
    return {QString::fromLatin1(p), SlotRole::Data};
}

// A file system in a table: directories, one file, paths not probed yet, everything
// else missing.
static PathFacts fakeProbe(const QString &path)
{
    if (path.startsWith(QLatin1String("/unprobed")))
        return {};
    if (path == QLatin1String("/file"))
        return {true, true, false};
    if (path.startsWith(QLatin1String("/d")))
        return {true, true, true};
    return {true, false, false};
}

class TestGuiAssembly : public QObject {
    Q_OBJECT
    strata::test::TempDir m_dir {"strata-gui-assembly"};
    QString dir(const char *name)
    {
        const QString p = QString::fromStdString(m_dir / name);
        QDir().mkpath(p);
        return p;
    }

private Q_SLOTS:
    void planUrlDrop_data()
    {
        QTest::addColumn<Slots>("before");
        QTest::addColumn<QStringList>("dropped");
        QTest::addColumn<int>("row");
        QTest::addColumn<QStringList>("accepted");
        QTest::addColumn<QList<int>>("refusals");
        QTest::addColumn<int>("plannedRow");
        QTest::addColumn<int>("role");

        const int L = int(SlotRole::Lower), D = int(SlotRole::Data);
        QTest::newRow("empty stack") << Slots {} << QStringList {"/d1", "/d2"} << -1 << QStringList {"/d1", "/d2"}
                                     << QList<int> {} << 0 << L;
        QTest::newRow("append below lowers")
            << Slots {lo("/d1")} << QStringList {"/d2"} << -1 << QStringList {"/d2"} << QList<int> {} << 1 << L;
        QTest::newRow("onto upper goes to top of lowers")
            << Slots {up("/du"), wk("/dw"), lo("/d1")} << QStringList {"/d2"} << 0 << QStringList {"/d2"}
            << QList<int> {} << 2 << L;
        QTest::newRow("among data layers") << Slots {lo("/d1"), da("/dd1")} << QStringList {"/d2"} << 2
                                           << QStringList {"/d2"} << QList<int> {} << 2 << D;
        QTest::newRow("between lowers and data is a lower") << Slots {lo("/d1"), da("/dd1")} << QStringList {"/d2"} << 1
                                                            << QStringList {"/d2"} << QList<int> {} << 1 << L;
        QTest::newRow("a file is refused") << Slots {} << QStringList {"/file"} << -1 << QStringList {}
                                           << QList<int> {int(Refusal::NotDirectory)} << 0 << L;
        QTest::newRow("missing is refused") << Slots {} << QStringList {"/nope"} << -1 << QStringList {}
                                            << QList<int> {int(Refusal::Missing)} << 0 << L;
        QTest::newRow("duplicate of a layer")
            << Slots {lo("/d1")} << QStringList {"/d1", "/d2"} << -1 << QStringList {"/d2"}
            << QList<int> {int(Refusal::AlreadyInStack)} << 1 << L;
        QTest::newRow("duplicate of the upper") << Slots {up("/d1")} << QStringList {"/d1"} << -1 << QStringList {}
                                                << QList<int> {int(Refusal::AlreadyInStack)} << 1 << L;
        QTest::newRow("duplicate within the drop")
            << Slots {} << QStringList {"/d1", "/d1/"} << -1 << QStringList {"/d1"}
            << QList<int> {int(Refusal::AlreadyInStack)} << 0 << L;
        QTest::newRow("not a local file") << Slots {} << QStringList {"https://example.org/d1"} << -1 << QStringList {}
                                          << QList<int> {int(Refusal::NotLocalFile)} << 0 << L;
    }

    void planUrlDrop()
    {
        QFETCH(Slots, before);
        QFETCH(QStringList, dropped);
        QFETCH(int, row);
        QList<QUrl> urls;
        for (const QString &d : dropped)
            urls << (d.startsWith(QLatin1Char('/')) ? QUrl::fromLocalFile(d) : QUrl(d));
        const DropPlan plan = assembly::planUrlDrop(before, urls, row, fakeProbe);
        QTEST(plan.accepted, "accepted");
        QList<int> refusals;
        for (const auto &r : plan.refused)
            refusals << int(r.why);
        QTEST(refusals, "refusals");
        QTEST(plan.row, "plannedRow");
        QTEST(int(plan.role), "role");
        const Slots after = applyDrop(before, plan);
        QVERIFY(isWellOrdered(after));
        QCOMPARE(after.size(), before.size() + plan.accepted.size());
    }

    // Paths the probe does not know yet wait; what needs no facts is decided anyway.
    void unprobedPaths_data()
    {
        QTest::addColumn<Slots>("before");
        QTest::addColumn<QStringList>("dropped");
        QTest::addColumn<QStringList>("accepted");
        QTest::addColumn<QStringList>("pending");
        QTest::addColumn<QList<int>>("refusals");
        QTest::addColumn<bool>("mayAccept");

        QTest::newRow("unprobed waits") << Slots {} << QStringList {"/unprobed1"} << QStringList {}
                                        << QStringList {"/unprobed1"} << QList<int> {} << true;
        QTest::newRow("mixed with known")
            << Slots {} << QStringList {"/d1", "/unprobed1", "/file"} << QStringList {"/d1"}
            << QStringList {"/unprobed1"} << QList<int> {int(Refusal::NotDirectory)} << true;
        QTest::newRow("already in the stack needs no probe")
            << Slots {lo("/unprobed1")} << QStringList {"/unprobed1"} << QStringList {} << QStringList {}
            << QList<int> {int(Refusal::AlreadyInStack)} << false;
        QTest::newRow("twice in one drop")
            << Slots {} << QStringList {"/unprobed1", "/unprobed1/"} << QStringList {} << QStringList {"/unprobed1"}
            << QList<int> {int(Refusal::AlreadyInStack)} << true;
        QTest::newRow("only refused") << Slots {} << QStringList {"/file", "/nope"} << QStringList {} << QStringList {}
                                      << QList<int> {int(Refusal::NotDirectory), int(Refusal::Missing)} << false;
    }

    void unprobedPaths()
    {
        QFETCH(Slots, before);
        QFETCH(QStringList, dropped);
        QList<QUrl> urls;
        for (const QString &d : dropped)
            urls << QUrl::fromLocalFile(d);
        const DropPlan plan = assembly::planUrlDrop(before, urls, -1, fakeProbe);
        QTEST(plan.accepted, "accepted");
        QTEST(plan.pending, "pending");
        QList<int> refusals;
        for (const auto &r : plan.refused)
            refusals << int(r.why);
        QTEST(refusals, "refusals");
        QTEST(plan.mayAccept(), "mayAccept");
    }

    // The probe runs in the thread pool, never on the GUI thread, and its answers
    // are kept by path.
    void probesRunInAWorker()
    {
        PathProbes probes;
        QList<Qt::HANDLE> threads;
        QMutex lock;
        probes.setProbe([&](const QString &path) {
            QMutexLocker locker(&lock);
            threads << QThread::currentThreadId();
            return fakeProbe(path);
        });
        QVERIFY(!probes.facts(QStringLiteral("/d1")).known);
        QSignalSpy probed(&probes, &PathProbes::probed);
        probes.request({QStringLiteral("/d1"), QStringLiteral("/file")});
        QVERIFY(probes.isProbing());
        QVERIFY(probed.wait());
        QCOMPARE(probed.first().first().toStringList(), (QStringList {"/d1", "/file"}));
        QVERIFY(probes.facts(QStringLiteral("/d1")).isDir);
        QVERIFY(probes.facts(QStringLiteral("/file/")).known); // by clean path
        QVERIFY(!probes.facts(QStringLiteral("/file")).isDir);
        QCOMPARE(threads.size(), 2);
        QVERIFY(!threads.contains(QThread::currentThreadId()));
        probes.request({QStringLiteral("/d1")}); // known: nothing to do
        QVERIFY(!probes.isProbing());
        probes.request({QStringLiteral("/d1")}, true); // a new drag asks again
        QVERIFY(probed.wait());
        QCOMPARE(threads.size(), 3);
    }

    void tooManyLayers()
    {
        Slots many;
        for (size_t i = 0; i < mounts::kMaxLowerLayers; ++i)
            many << Slot {QStringLiteral("/d%1").arg(i), SlotRole::Lower};
        const DropPlan plan
            = assembly::planUrlDrop(many, {QUrl::fromLocalFile(QStringLiteral("/dnew"))}, -1, fakeProbe);
        QVERIFY(!plan.any());
        QCOMPARE(plan.refused.size(), 1);
        QCOMPARE(plan.refused.first().why, Refusal::TooManyLayers);
        QVERIFY(refusalText(Refusal::TooManyLayers).contains(QStringLiteral("500")));
    }

    void applyMove_data()
    {
        QTest::addColumn<Slots>("before");
        QTest::addColumn<QList<int>>("rows");
        QTest::addColumn<int>("dest");
        QTest::addColumn<Slots>("after");

        const Slots base {up("/u"), wk("/w"), lo("/a"), lo("/b"), lo("/c"), da("/x")};
        QTest::newRow("lower down one") << base << QList<int> {2} << 4
                                        << Slots {up("/u"), wk("/w"), lo("/b"), lo("/a"), lo("/c"), da("/x")};
        QTest::newRow("lower to top of lowers")
            << base << QList<int> {4} << 2 << Slots {up("/u"), wk("/w"), lo("/c"), lo("/a"), lo("/b"), da("/x")};
        QTest::newRow("onto upper: top of lowers")
            << base << QList<int> {4} << 0 << Slots {up("/u"), wk("/w"), lo("/c"), lo("/a"), lo("/b"), da("/x")};
        QTest::newRow("lower into data") << base << QList<int> {2} << 6
                                         << Slots {up("/u"), wk("/w"), lo("/b"), lo("/c"), da("/x"), da("/a")};
        QTest::newRow("data into lowers")
            << base << QList<int> {5} << 3 << Slots {up("/u"), wk("/w"), lo("/a"), lo("/x"), lo("/b"), lo("/c")};
        QTest::newRow("upper dragged down is demoted")
            << base << QList<int> {0} << 4 << Slots {wk("/w"), lo("/a"), lo("/b"), lo("/u"), lo("/c"), da("/x")};
        QTest::newRow("two rows together")
            << base << QList<int> {2, 3} << 5 << Slots {up("/u"), wk("/w"), lo("/c"), lo("/a"), lo("/b"), da("/x")};
        QTest::newRow("upper back onto itself: unchanged") << base << QList<int> {0} << 0 << base;
        QTest::newRow("lower onto itself: unchanged") << base << QList<int> {3} << 3 << base;
        QTest::newRow("bad row: unchanged") << base << QList<int> {9} << 0 << base;
    }

    void applyMove()
    {
        QFETCH(Slots, before);
        QFETCH(QList<int>, rows);
        QFETCH(int, dest);
        QFETCH(Slots, after);
        const Slots moved = assembly::applyMove(before, rows, dest);
        QCOMPARE(moved, after);
        QVERIFY(isWellOrdered(moved));
        QCOMPARE(canMove(before, rows, dest), after != before);
    }

    void setRole()
    {
        const Slots base {up("/u"), lo("/a"), lo("/b")};
        // A new upper replaces the old one, which becomes the top lower.
        QCOMPARE(assembly::setRole(base, 2, SlotRole::Upper), (Slots {up("/b"), lo("/u"), lo("/a")}));
        QCOMPARE(assembly::setRole(base, 1, SlotRole::Work), (Slots {up("/u"), wk("/a"), lo("/b")}));
        QCOMPARE(assembly::setRole(base, 1, SlotRole::Data), (Slots {up("/u"), lo("/b"), da("/a")}));
        QCOMPARE(assembly::setRole(base, 7, SlotRole::Data), base);
    }

    void specRoundTrip()
    {
        const Slots s {up("/u"), wk("/w"), lo("/a"), lo("/b"), da("/x")};
        const stack::StackSpec spec = toSpec(s, QStringLiteral("t"));
        QCOMPARE(spec.lower, (std::vector<std::string> {"/a", "/b"}));
        QCOMPARE(spec.data, (std::vector<std::string> {"/x"}));
        QCOMPARE(spec.upper.value_or(""), std::string("/u"));
        QCOMPARE(spec.work.value_or(""), std::string("/w"));
        QCOMPARE(fromSpec(spec), s);
        const auto opts = toOverlayOptions(s);
        QCOMPARE(opts.lowers, spec.lower);
        QCOMPARE(opts.upper, spec.upper);
    }

    void modelDragAndDrop()
    {
        AssemblyModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString a = dir("a"), b = dir("b"), c = dir("c");

        QMimeData uris;
        uris.setUrls({QUrl::fromLocalFile(a), QUrl::fromLocalFile(b)});
        QVERIFY(model.mimeTypes().contains(QStringLiteral("text/uri-list")));
        // Not probed yet: accepted for now, probed in a worker; the drop waits for it.
        QVERIFY(model.canDropMimeData(&uris, Qt::CopyAction, -1, 0, {}));
        QVERIFY(model.probes()->isProbing());
        QVERIFY(model.dropMimeData(&uris, Qt::CopyAction, -1, 0, {}));
        QTRY_VERIFY(!model.hasPendingDrops());
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.slotList().first().path, a); // in drop order
        QVERIFY(!model.canDropMimeData(&uris, Qt::CopyAction, -1, 0, {})); // both already in the stack

        // Dropped onto an item: inserted before it.
        QMimeData one;
        one.setUrls({QUrl::fromLocalFile(c)});
        QVERIFY(model.dropMimeData(&one, Qt::CopyAction, -1, 0, model.index(0)));
        QTRY_VERIFY(!model.hasPendingDrops());
        QCOMPARE(model.slotList().first().path, c);

        // A file and a remote URL are refused, with reasons.
        QFile f(QString::fromStdString(m_dir / "plainfile"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        QMimeData bad;
        bad.setUrls({QUrl::fromLocalFile(f.fileName()), QUrl(QStringLiteral("https://example.org/x"))});
        // Refused as soon as the worker's probe says it is a file.
        QTRY_VERIFY(!model.canDropMimeData(&bad, Qt::CopyAction, -1, 0, {}));
        QSignalSpy refused(&model, &AssemblyModel::dropRefused);
        QVERIFY(!model.dropMimeData(&bad, Qt::CopyAction, -1, 0, {}));
        QVERIFY(refused.count() >= 1);
        QCOMPARE(model.lastRefused().size(), 2);

        // Internal move: the mime data of rows, dropped elsewhere.
        std::unique_ptr<QMimeData> rows(model.mimeData({model.index(0)}));
        QVERIFY(rows->hasFormat(AssemblyModel::rowsMimeType()));
        QCOMPARE(rows->urls(), QList<QUrl> {QUrl::fromLocalFile(c)}); // also a uri-list for file managers
        QVERIFY(model.canDropMimeData(rows.get(), Qt::MoveAction, 3, 0, {}));
        QVERIFY(!model.canDropMimeData(rows.get(), Qt::MoveAction, 0, 0, {})); // onto itself: nothing to do
        QVERIFY(model.dropMimeData(rows.get(), Qt::MoveAction, 3, 0, {}));
        QCOMPARE(model.slotList().last().path, c);
        QCOMPARE(model.rowCount(), 3); // moved, not copied
    }

    void widgetDrop()
    {
        AssemblyPanel panel(nullptr);
        panel.resize(500, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QWidget *viewport = panel.view()->viewport();
        const QString a = dir("wa"), b = dir("wb");

        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(a), QUrl::fromLocalFile(b)});
        const QPoint pos = viewport->rect().center();
        QDragEnterEvent enter(pos, Qt::CopyAction | Qt::MoveAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(viewport, &enter);
        QVERIFY(enter.isAccepted());
        QDragMoveEvent move(pos, Qt::CopyAction | Qt::MoveAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(viewport, &move);
        QVERIFY(move.isAccepted());
        QDropEvent drop(pos, Qt::CopyAction | Qt::MoveAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(viewport, &drop);
        QVERIFY(drop.isAccepted());
        QTRY_COMPARE(panel.model()->rowCount(), 2); // when the worker's probe is in

        // The live preflight follows the stack.
        QTRY_VERIFY(!panel.preflightJob()->isRunning());
        QVERIFY(panel.preflightModel()->rowCount() >= 1);

        // A drop the rules refuse is not accepted once the drag-enter's probe is in,
        // and dropping it anyway shows the reason inline.
        QMimeData file;
        file.setUrls({QUrl::fromLocalFile(QStringLiteral("/nonexistent/strata"))});
        QDragEnterEvent refusedEnter(pos, Qt::CopyAction, &file, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(viewport, &refusedEnter);
        QTRY_VERIFY(!panel.model()->probes()->isProbing());
        QDragMoveEvent refusedMove(pos, Qt::CopyAction, &file, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(viewport, &refusedMove);
        QVERIFY(!refusedMove.isAccepted());
        panel.model()->addDirectories({QStringLiteral("/nonexistent/strata")});
        QVERIFY(panel.messageBar()->text().contains(QStringLiteral("does not exist")));

        // Keyboard: select the last row, Alt+Up moves it up, Alt+U makes it the upper.
        panel.view()->setFocus();
        panel.view()->setCurrentIndex(panel.model()->index(1));
        QTest::keyClick(panel.view(), Qt::Key_Up, Qt::AltModifier);
        QCOMPARE(panel.model()->slotList().first().path, b);
        QTest::keyClick(panel.view(), Qt::Key_U, Qt::AltModifier);
        QCOMPARE(panel.model()->slotList().first().role, SlotRole::Upper);
        QTest::keyClick(panel.view(), Qt::Key_Delete);
        QCOMPARE(panel.model()->rowCount(), 1);
    }
};

STRATA_GUI_TEST_MAIN_REQUIRES(TestGuiAssembly, strata::test::requireNothing)
#include "test_gui_assembly.moc"
