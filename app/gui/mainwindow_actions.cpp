// SPDX-License-Identifier: GPL-2.0-or-later
// The main window's menus, shortcuts, dialogs and recent stacks.
#include "mainwindow.h"

#include "assemblypanel.h"
#include "changesdock.h"
#include "detailspane.h"
#include "doctordialog.h"
#include "guitext.h"
#include "messagebar.h"
#include "mountsdialog.h"
#include "privilegedfacts.h"
#include "reportviews.h"
#include "stack/mountoptions.h"
#include "stacksave.h"
#include "treepanel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QFileDialog>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTreeView>

namespace strata::gui {

static const auto kRecentKey = QStringLiteral("recent/stacks");
static constexpr int kMaxRecent = 10;

static QAction *menuAction(QMenu *menu, const QString &icon, const QString &text, const QKeySequence &key)
{
    QAction *a = menu->addAction(QIcon::fromTheme(icon), text);
    if (!key.isEmpty())
        a->setShortcut(key);
    return a;
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    connect(menuAction(file, QStringLiteral("drive-harddisk"), tr("Open &Mounted Stack…"),
                       QKeySequence(Qt::CTRL | Qt::Key_M)),
            &QAction::triggered, this, &MainWindow::openMountDialog);
    connect(menuAction(file, QStringLiteral("document-open"), tr("&Open Stack File…"), QKeySequence::Open),
            &QAction::triggered, this, &MainWindow::openStackFileDialog);
    connect(menuAction(file, QStringLiteral("folder-open"), tr("Open Layer &Directory…"),
                       QKeySequence(Qt::CTRL | Qt::Key_D)),
            &QAction::triggered, this, &MainWindow::openDirectoryDialog);
    m_recentMenu = file->addMenu(QIcon::fromTheme(QStringLiteral("document-open-recent")), tr("Open &Recent"));
    connect(menuAction(file, QStringLiteral("applications-education"), tr("Open D&emo Stack"), {}), &QAction::triggered,
            this, &MainWindow::openDemo);
    file->addSeparator();
    connect(menuAction(file, QStringLiteral("list-add"), tr("&Assemble New Stack"), QKeySequence::New),
            &QAction::triggered, this, &MainWindow::showAssembly);
    m_saveAction = menuAction(file, QStringLiteral("document-save-as"), tr("&Save Stack As…"), QKeySequence::Save);
    m_saveAction->setEnabled(false);
    connect(m_saveAction, &QAction::triggered, this, &MainWindow::saveStackDialog);
    file->addSeparator();
    connect(menuAction(file, QStringLiteral("application-exit"), tr("&Quit"), QKeySequence::Quit), &QAction::triggered,
            this, &QWidget::close);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *whiteouts = view->addAction(tr("Show &Whiteouts"));
    whiteouts->setCheckable(true);
    whiteouts->setChecked(true);
    whiteouts->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
    connect(whiteouts, &QAction::toggled, m_treePanel->whiteoutsToggle(), &QCheckBox::setChecked);
    connect(m_treePanel->whiteoutsToggle(), &QCheckBox::toggled, whiteouts, &QAction::setChecked);
    view->addSeparator();
    const std::pair<QString, ViewMode> modes[] = {{tr("&Merged View"), ViewMode::Merged},
                                                  {tr("Selected &Layer Only"), ViewMode::LayerOnly},
                                                  {tr("&Cumulative up to Selected Layer"), ViewMode::Cumulative}};
    int n = 1;
    for (const auto &[text, mode] : modes) {
        QAction *a = view->addAction(text);
        a->setShortcut(QKeySequence(Qt::ALT | (Qt::Key_0 + n++)));
        connect(a, &QAction::triggered, this, [this, mode]() { m_stackPanel->setViewMode(mode); });
    }
    view->addSeparator();
    connect(menuAction(view, QStringLiteral("edit-find"), tr("&Find Path…"), QKeySequence::Find), &QAction::triggered,
            this, [this]() {
                m_treePanel->searchField()->setFocus();
                m_treePanel->searchField()->selectAll();
            });
    // Keyboard users move between the panes directly.
    const std::pair<QString, std::function<QWidget *()>> panes[] = {
        {tr("Go to &Layers"), [this]() { return static_cast<QWidget *>(m_stackPanel->view()); }},
        {tr("Go to &Tree"), [this]() { return static_cast<QWidget *>(m_treePanel->view()); }},
        {tr("Go to &Details"), [this]() { return static_cast<QWidget *>(m_details); }},
        {tr("Go to &Reports"), [this]() { return m_reports->currentWidget(); }},
    };
    n = 1;
    for (const auto &[text, target] : panes) {
        QAction *a = view->addAction(text);
        a->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_0 + n++)));
        connect(a, &QAction::triggered, this, [this, target]() {
            QWidget *w = target();
            if (w == m_stackPanel->view())
                m_leftTabs->setCurrentWidget(m_stackPanel);
            w->setFocus(Qt::ShortcutFocusReason);
        });
    }
    connect(menuAction(view, QStringLiteral("view-refresh"), tr("&Reload"), QKeySequence::Refresh), &QAction::triggered,
            this, &MainWindow::reload);
    // The doctor for the open stack: every reason it would not mount, and the fixes.
    connect(menuAction(view, QStringLiteral("help-hint"), tr("Why Won't It &Mount?"), {}), &QAction::triggered, this,
            [this]() {
                if (!m_stack)
                    return;
                auto *dialog = new DoctorDialog(stack::overlayOptionsFor(m_stack->spec()), windowTitle(), this);
                dialog->setAttribute(Qt::WA_DeleteOnClose);
                dialog->show();
            });
    // What trusted.overlay.* says, read by strata-helper, for a user who cannot read it.
    m_privilegedAction = menuAction(view, QStringLiteral("security-high"), tr("Overlay Facts as &Administrator…"), {});
    m_privilegedAction->setEnabled(false);
    connect(m_privilegedAction, &QAction::triggered, this, [this]() {
        if (!m_stack)
            return;
        auto *dialog = new PrivilegedFactsDialog(m_stack->spec(), windowTitle(), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
        dialog->ask();
    });
    view->addSeparator();
    view->addAction(m_changesDock->toggleViewAction()); // the live feed (mainwindow_live.cpp)

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    connect(help->addAction(QIcon::fromTheme(QStringLiteral("help-about")), tr("&About Strata")), &QAction::triggered,
            this, [this]() {
                QMessageBox::about(this, tr("About Strata"),
                                   tr("<h3>Strata %1</h3><p>Inspect and manage layered (overlayfs) mounts.</p>")
                                       .arg(QStringLiteral(STRATA_VERSION)));
            });
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
    for (const QString &target : recent)
        connect(m_recentMenu->addAction(target), &QAction::triggered, this, [this, target]() { openTarget(target); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::addRecent(const QString &target)
{
    QSettings settings;
    QStringList recent = settings.value(kRecentKey).toStringList();
    recent.removeAll(target);
    recent.prepend(target);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(kRecentKey, recent);
    updateRecentMenu();
}

void MainWindow::openMountDialog()
{
    MountsDialog dialog(m_watcher, this);
    if (dialog.exec() == QDialog::Accepted && !dialog.selectedMountpoint().isEmpty())
        openTarget(dialog.selectedMountpoint());
}

void MainWindow::openStackFileDialog()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Open stack file"), QString(),
                                                      tr("Stack files (*.json);;All files (*)"));
    if (!file.isEmpty())
        openTarget(file);
}

void MainWindow::openDirectoryDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Open layers on disk: a layer, a directory of lower*/ upper/ work/, or a Docker/Podman layer"));
    if (!dir.isEmpty())
        openLayerDirectory(dir);
}

void MainWindow::saveStackDialog()
{
    if (!m_stack)
        return;
    if (const QString file = askStackFileName(this); !file.isEmpty())
        saveStackTo(file);
}

void MainWindow::saveStackTo(const QString &file)
{
    if (!m_stack)
        return;
    saveStackFile(*m_saveJob, file, m_stack->spec(), [this](bool ok, const QString &message) {
        if (ok)
            statusBar()->showMessage(message, 5000);
        else
            m_messages->showMessage(MessageBar::Kind::Error, message);
    });
}

} // namespace strata::gui
