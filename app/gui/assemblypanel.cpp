// SPDX-License-Identifier: GPL-2.0-or-later
#include "assemblypanel.h"

#include "doctorrows.h"
#include "guitext.h"
#include "messagebar.h"
#include "mounts/doctor.h"
#include "mounts/preflight.h"
#include "reportrows.h"
#include "rowtablemodel.h"
#include "stacksave.h"

#include <QAction>
#include <QComboBox>
#include <QDrag>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace strata::gui {

using assembly::SlotRole;

AssemblyView::AssemblyView(QWidget *parent)
    : QListView(parent)
{
    setDragEnabled(true);
    setAcceptDrops(true);
    setDropIndicatorShown(true);
    setDragDropMode(QAbstractItemView::DragDrop);
    setDefaultDropAction(Qt::MoveAction);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setAccessibleName(tr("Stack being assembled"));
}

void AssemblyView::startDrag(Qt::DropActions supportedActions)
{
    const QModelIndexList indexes = selectionModel()->selectedIndexes();
    if (indexes.isEmpty())
        return;
    auto *drag = new QDrag(this);
    drag->setMimeData(model()->mimeData(indexes));
    drag->exec(supportedActions, Qt::MoveAction);
}

void AssemblyView::dragEnterEvent(QDragEnterEvent *event)
{
    auto *m = qobject_cast<AssemblyModel *>(model());
    if (m && event->mimeData()->hasUrls()) {
        QStringList paths;
        for (const QUrl &u : event->mimeData()->urls())
            if (u.isLocalFile())
                paths << u.toLocalFile();
        m->probes()->request(paths, true);
    }
    QListView::dragEnterEvent(event);
}

static QPushButton *button(const QString &icon, const QString &text, const QKeySequence &key, QWidget *parent)
{
    auto *b = new QPushButton(QIcon::fromTheme(icon), text, parent);
    if (!key.isEmpty()) {
        auto *a = new QAction(parent);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        QObject::connect(a, &QAction::triggered, b, &QPushButton::click);
        parent->addAction(a);
        b->setToolTip(
            QStringLiteral("%1 (%2)").arg(text, key.toString(QKeySequence::NativeText)).remove(QLatin1Char('&')));
    }
    return b;
}

