// SPDX-License-Identifier: GPL-2.0-or-later
#include "mainwindow.h"

#include "assemblypanel.h"
#include "changesdock.h"
#include "detailspane.h"
#include "guitext.h"
#include "identitytext.h"
#include "layercolors.h"
#include "messagebar.h"
#include "mountwatcher.h"
#include "reportviews.h"
#include "restampdialog.h"
#include "stack/demostack.h"
#include "stack/identitycheck.h"
#include "stack/layerlayout.h"
#include "stack/mergedtree.h"
#include "stack/summary.h"
#include "treepanel.h"
#include "treeplace.h"

#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QThreadPool>
#include <QTreeView>
#include <QVBoxLayout>

namespace strata::gui {

MainWindow::MainWindow(app::Mounter *mounter, QWidget *parent)
    : QMainWindow(parent)
    , m_mounter(mounter)
    , m_openJob(new Job(this))
    , m_summaryJob(new Job(this))
    , m_changesJob(new Job(this))
    , m_saveJob(new Job(this))
    , m_identityJob(new Job(this))
{
    setWindowTitle(tr("Strata"));
    buildLayout();
    createActions();
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    if (!settings.contains(QStringLiteral("window/geometry")))
        resize(1280, 820);
    showWelcome();
}

MainWindow::~MainWindow() = default;

static QWidget *makeWelcome(MainWindow *w, const std::function<void(int)> &choose)
{
    auto *page = new QWidget(w);
    auto *layout = new QVBoxLayout(page);
    layout->addStretch(1);
    auto *title = new QLabel(MainWindow::tr("<h2>Nothing is open</h2><p>Strata shows a layer stack the way the kernel "
                                            "sees it: where every file comes from, what is hidden, what was copied "
                                            "up.</p>"),
                             page);
    title->setAlignment(Qt::AlignCenter);
    title->setWordWrap(true);
    layout->addWidget(title);
    const QStringList labels = {
        MainWindow::tr("Open the &demo stack (every overlay state, created in a temporary directory)"),
        MainWindow::tr("Open a &mounted stack…"),
        MainWindow::tr("Open a stack &file…"),
        MainWindow::tr("&Assemble a new stack…"),
    };
    const char *icons[] = {"applications-education", "drive-harddisk", "document-open", "list-add"};
    for (int i = 0; i < labels.size(); ++i) {
        auto *b = new QPushButton(QIcon::fromTheme(QString::fromLatin1(icons[i])), labels.at(i), page);
        b->setObjectName(QStringLiteral("welcome%1").arg(i));
        QObject::connect(b, &QPushButton::clicked, page, [choose, i]() { choose(i); });
        auto *row = new QHBoxLayout;
        row->addStretch(1);
        row->addWidget(b);
        row->addStretch(1);
        layout->addLayout(row);
    }
    layout->addStretch(2);
    return page;
}

void MainWindow::buildLayout()
{
    m_watcher = new MountWatcher(this);
    m_stackPanel = new StackPanel(this);
    m_assembly = new AssemblyPanel(m_mounter, this);
    m_treePanel = new TreePanel(this);
    m_details = new DetailsPane(this);
    m_reports = new ReportViews(this);
    m_messages = new MessageBar(this);

    m_leftTabs = new QTabWidget(this);
    m_leftTabs->addTab(m_stackPanel, QIcon::fromTheme(QStringLiteral("view-list-tree")), tr("&Layers"));
    m_leftTabs->addTab(m_assembly, QIcon::fromTheme(QStringLiteral("list-add")), tr("Assem&ble"));

    auto *top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(m_leftTabs);
    top->addWidget(m_treePanel);
    top->addWidget(m_details);
    top->setStretchFactor(0, 2);
    top->setStretchFactor(1, 4);
    top->setStretchFactor(2, 2);
    top->setSizes({380, 620, 300});
    auto *vertical = new QSplitter(Qt::Vertical, this);
    vertical->addWidget(top);
    vertical->addWidget(m_reports);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 1);
    vertical->setSizes({560, 220});

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(makeWelcome(this, [this](int choice) {
        switch (choice) {
        case 0:
            openDemo();
            break;
        case 1:
            openMountDialog();
            break;
        case 2:
            openStackFileDialog();
            break;
        case 3:
            showAssembly();
            break;
        }
    }));
    m_pages->addWidget(vertical);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_messages);
    m_staleBanner = new MessageBar(this);
    layout->addWidget(m_staleBanner);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);
    setUpLiveChanges();

    // Dropping directories on the layer list starts assembling a stack from them.
    m_stackPanel->view()->viewport()->installEventFilter(this);
    m_stackPanel->view()->setAcceptDrops(true);

    connect(m_stackPanel, &StackPanel::viewChanged, this, &MainWindow::applyView);
    connect(m_stackPanel, &StackPanel::cancelScanRequested, m_summaryJob, &Job::cancel);
    // The "uuid changed" badge opens the restamp preview.
    connect(m_stackPanel->view(), &QAbstractItemView::doubleClicked, this, [this](const QModelIndex &index) {
        if (index.data(LayerStackModel::IdentityDriftRole).toBool())
            openRestampDialog();
    });
    connect(m_treePanel, &TreePanel::currentEntryChanged, this, &MainWindow::showDetailsFor);
    connect(m_reports, &ReportViews::pathActivated, this, [this](const QByteArray &path) {
        if (!m_treePanel->selectPath(path.toStdString()))
            statusBar()->showMessage(
                tr("%1 is not loaded in the tree yet: open its directory first").arg(pathText(path.toStdString())),
                5000);
    });
    connect(m_assembly, &AssemblyPanel::inspectRequested, this,
            [this](const stack::StackSpec &spec) { openSpec(spec, tr("Assembled stack")); });
    connect(m_assembly, &AssemblyPanel::mounted, this, [this](const QString &mp) { openTarget(mp); });
    connect(m_summaryJob, &Job::progressChanged, this, [this](quint64 n) {
        m_stackPanel->setScanProgress(true, n);
        m_reports->setSummaryRunning(true, n);
    });
    connect(m_summaryJob, &Job::started, this, [this]() { m_stackPanel->setScanProgress(true, 0); });
    connect(m_summaryJob, &Job::finished, this, [this]() { m_stackPanel->setScanProgress(false, 0); });
    connect(m_summaryJob, &Job::cancelled, this, [this]() {
        m_stackPanel->setScanProgress(false, 0);
        m_reports->summaryTab()->setStatus(tr("Counting cancelled"));
    });
    connect(m_openJob, &Job::started, this, [this]() { statusBar()->showMessage(tr("Opening…")); });
}

