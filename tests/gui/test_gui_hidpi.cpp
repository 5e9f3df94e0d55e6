// SPDX-License-Identifier: GPL-2.0-or-later
// HiDPI: the main window offscreen at device pixel ratio 2 (QT_SCALE_FACTOR=2, set
// by ctest), the demo stack open. Every icon the window shows (actions, buttons,
// tabs, item decorations: layer colour chips, badges, file types), rendered for its
// logical size at ratio 2 (and 3), has that many pixels (no 1x bitmap stretched up), with
// the platform's icon theme and with only the bundled fallbacks; the message bar's
// icon is a 2x pixmap; and widgets whose size is capped still fit what they show.
#include "application.h"
#include "guitesthelpers.h"
#include "guitestmain.h"
#include "layerstackmodel.h"
#include "mainwindow.h"
#include "messagebar.h"
#include "reportviews.h"
#include "stackpanel.h"
#include "testenv.h"
#include "treepanel.h"

#include <QAbstractButton>
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QProgressBar>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStyle>
#include <QTabWidget>
#include <QTreeView>

using namespace strata;
using namespace strata::gui;

namespace {

struct Shown {
    QString where;
    QIcon icon;
    QSize size; // logical
    bool fromModel = false;
};

QSize smallIcon(const QWidget *w)
{
    const int px = w->style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, w);
    return {px, px};
}

void collectViewIcons(const QAbstractItemView *view, const QModelIndex &parent, int depth, QList<Shown> &out)
{
    const QAbstractItemModel *m = view->model();
    if (!m)
        return;
    const QSize size = view->iconSize().isValid() ? view->iconSize() : smallIcon(view);
    for (int r = 0; r < std::min(m->rowCount(parent), 40); ++r)
        for (int c = 0; c < m->columnCount(parent); ++c) {
            const QModelIndex i = m->index(r, c, parent);
            const QVariant d = i.data(Qt::DecorationRole);
            if (d.canConvert<QIcon>() && !d.value<QIcon>().isNull())
                out.append({QStringLiteral("%1 row %2 col %3: %4")
                                .arg(view->accessibleName(), QString::number(r), QString::number(c),
                                     i.siblingAtColumn(0).data().toString()),
                            d.value<QIcon>(), size, true});
            if (c == 0 && depth < 3 && m->hasChildren(i))
                collectViewIcons(view, i, depth + 1, out);
        }
}

QList<Shown> iconsOf(const QWidget *window)
{
    QList<Shown> out;
    for (const QAction *a : window->findChildren<QAction *>())
        if (!a->icon().isNull())
            out.append({QStringLiteral("action ") + a->text(), a->icon(), smallIcon(window)});
    for (const QAbstractButton *b : window->findChildren<QAbstractButton *>())
        if (!b->icon().isNull())
            out.append({QStringLiteral("button ") + (b->text().isEmpty() ? b->toolTip() : b->text()), b->icon(),
                        b->iconSize()});
    for (const QTabWidget *t : window->findChildren<QTabWidget *>())
        for (int i = 0; i < t->count(); ++i)
            if (!t->tabIcon(i).isNull())
                out.append({QStringLiteral("tab ") + t->tabText(i), t->tabIcon(i), t->iconSize()});
    for (const QComboBox *c : window->findChildren<QComboBox *>())
        for (int i = 0; i < c->count(); ++i)
            if (!c->itemIcon(i).isNull())
                out.append({QStringLiteral("combo item ") + c->itemText(i), c->itemIcon(i), c->iconSize()});
    for (const QAbstractItemView *v : window->findChildren<QAbstractItemView *>())
        collectViewIcons(v, {}, 0, out);
    return out;
}

} // namespace