AssemblyPanel::AssemblyPanel(app::Mounter *mounter, QWidget *parent)
    : QWidget(parent)
    , m_mounter(mounter)
    , m_model(new AssemblyModel(this))
    , m_view(new AssemblyView(this))
    , m_preflight(new RowTableModel(rows::preflightHeaders(), this))
    , m_preflightView(new QTableView(this))
    , m_preflightJob(new Job(this))
    , m_saveJob(new Job(this))
    , m_messages(new MessageBar(this))
    , m_mountpoint(new QLineEdit(this))
    , m_mountButton(nullptr)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *hint = new QLabel(tr("Drop layer directories here, top layer first. Drag to reorder; the first lower is the "
                               "top of the stack."),
                            this);
    hint->setWordWrap(true);
    layout->addWidget(hint);
    layout->addWidget(m_messages);
    m_view->setModel(m_model);
    layout->addWidget(m_view, 2);

    auto *buttons = new QGridLayout;
    auto *add = button(QStringLiteral("list-add"), tr("&Add…"), QKeySequence(Qt::Key_Insert), this);
    auto *remove = button(QStringLiteral("list-remove"), tr("&Remove"), QKeySequence::Delete, this);
    auto *up = button(QStringLiteral("go-up"), tr("Move up"), QKeySequence(Qt::ALT | Qt::Key_Up), this);
    auto *down = button(QStringLiteral("go-down"), tr("Move down"), QKeySequence(Qt::ALT | Qt::Key_Down), this);
    auto *asUpper
        = button(QStringLiteral("document-edit"), tr("Use as upper"), QKeySequence(Qt::ALT | Qt::Key_U), this);
    auto *asWork = button(QStringLiteral("folder-temp"), tr("Use as work"), QKeySequence(Qt::ALT | Qt::Key_W), this);
    auto *asLower = button(QStringLiteral("folder"), tr("Use as lower"), QKeySequence(Qt::ALT | Qt::Key_L), this);
    auto *asData
        = button(QStringLiteral("folder-documents"), tr("Use as data-only"), QKeySequence(Qt::ALT | Qt::Key_D), this);
    buttons->addWidget(add, 0, 0);
    buttons->addWidget(remove, 0, 1);
    buttons->addWidget(up, 0, 2);
    buttons->addWidget(down, 0, 3);
    buttons->addWidget(asUpper, 1, 0);
    buttons->addWidget(asWork, 1, 1);
    buttons->addWidget(asLower, 1, 2);
    buttons->addWidget(asData, 1, 3);
    layout->addLayout(buttons);

    auto *preflightLabel = new QLabel(tr("Preflight: what each engine does with this stack"), this);
    QFont bold = preflightLabel->font();
    bold.setBold(true);
    preflightLabel->setFont(bold);
    layout->addWidget(preflightLabel);
    m_preflightView->setModel(m_preflight);
    m_preflightView->verticalHeader()->hide();
    m_preflightView->horizontalHeader()->setStretchLastSection(true);
    m_preflightView->setWordWrap(true);
    m_preflightView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_preflightView->setAccessibleName(tr("Preflight"));
    layout->addWidget(m_preflightView, 1);

    auto *mountRow = new QHBoxLayout;
    m_mountpoint->setPlaceholderText(tr("Mount point"));
    m_mountpoint->setAccessibleName(tr("Mount point"));
    auto *inspect
        = button(QStringLiteral("document-preview"), tr("&Inspect"), QKeySequence(Qt::CTRL | Qt::Key_I), this);
    auto *save = button(QStringLiteral("document-save-as"), tr("&Save…"),
                        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), this);
    m_mountButton = button(QStringLiteral("media-mount"), tr("&Mount"), QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    auto *unmountButton = button(QStringLiteral("media-eject"), tr("U&nmount"), {}, this);
    layout->addWidget(m_mountpoint);
    mountRow->addWidget(inspect);
    mountRow->addWidget(save);
    mountRow->addWidget(m_mountButton);
    mountRow->addWidget(unmountButton);
    layout->addLayout(mountRow);

    connect(add, &QPushButton::clicked, this, &AssemblyPanel::addDirectoryDialog);
    connect(remove, &QPushButton::clicked, this, &AssemblyPanel::removeSelected);
    connect(up, &QPushButton::clicked, this, [this]() { moveSelected(-1); });
    connect(down, &QPushButton::clicked, this, [this]() { moveSelected(+1); });
    connect(asUpper, &QPushButton::clicked, this, [this]() { setSelectedRole(SlotRole::Upper); });
    connect(asWork, &QPushButton::clicked, this, [this]() { setSelectedRole(SlotRole::Work); });
    connect(asLower, &QPushButton::clicked, this, [this]() { setSelectedRole(SlotRole::Lower); });
    connect(asData, &QPushButton::clicked, this, [this]() { setSelectedRole(SlotRole::Data); });
    connect(inspect, &QPushButton::clicked, this, [this]() {
        if (m_model->slotList().isEmpty())
            return m_messages->showMessage(MessageBar::Kind::Info, tr("Add layers first."));
        Q_EMIT inspectRequested(assembly::toSpec(m_model->slotList(), tr("assembled stack")));
    });
    connect(save, &QPushButton::clicked, this, &AssemblyPanel::saveDialog);
    connect(m_mountButton, &QPushButton::clicked, this, &AssemblyPanel::mount);
    connect(unmountButton, &QPushButton::clicked, this, &AssemblyPanel::unmount);
    connect(m_model, &AssemblyModel::slotsChanged, this, &AssemblyPanel::schedulePreflight);
    connect(m_model, &AssemblyModel::dropRefused, this, [this](const QList<assembly::Refused> &refused) {
        for (const auto &r : refused)
            m_messages->showMessage(MessageBar::Kind::Warning, tr("%1: %2").arg(r.path, assembly::refusalText(r.why)));
    });
    setPrivilegedMounter(nullptr); // connects m_mounter
    runPreflight();
}

void AssemblyPanel::setPrivilegedMounter(app::Mounter *mounter)
{
    if (mounter && !m_mountChoice) {
        m_mountChoice = new QComboBox(this);
        m_mountChoice->setAccessibleName(tr("Mount with"));
        m_mountChoice->addItems({tr("strata-fuse, as you"), tr("kernel overlayfs (privileged helper)"),
                                 tr("strata-fuse (privileged helper)")});
        static_cast<QVBoxLayout *>(layout())->insertWidget(layout()->indexOf(m_mountpoint) + 1, m_mountChoice);
    }
    m_privileged = mounter;
    if (app::Mounter *m = mounter ? mounter : m_mounter)
        connect(m, &app::Mounter::finished, this, [this](quint64, const app::MountResult &r) {
            m_mountButton->setEnabled(true);
            m_messages->showMessage(r.ok ? MessageBar::Kind::Info : MessageBar::Kind::Error, r.message);
            if (r.ok && r.mountpoint == m_lastMounted)
                Q_EMIT mounted(r.mountpoint);
        });
}

QList<int> AssemblyPanel::selectedRows() const
{
    QList<int> rows;
    for (const QModelIndex &i : m_view->selectionModel()->selectedRows())
        rows << i.row();
    if (rows.isEmpty() && m_view->currentIndex().isValid())
        rows << m_view->currentIndex().row();
    std::sort(rows.begin(), rows.end());
    return rows;
}