void MainWindow::showWelcome()
{
    m_pages->setCurrentIndex(0);
}

void MainWindow::showAssembly()
{
    m_pages->setCurrentIndex(1);
    m_leftTabs->setCurrentWidget(m_assembly);
    m_assembly->view()->setFocus();
}

QString MainWindow::demoDir() const
{
    return m_demoDir ? m_demoDir->path() : QString();
}

void MainWindow::openTarget(const QString &target)
{
    open(Source {target, std::nullopt, target}, false);
}

void MainWindow::openLayerDirectory(const QString &dir)
{
    open(Source {dir, std::nullopt, dir, true}, false);
}

void MainWindow::openSpec(const stack::StackSpec &spec, const QString &title)
{
    open(Source {{}, spec, title}, false);
}

void MainWindow::reload()
{
    if (m_source)
        open(*m_source, true);
}

void MainWindow::open(const Source &source, bool keepPlace)
{
    m_messages->clearMessages();
    std::optional<TreePlace> place;
    if (keepPlace)
        place = TreePlace::capture(m_treePanel);
    m_openJob->start([this, source, place](Job::Control &) -> Job::Apply {
        const std::string target = QFile::encodeName(source.target).toStdString();
        Result<std::shared_ptr<const stack::LayerStack>> stack = fail(Error {});
        if (source.spec)
            stack = stack::LayerStack::fromSpec(*source.spec);
        else if (!source.layerDirectory)
            stack = stack::LayerStack::open(target);
        else if (auto spec = stack::specFromLayerDirectory(target))
            stack = stack::LayerStack::fromSpec(*spec);
        else
            stack = fail(spec.error());
        return [this, stack = std::move(stack), source, place]() {
            if (!stack) {
                const QString why = errorText(stack.error());
                m_messages->showMessage(MessageBar::Kind::Error, tr("Could not open %1: %2").arg(source.title, why));
                statusBar()->clearMessage();
                Q_EMIT openFailed(why);
                return;
            }
            if (!source.target.isEmpty() && !source.layerDirectory)
                addRecent(source.target);
            m_source = source;
            setStack(*stack, source.title);
            if (place)
                connect(TreePlaceRestorer::start(m_treePanel, *place), &TreePlaceRestorer::finished, this,
                        &MainWindow::placeRestored);
        };
    });
}

