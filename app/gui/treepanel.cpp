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
#include <QPushButton>
#include <QRegularExpression>
#include <QTreeView>
#include <QVBoxLayout>

namespace strata::gui {

TreePanel::TreePanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new MergedTreeModel(this))
    , m_proxy(new TreeFilterProxy(this))
    , m_caption(new QLabel(this))
    , m_searchField(new QLineEdit(this))
    , m_state(new QComboBox(this))
    , m_layer(new QComboBox(this))
    , m_whiteouts(new QCheckBox(tr("&Whiteouts"), this))
    , m_view(new QTreeView(this))
    , m_loading(new QLabel(this))
    , m_messages(new MessageBar(this))
    , m_searchStatus(new QLabel(this))
    , m_cancelSearch(new QPushButton(tr("Cancel Search"), this))
    , m_search(new PathSearch(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_caption);

    auto *bar = new QHBoxLayout;
    m_searchField->setPlaceholderText(tr("Search every path (regular expression)…"));
    m_searchField->setClearButtonEnabled(true);
    m_searchField->setAccessibleName(tr("Path search"));
    bar->addWidget(m_searchField, 2);

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
    auto *searchLine = new QHBoxLayout;
    m_searchStatus->setWordWrap(true);
    m_searchStatus->setTextFormat(Qt::PlainText);
    m_searchStatus->setAccessibleName(tr("Search status"));
    searchLine->addWidget(m_searchStatus, 1);
    searchLine->addWidget(m_cancelSearch);
    layout->addLayout(searchLine);
    m_searchStatus->hide();
    m_cancelSearch->hide();
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

    // A search walks the whole tree: start it after a pause in typing, not per key.
    m_searchDelay.setSingleShot(true);
    m_searchDelay.setInterval(300);
    connect(&m_searchDelay, &QTimer::timeout, this, &TreePanel::startSearch);
    connect(m_searchField, &QLineEdit::textChanged, &m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_state, &QComboBox::currentIndexChanged, this, &TreePanel::applyFilters);
    connect(m_layer, &QComboBox::currentIndexChanged, this, &TreePanel::applyFilters);
    connect(m_whiteouts, &QCheckBox::toggled, this, &TreePanel::applyFilters);
    connect(m_cancelSearch, &QPushButton::clicked, m_search, &PathSearch::cancel);
    connect(m_search, &PathSearch::matchesFound, this, &TreePanel::showMatches);
    connect(m_search, &PathSearch::progressChanged, this, [this](quint64 seen, quint64 matches) {
        setSearchStatus(tr("Searching… %L1 entries read, %L2 matches").arg(seen).arg(matches));
    });
    connect(m_search, &PathSearch::finished, this, [this](quint64 seen, quint64 matches, const QStringList &problems) {
        m_cancelSearch->hide();
        if (matches > quint64(PathSearch::kMaxMatches))
            setSearchStatus(tr("%L1 matches in %L2 entries; the first %L3 are shown, %L4 more are not "
                               "(narrow the pattern)")
                                .arg(matches)
                                .arg(seen)
                                .arg(PathSearch::kMaxMatches)
                                .arg(matches - quint64(PathSearch::kMaxMatches)));
        else
            setSearchStatus(tr("%L1 matches in %L2 entries").arg(matches).arg(seen));
        for (const QString &p : problems)
            m_messages->showMessage(MessageBar::Kind::Warning, tr("Search: %1").arg(p));
    });
    connect(m_search, &PathSearch::cancelled, this, [this](quint64 seen, quint64 matches) {
        m_cancelSearch->hide();
        setSearchStatus(tr("Search cancelled after %L1 entries; the %L2 matches found so far are shown")
                            .arg(seen)
                            .arg(std::min<quint64>(matches, PathSearch::kMaxMatches)));
    });
    connect(m_model, &MergedTreeModel::directoryLoaded, this, [this](const QByteArray &dir) {
        for (const QByteArray &child : m_revealWaiting.take(dir))
            reveal(child);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) { Q_EMIT currentEntryChanged(m_proxy->mapToSource(current)); });
    // The current entry's full facts are read in the background (MergedTreeModel::entry):
    // when they land, whoever shows the current entry shows it again.
    connect(m_model, &MergedTreeModel::entryRead, this, [this](const QModelIndex &index) {
        if (index.isValid() && m_proxy->mapToSource(m_view->currentIndex()) == index)
            Q_EMIT currentEntryChanged(index);
    });
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
    m_tree = tree;
    m_model->setTree(std::move(tree));
    if (m_model->canFetchMore({}))
        m_model->fetchMore({});
    if (!m_searchField->text().isEmpty())
        startSearch(); // the new tree's matches
}

