// SPDX-License-Identifier: GPL-2.0-or-later
#include "treepanel.h"

#include "guitext.h"
#include "layercolors.h"
#include "messagebar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTreeView>
#include <QVBoxLayout>

namespace strata::gui {

TreePanel::TreePanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new MergedTreeModel(this))
    , m_proxy(new TreeFilterProxy(this))
    , m_caption(new QLabel(this))
    , m_search(new QLineEdit(this))
    , m_state(new QComboBox(this))
    , m_layer(new QComboBox(this))
    , m_whiteouts(new QCheckBox(tr("&Whiteouts"), this))
    , m_view(new QTreeView(this))
    , m_loading(new QLabel(this))
    , m_messages(new MessageBar(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_caption);

    auto *bar = new QHBoxLayout;
    m_search->setPlaceholderText(tr("Filter loaded paths (regular expression)…"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Path filter"));
    bar->addWidget(m_search, 2);

    m_state->setAccessibleName(tr("State filter"));
    m_state->addItem(tr("Any state"), 0u);
    const std::pair<const char *, uint> states[] = {
        {QT_TR_NOOP("Whiteouts"), stack::StateWhiteout},
        {QT_TR_NOOP("Opaque dirs"), stack::StateOpaque | stack::StateXWhiteoutsDir},
        {QT_TR_NOOP("Redirected"), stack::StateRedirected},
        {QT_TR_NOOP("Copied up"), stack::StateCopiedUp},
        {QT_TR_NOOP("Metacopy"), stack::StateMetacopy},
        {QT_TR_NOOP("Merged dirs"), stack::StateMerged},
        {QT_TR_NOOP("Created in upper"), stack::StateUpperOnly},
    };
    for (const auto &[label, mask] : states)
        m_state->addItem(tr(label), mask);
    bar->addWidget(m_state, 1);

    m_layer->setAccessibleName(tr("Layer filter"));
    bar->addWidget(m_layer, 1);

    m_whiteouts->setChecked(true);
    m_whiteouts->setToolTip(tr("Show deleted names (struck through)"));
    bar->addWidget(m_whiteouts);
    layout->addLayout(bar);
    layout->addWidget(m_messages);

    m_proxy->setSourceModel(m_model);
    m_view->setModel(m_proxy);
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // core's bytewise order until a header is clicked
    m_view->setAccessibleName(tr("Merged tree"));
    m_view->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->setColumnWidth(MergedTreeModel::NameColumn, 260);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_loading);
    m_loading->hide();

    connect(m_search, &QLineEdit::textChanged, this, &TreePanel::applyFilters);
    connect(m_state, &QComboBox::currentIndexChanged, this, &TreePanel::applyFilters);
    connect(m_layer, &QComboBox::currentIndexChanged, this, &TreePanel::applyFilters);
    connect(m_whiteouts, &QCheckBox::toggled, m_proxy, &TreeFilterProxy::setShowWhiteouts);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) { Q_EMIT currentEntryChanged(m_proxy->mapToSource(current)); });
    connect(m_model, &MergedTreeModel::loadingChanged, this, [this](bool loading) {
        m_loading->setText(tr("Reading directories…"));
        m_loading->setVisible(loading);
    });
    connect(m_model, &MergedTreeModel::directoryProblem, this, [this](const QByteArray &path, const QString &message) {
        m_messages->showMessage(MessageBar::Kind::Warning, tr("%1: %2").arg(pathText(path.toStdString()), message));
    });
}

void TreePanel::setLayers(const QStringList &labels)
{
    const QSignalBlocker block(m_layer);
    m_layer->clear();
    m_layer->addItem(tr("Any layer"), -1);
    for (int i = 0; i < labels.size(); ++i)
        m_layer->addItem(layerChip(i), labels.at(i), i);
}

void TreePanel::setTree(std::shared_ptr<const stack::MergedTree> tree, const QString &caption)
{
    m_messages->clearMessages();
    m_caption->setText(caption);
    m_model->setTree(std::move(tree));
    if (m_model->canFetchMore({}))
        m_model->fetchMore({});
}

void TreePanel::applyFilters()
{
    m_proxy->setPathPattern(m_search->text());
    m_search->setStyleSheet(m_proxy->patternValid() ? QString() : QStringLiteral("color: #c03030"));
    m_search->setToolTip(m_proxy->patternValid() ? QString() : tr("Not a valid regular expression"));
    m_proxy->setStateMask(m_state->currentData().toUInt());
    m_proxy->setLayerFilter(m_layer->currentData().toInt());
}

bool TreePanel::selectPath(const std::string &path)
{
    const QModelIndex src = m_model->indexForPath(path);
    if (!src.isValid())
        return false;
    const QModelIndex idx = m_proxy->mapFromSource(src);
    if (!idx.isValid())
        return false;
    for (QModelIndex p = idx.parent(); p.isValid(); p = p.parent())
        m_view->expand(p);
    m_view->setCurrentIndex(idx);
    m_view->scrollTo(idx);
    return true;
}

} // namespace strata::gui