// A temporary directory whose recursive removal runs in the thread pool (the
// application waits for the pool before it exits, so it still happens at quit).
static std::shared_ptr<QTemporaryDir> removedInWorker(std::unique_ptr<QTemporaryDir> dir)
{
    return std::shared_ptr<QTemporaryDir>(
        dir.release(), [](QTemporaryDir *d) { QThreadPool::globalInstance()->start([d]() { delete d; }); });
}

void MainWindow::openDemo()
{
    const QString pattern = QDir::tempPath() + QStringLiteral("/strata-demo-XXXXXX");
    m_openJob->start([this, pattern](Job::Control &) -> Job::Apply {
        auto made = std::make_unique<QTemporaryDir>(pattern);
        if (!made->isValid())
            return [this, why = made->errorString()]() {
                m_messages->showMessage(MessageBar::Kind::Error,
                                        tr("Could not create a temporary directory: %1").arg(why));
                Q_EMIT openFailed(why);
            };
        std::shared_ptr<QTemporaryDir> dir = removedInWorker(std::move(made));
        const std::string path = QFile::encodeName(dir->path()).toStdString();
        Result<std::shared_ptr<const stack::LayerStack>> stack = fail(makeError(path, "no demo"));
        auto spec = stack::createDemoStack(path);
        if (spec) {
            spec->name = "demo";
            stack = stack::LayerStack::fromSpec(*spec);
        } else {
            stack = fail(spec.error());
        }
        return [this, stack = std::move(stack), dir]() {
            if (!stack) {
                const QString why = errorText(stack.error());
                m_messages->showMessage(MessageBar::Kind::Error, tr("Could not create the demo stack: %1").arg(why));
                Q_EMIT openFailed(why);
                return;
            }
            m_demoDir = dir; // the one before is removed in a worker
            m_source = Source {{}, stack.value()->spec(), tr("Demo stack in %1").arg(demoDir())};
            setStack(*stack, m_source->title);
            m_assembly->model()->setSlots(assembly::fromSpec(stack.value()->spec()));
        };
    });
}

void MainWindow::setStack(std::shared_ptr<const stack::LayerStack> stack, const QString &title)
{
    m_summaryJob->cancel();
    m_changesJob->cancel();
    m_stack = stack;
    m_pages->setCurrentIndex(1);
    m_leftTabs->setCurrentWidget(m_stackPanel);
    setWindowTitle(tr("%1 — Strata").arg(title));
    statusBar()->showMessage(tr("%n layers, xattrs in %1.overlay.*", nullptr, int(stack->layers().size()))
                                 .arg(QString::fromUtf8(ovl::namespaceLabel(stack->xattrNamespace()).data())));
    if (m_saveAction)
        m_saveAction->setEnabled(true);

    m_stackPanel->setStack(stack, title);
    QStringList labels;
    for (const auto &l : stack->layers())
        labels << QStringLiteral("%1 %2").arg(layerLabel(l.index, l.role == stack::Role::Upper), displayText(l.path));
    m_treePanel->setLayers(labels);
    if (m_privilegedAction)
        m_privilegedAction->setEnabled(!stack->canReadOverlayXattrs());
    if (!stack->canReadOverlayXattrs())
        m_stackPanel->messageBar()->showMessage(
            MessageBar::Kind::Warning,
            tr("trusted.overlay.* xattrs are unreadable without CAP_SYS_ADMIN: opaque dirs, redirects, origins and "
               "metacopy are shown as unknown, never guessed. View > Overlay Facts as Administrator asks "
               "strata-helper to read them."));
    m_details->showNothing();
    m_reports->setStack(stack);
    m_staleBanner->clearMessages();
    m_changesDock->setStack(stack);
    m_live->setStack(stack);
    applyView(ViewMode::Merged, 0);

    m_identityJob->start([this, stack](Job::Control &) -> Job::Apply {
        auto verdict = stack::checkIdentity(*stack);
        return [this, verdict = std::move(verdict)]() {
            m_stackPanel->model()->setIdentity(verdict);
            if (verdict.state == stack::IdentityState::Drifted)
                m_stackPanel->messageBar()->showMessage(MessageBar::Kind::Warning,
                                                        identityHeadline(verdict) + QLatin1Char(' ')
                                                            + tr("Double-click the \"uuid changed\" badge for the "
                                                                 "ways out."));
        };
    });
    m_summaryJob->start([this, stack](Job::Control &ctl) -> Job::Apply {
        stack::ScanControl sc;
        sc.cancel = &ctl.cancel;
        sc.progress = [&ctl](uint64_t n) { ctl.progress = n; };
        auto summary = stack::summarizeStack(*stack, sc);
        return [this, summary = std::move(summary)]() {
            if (!summary) {
                m_stackPanel->messageBar()->showMessage(MessageBar::Kind::Error, errorText(summary.error()));
                return;
            }
            m_stackPanel->model()->setSummary(*summary);
            m_reports->setSummary(*summary);
            for (const Error &e : summary->problems)
                m_stackPanel->messageBar()->showMessage(MessageBar::Kind::Warning, errorText(e));
        };
    });
    Q_EMIT stackOpened();
}

