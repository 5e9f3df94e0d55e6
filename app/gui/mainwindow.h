// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The main window: composition and the flow of a stack through the panels. Menus
// and actions are in mainwindow_actions.cpp; each panel is its own class.

#include "jobs.h"
#include "livewatch.h"
#include "mounter/mounter.h"
#include "mounts/mounttable.h"
#include "stack/layerstack.h"
#include "stackpanel.h"

#include <QMainWindow>
#include <QTemporaryDir>
#include <memory>
#include <optional>

class QMenu;
class QStackedWidget;
class QTabWidget;
class QAction;
class QPushButton;

namespace strata::gui {

class AssemblyPanel;
class ChangesDock;
class LiveWatch;
class VerifyReport;
class DetailsPane;
class MessageBar;
class MountWatcher;
class ReportViews;
class TreePanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(app::Mounter *mounter, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opening runs in a worker; stackOpened or openFailed follows.
    void openTarget(const QString &target); // a mount point, a stack file or a stack directory
    void openSpec(const stack::StackSpec &spec, const QString &title);
    void openLayerDirectory(const QString &dir); // layers on disk, nothing mounted (stack/layerlayout.h)
    void openDemo(); // creates the demo stack in a temporary directory first
    // Opens the stack again from where it came from (the mount table and the mount's
    // layers, the stack file, the directories), refreshes every view and keeps the
    // place in the tree (current entry, expanded dirs) where it still exists.
    // stackOpened or openFailed follows; placeRestored once the place is back.
    void reload();
    void showWelcome();
    void showAssembly();

    // Writes the open stack's spec as a stack file, in a worker.
    void saveStackTo(const QString &file);
    Job *saveJob() const { return m_saveJob; }

    std::shared_ptr<const stack::LayerStack> currentStack() const { return m_stack; }
    QString demoDir() const;
    StackPanel *stackPanel() const { return m_stackPanel; }
    TreePanel *treePanel() const { return m_treePanel; }
    DetailsPane *detailsPane() const { return m_details; }
    ReportViews *reportViews() const { return m_reports; }
    AssemblyPanel *assemblyPanel() const { return m_assembly; }
    QTabWidget *leftTabs() const { return m_leftTabs; }
    MessageBar *messageBar() const { return m_messages; }
    Job *summaryJob() const { return m_summaryJob; }
    Job *changesJob() const { return m_changesJob; }
    Job *identityJob() const { return m_identityJob; }
    // The restamp preview for the open stack (from the layer badge); nullptr when its
    // identity has not drifted.
    class RestampDialog *openRestampDialog();
    // Live lower-layer changes (livewatch.h): the watcher, its feed, the banner a
    // change raises over a kernel overlay mount, and its Verify report.
    LiveWatch *liveWatch() const { return m_live; }
    ChangesDock *changesDock() const { return m_changesDock; }
    MessageBar *staleBanner() const { return m_staleBanner; }
    QPushButton *verifyButton() const { return m_verifyButton; }
    VerifyReport *verifyReport() const { return m_verifyReport; }
    void verifyMount(); // opens the report and runs the comparison in a worker

Q_SIGNALS:
    void stackOpened();
    void openFailed(const QString &reason);
    void placeRestored();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void buildLayout();
    void createActions(); // mainwindow_actions.cpp
    void updateRecentMenu();
    void addRecent(const QString &target);
    void openMountDialog();
    void openStackFileDialog();
    void openDirectoryDialog();
    void saveStackDialog();

    // Where the open stack came from: a TARGET (mount point or stack file) or a spec.
    struct Source {
        QString target;
        std::optional<stack::StackSpec> spec;
        QString title;
        bool layerDirectory = false; // target is read as layers on disk (stack/layerlayout.h)
    };
    void open(const Source &source, bool keepPlace);
    void setStack(std::shared_ptr<const stack::LayerStack> stack, const QString &title);
    void applyView(ViewMode mode, int layer);
    void showDetailsFor(const QModelIndex &sourceIndex);
    void setUpLiveChanges(); // mainwindow_live.cpp
    void applyLiveChanges(const QList<LiveChange> &changes);

    app::Mounter *m_mounter;
    std::shared_ptr<const stack::LayerStack> m_stack;
    std::optional<Source> m_source;
    std::shared_ptr<QTemporaryDir> m_demoDir; // removed in a worker when let go

    QStackedWidget *m_pages = nullptr;
    MessageBar *m_messages = nullptr;
    QTabWidget *m_leftTabs = nullptr;
    StackPanel *m_stackPanel = nullptr;
    AssemblyPanel *m_assembly = nullptr;
    TreePanel *m_treePanel = nullptr;
    DetailsPane *m_details = nullptr;
    ReportViews *m_reports = nullptr;
    MountWatcher *m_watcher = nullptr;
    Job *m_openJob = nullptr;
    Job *m_summaryJob = nullptr;
    Job *m_changesJob = nullptr;
    Job *m_saveJob = nullptr;
    Job *m_identityJob = nullptr; // the uuid-drift check of the open stack
    QMenu *m_recentMenu = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_privilegedAction = nullptr; // enabled when trusted.* is unreadable here
    LiveWatch *m_live = nullptr;
    ChangesDock *m_changesDock = nullptr;
    MessageBar *m_staleBanner = nullptr;
    QPushButton *m_verifyButton = nullptr;
    VerifyReport *m_verifyReport = nullptr;
};

} // namespace strata::gui