void TreePanel::applyFilters()
{
    m_proxy->setShowWhiteouts(m_whiteouts->isChecked());
    m_proxy->setStateMask(m_state->currentData().toUInt());
    m_proxy->setLayerFilter(layerFilter());
    if (m_proxy->searchActive() || m_search->isRunning())
        startSearch(); // the search applies the filters to its matches
}

int TreePanel::layerFilter() const
{
    return m_layer->currentIndex() < 0 ? -1 : m_layer->currentData().toInt(); // no layers yet: none chosen
}

void TreePanel::setSearchStatus(const QString &text, bool error)
{
    m_searchStatus->setText(text);
    m_searchStatus->setStyleSheet(error ? QStringLiteral("color: #c03030") : QString());
    m_searchStatus->setVisible(!text.isEmpty());
}

void TreePanel::startSearch()
{
    m_searchDelay.stop();
    {
        const QSignalBlocker quiet(m_search); // a restart is not a cancellation to report
        m_search->cancel();
    }
    m_revealWaiting.clear();
    m_cancelSearch->hide();
    const QString pattern = m_searchField->text();
    const QRegularExpression re(pattern);
    const bool invalid = !pattern.isEmpty() && !re.isValid();
    m_searchField->setStyleSheet(invalid ? QStringLiteral("color: #c03030") : QString());
    if (pattern.isEmpty() || invalid || !m_tree) {
        m_proxy->endSearch();
        setSearchStatus(invalid ? tr("“%1” is not a valid regular expression: %2 (at character %3)")
                                      .arg(pattern, re.errorString())
                                      .arg(re.patternErrorOffset() + 1)
                                : QString(),
                        invalid);
        return;
    }
    SearchFilters filters;
    filters.showWhiteouts = m_whiteouts->isChecked();
    filters.stateMask = m_state->currentData().toUInt();
    filters.layer = layerFilter();
    filters.onlyLayer = m_proxy->onlyLayer();
    m_proxy->beginSearch();
    setSearchStatus(tr("Searching…"));
    m_cancelSearch->show();
    m_search->start(m_tree, re, filters);
}

void TreePanel::showMatches(const QList<QByteArray> &paths)
{
    // The directories leading to each match, shallow first: listed and expanded, so
    // every match is on screen in its place in the tree.
    for (const QByteArray &dir : m_proxy->addSearchMatches(paths))
        reveal(dir);
}

void TreePanel::reveal(const QByteArray &dir)
{
    const QModelIndex src = m_model->indexForPath(dir.toStdString());
    if (!src.isValid()) {
        // Not there yet: wait for the parent's listing. A listed parent without it
        // means the entry is gone since the search saw it: nothing to show.
        const qsizetype slash = dir.lastIndexOf('/');
        const QByteArray parent = slash < 0 ? QByteArray() : dir.left(slash);
        const QModelIndex parentSrc = parent.isEmpty() ? QModelIndex() : m_model->indexForPath(parent.toStdString());
        if ((!parent.isEmpty() && !parentSrc.isValid()) || !m_model->isListed(parentSrc))
            m_revealWaiting[parent] << dir;
        return;
    }
    if (m_model->canFetchMore(src))
        m_model->fetchMore(src);
    m_view->expand(m_proxy->mapFromSource(src));
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