RestampDialog *MainWindow::openRestampDialog()
{
    const auto &verdict = m_stackPanel->model()->identity();
    if (!m_stack || !verdict || verdict->state != stack::IdentityState::Drifted)
        return nullptr;
    auto *dialog = new RestampDialog(m_stack, *verdict, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &RestampDialog::restamped, this, [this](bool ok) {
        if (ok)
            reload();
    });
    dialog->show();
    return dialog;
}

void MainWindow::applyView(ViewMode mode, int layer)
{
    if (!m_stack)
        return;
    m_changesJob->cancel();
    const auto &layers = m_stack->layers();
    if (mode != ViewMode::Merged && (layer < 0 || size_t(layer) >= m_stack->mergedLayerCount())) {
        m_treePanel->messageBar()->showMessage(MessageBar::Kind::Info,
                                               tr("Data-only layers are not merged into the tree; their files are "
                                                  "reached through metacopy redirects."));
        mode = ViewMode::Merged;
        layer = 0;
    }
    const int top = mode == ViewMode::Merged ? 0 : layer;
    auto tree = std::make_shared<const stack::MergedTree>(m_stack, top);
    const QString label = layer >= 0 && size_t(layer) < layers.size()
        ? layerLabel(layer, layers[size_t(layer)].role == stack::Role::Upper)
        : QString();
    QString caption;
    switch (mode) {
    case ViewMode::Merged:
        caption = tr("Merged view of %n layers", nullptr, int(m_stack->mergedLayerCount()));
        break;
    case ViewMode::LayerOnly:
        caption = tr("Only what %1 holds — green: added, amber: modified, red: deleted").arg(label);
        break;
    case ViewMode::Cumulative:
        caption = tr("Cumulative view: %1 and the layers below it").arg(label);
        break;
    }
    m_treePanel->proxy()->setOnlyLayer(mode == ViewMode::LayerOnly ? layer : -1);
    m_treePanel->setTree(tree, caption);
    m_details->showNothing();
    if (mode == ViewMode::Merged)
        return;
    auto stack = m_stack;
    m_changesJob->start([this, stack, layer](Job::Control &ctl) -> Job::Apply {
        stack::ScanControl sc;
        sc.cancel = &ctl.cancel;
        sc.progress = [&ctl](uint64_t n) { ctl.progress = n; };
        auto changes = stack::layerChanges(*stack, layer, sc);
        return [this, changes = std::move(changes)]() {
            if (!changes) {
                m_treePanel->messageBar()->showMessage(MessageBar::Kind::Warning, errorText(changes.error()));
                return;
            }
            m_treePanel->model()->setChanges(*changes);
        };
    });
}

void MainWindow::showDetailsFor(const QModelIndex &sourceIndex)
{
    const stack::MergedEntry *e = m_treePanel->model()->entry(sourceIndex);
    if (!e || !m_stack) {
        m_details->showNothing();
        return;
    }
    m_details->showEntry(*m_stack, m_treePanel->model()->mergedPath(sourceIndex), *e);
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_stackPanel->view()->viewport()) {
        if (event->type() == QEvent::DragEnter || event->type() == QEvent::DragMove) {
            auto *e = static_cast<QDropEvent *>(event);
            if (e->mimeData()->hasUrls()) {
                e->acceptProposedAction();
                return true;
            }
        } else if (event->type() == QEvent::Drop) {
            auto *e = static_cast<QDropEvent *>(event);
            if (e->mimeData()->hasUrls()) {
                QStringList paths;
                for (const QUrl &u : e->mimeData()->urls())
                    if (u.isLocalFile())
                        paths << u.toLocalFile();
                m_assembly->model()->addDirectories(paths);
                showAssembly();
                e->acceptProposedAction();
                return true;
            }
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_summaryJob->cancel();
    m_identityJob->cancel();
    m_changesJob->cancel();
    QSettings().setValue(QStringLiteral("window/geometry"), saveGeometry());
    QMainWindow::closeEvent(event);
}

} // namespace strata::gui