static void selectPaths(QListView *view, AssemblyModel *model, const QStringList &paths)
{
    view->selectionModel()->clearSelection();
    for (int r = 0; r < model->rowCount(); ++r)
        if (paths.contains(model->slotList().at(r).path)) {
            const QModelIndex i = model->index(r);
            view->selectionModel()->select(i, QItemSelectionModel::Select);
            view->setCurrentIndex(i);
        }
}

void AssemblyPanel::addDirectoryDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Add a layer directory"));
    if (dir.isEmpty())
        return;
    const QList<int> sel = selectedRows();
    m_model->addDirectories({dir}, sel.isEmpty() ? -1 : sel.first());
}

void AssemblyPanel::removeSelected()
{
    m_model->removeSlots(selectedRows());
}

void AssemblyPanel::moveSelected(int delta)
{
    const QList<int> rows = selectedRows();
    if (rows.isEmpty())
        return;
    QStringList paths;
    for (int r : rows)
        paths << m_model->slotList().at(r).path;
    const int dest = delta < 0 ? rows.first() - 1 : rows.last() + 2;
    if (dest < 0 || dest > m_model->rowCount())
        return;
    if (m_model->moveRowsTo(rows, dest))
        selectPaths(m_view, m_model, paths);
}

void AssemblyPanel::setSelectedRole(SlotRole role)
{
    const QList<int> rows = selectedRows();
    if (rows.isEmpty())
        return;
    const QString path = m_model->slotList().at(rows.first()).path;
    m_model->setRole(rows.first(), role);
    selectPaths(m_view, m_model, {path});
}

void AssemblyPanel::saveDialog()
{
    if (const QString file = askStackFileName(this); !file.isEmpty())
        saveTo(file);
}

void AssemblyPanel::saveTo(const QString &file)
{
    saveStackFile(*m_saveJob, file, assembly::toSpec(m_model->slotList(), QFileInfo(file).completeBaseName()),
                  [this](bool ok, const QString &message) {
                      m_messages->showMessage(ok ? MessageBar::Kind::Info : MessageBar::Kind::Error, message);
                  });
}

void AssemblyPanel::mount()
{
    const int choice = m_privileged && m_mountChoice ? m_mountChoice->currentIndex() : 0;
    app::Mounter *mounter = choice > 0 ? m_privileged : m_mounter;
    if (!mounter)
        return;
    const QString target = m_mountpoint->text().trimmed();
    if (target.isEmpty()) {
        m_mountpoint->setFocus();
        return m_messages->showMessage(MessageBar::Kind::Info, tr("Choose a mount point first."));
    }
    app::MountRequest req;
    req.spec = assembly::toSpec(m_model->slotList());
    req.mountpoint = target;
    req.backend = choice == 1 ? app::Backend::Kernel : app::Backend::StrataFuse;
    m_lastMounted = target;
    m_mountButton->setEnabled(false);
    m_messages->showMessage(MessageBar::Kind::Info, tr("Mounting %1 with %2…").arg(target, mounter->name()));
    mounter->mount(req);
}

void AssemblyPanel::unmount()
{
    const QString target = m_mountpoint->text().trimmed();
    app::Mounter *mounter
        = m_privileged && m_mountChoice && m_mountChoice->currentIndex() > 0 ? m_privileged : m_mounter;
    m_lastMounted.clear(); // its result is not a mount
    if (mounter && !target.isEmpty())
        mounter->unmount(target);
}

// Coalesce bursts of edits into one preflight run.
void AssemblyPanel::schedulePreflight()
{
    if (m_preflightQueued)
        return;
    m_preflightQueued = true;
    QTimer::singleShot(0, this, [this]() {
        m_preflightQueued = false;
        runPreflight();
    });
}

void AssemblyPanel::runPreflight()
{
    const mounts::OverlayOptions opts = assembly::toOverlayOptions(m_model->slotList());
    if (opts.lowers.empty()) {
        m_preflightJob->cancel();
        TableRow row;
        row.cells = {tr("stack"), tr("refuses: a stack needs at least one lower layer"), tr("refused as well")};
        m_preflight->setRows({row});
        return;
    }
    m_preflightJob->start([this, opts](Job::Control &) -> Job::Apply {
        // The doctor without its writing probes: a live preview must not create
        // scratch dirs or consume a writeback error on every edit.
        mounts::DoctorOptions live;
        live.probeWorkdir = false;
        live.checkWriteback = false;
        live.scanBudget = 2000;
        auto list = rows::doctorPreflight(mounts::diagnose(opts, live));
        if (list.isEmpty()) {
            TableRow ok;
            ok.cells = {tr("stack"), tr("mounts: no objection"), tr("mounts")};
            list << ok;
        }
        return [this, list = std::move(list)]() {
            m_preflight->setRows(list);
            m_preflightView->resizeRowsToContents();
        };
    });
}

} // namespace strata::gui