class TestGuiHiDpi : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        setupApplication(*qApp);
        QVERIFY2(qApp->devicePixelRatio() == 2.0,
                 qPrintable(QStringLiteral("device pixel ratio %1: run with QT_SCALE_FACTOR=2 (ctest does)")
                                .arg(qApp->devicePixelRatio())));
    }

    void iconsAreDrawnAtTwiceThePixels_data()
    {
        QTest::addColumn<QString>("theme");
        QTest::newRow("platform theme") << QIcon::themeName();
        // A theme that does not exist: every name comes from the bundled fallbacks.
        QTest::newRow("bundled fallbacks only") << QStringLiteral("strata-no-such-theme");
    }

    void iconsAreDrawnAtTwiceThePixels()
    {
        QFETCH(QString, theme);
        const QString before = QIcon::themeName();
        QIcon::setThemeName(theme);
        auto restore = qScopeGuard([&]() { QIcon::setThemeName(before); });
        if (QTest::currentDataTag() == QLatin1String("bundled fallbacks only"))
            for (const char *name : {"folder", "list-add", "dialog-warning", "view-refresh", "process-stop"}) {
                // Served by the bundled theme, which has every size up to 96 px.
                const QIcon icon = QIcon::fromTheme(QString::fromLatin1(name));
                QVERIFY2(icon.availableSizes().contains(QSize(96, 96)), name);
            }

        MainWindow w(nullptr);
        w.resize(1280, 820);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(w.devicePixelRatio(), 2.0);
        QSignalSpy opened(&w, &MainWindow::stackOpened);
        w.openDemo();
        QVERIFY(opened.wait(20000));
        auto *model = w.treePanel()->model();
        QTRY_VERIFY_WITH_TIMEOUT(model->pendingFetches() == 0 && model->rowCount() > 0, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!w.summaryJob()->isRunning(), 20000);
        w.messageBar()->showMessage(MessageBar::Kind::Warning, QStringLiteral("a warning at 2x"));

        const QList<Shown> icons = iconsOf(&w);
        QVERIFY(icons.size() > 20);
        int chips = 0;
        QStringList wrong;
        for (const Shown &s : icons) {
            // Ratio 2 is the screen's; ratio 3 is asked directly of our icons (theme
            // names, and the models' decorations), not of the style's own (a line
            // edit's clear button, tab scroll arrows).
            const bool ours = !s.icon.name().isEmpty() || s.fromModel;
            for (const qreal ratio : {2.0, 3.0}) {
                if (ratio > 2 && !ours)
                    continue;
                const QPixmap pm = s.icon.pixmap(s.size, ratio);
                const QSize want = s.size * ratio;
                // The icon's own largest bitmap (empty for scalable icons).
                QSize largest;
                for (const QSize &a : s.icon.availableSizes())
                    largest = largest.expandedTo(a);
                const bool sharp = std::abs(pm.devicePixelRatio() - ratio) < 0.01
                    && std::max(pm.width(), pm.height()) == std::max(want.width(), want.height())
                    && (largest.isEmpty() || std::max(largest.width(), largest.height()) >= want.width());
                if (!sharp)
                    wrong << QStringLiteral("%1: %2x%3 at ratio %4 for %5x%6 logical at %7 (largest %8x%9)")
                                 .arg(s.where)
                                 .arg(pm.width())
                                 .arg(pm.height())
                                 .arg(pm.devicePixelRatio())
                                 .arg(s.size.width())
                                 .arg(s.size.height())
                                 .arg(ratio)
                                 .arg(largest.width())
                                 .arg(largest.height());
            }
            chips += s.where.contains(QLatin1String("Layers row"));
        }
        QVERIFY(chips >= 3); // the layer list's colour chips were among them
        QVERIFY(std::count_if(icons.begin(), icons.end(), [](const Shown &s) { return !s.icon.name().isEmpty(); })
                > 15); // and the theme's icons
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1Char('\n'))));

        // The message bar's icon is drawn for the screen it is on.
        const auto labels = w.messageBar()->findChildren<QLabel *>();
        const auto icon = std::find_if(labels.begin(), labels.end(), [](QLabel *l) { return !l->pixmap().isNull(); });
        QVERIFY(icon != labels.end());
        QCOMPARE((*icon)->pixmap().devicePixelRatio(), 2.0);
    }

    // Widgets with a capped size still show all they hold at ratio 2.
    void nothingIsClipped()
    {
        MainWindow w(nullptr);
        w.resize(1280, 820);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy opened(&w, &MainWindow::stackOpened);
        w.openDemo();
        QVERIFY(opened.wait(20000));
        // The counting is over, so nothing hides the progress row shown here.
        QTRY_VERIFY_WITH_TIMEOUT(!w.summaryJob()->isRunning(), 20000);
        w.stackPanel()->setScanProgress(true, 12345);
        w.messageBar()->showMessage(MessageBar::Kind::Error, QStringLiteral("an error at 2x"));
        QApplication::processEvents(); // the layouts settle: nothing timed
        QStringList clipped;
        for (QWidget *child : w.findChildren<QWidget *>()) {
            if (!child->isVisible())
                continue;
            const bool capped = child->maximumHeight() < QWIDGETSIZE_MAX || child->maximumWidth() < QWIDGETSIZE_MAX;
            const bool shows = qobject_cast<QLabel *>(child) || qobject_cast<QAbstractButton *>(child)
                || qobject_cast<QProgressBar *>(child) || qobject_cast<QComboBox *>(child);
            if (!capped && !shows)
                continue;
            const QSize need = child->minimumSizeHint();
            if (need.isValid() && child->height() < need.height())
                clipped << QStringLiteral("%1 \"%2\": height %3 < %4")
                               .arg(QString::fromLatin1(child->metaObject()->className()), child->objectName())
                               .arg(child->height())
                               .arg(need.height());
        }
        QVERIFY2(clipped.isEmpty(), qPrintable(clipped.join(QLatin1Char('\n'))));
    }
};

STRATA_GUI_TEST_MAIN_REQUIRES(TestGuiHiDpi, test::requireNothing)
#include "test_gui_hidpi.moc"
