// SPDX-License-Identifier: GPL-2.0-or-later
#include "reportviews.h"

#include "guitext.h"
#include "reportrows.h"
#include "stack/indexdir.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace strata::gui {

static QTableView *makeTable(RowTableModel *model, QWidget *parent)
{
    auto *view = new QTableView(parent);
    auto *proxy = new QSortFilterProxyModel(view);
    proxy->setSourceModel(model);
    proxy->setSortRole(RowTableModel::SortRole);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->sortByColumn(-1, Qt::AscendingOrder);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->setTabKeyNavigation(false);
    return view;
}

ReportTab::ReportTab(const QStringList &headers, QWidget *parent)
    : QWidget(parent)
    , m_model(new RowTableModel(headers, this))
    , m_view(makeTable(m_model, this))
    , m_status(new QLabel(this))
    , m_cancel(new QToolButton(this))
    , m_reload(new QToolButton(this))
    , m_layout(new QVBoxLayout(this))
    , m_job(new Job(this))
{
    m_layout->setContentsMargins(2, 2, 2, 2);
    auto *bar = new QHBoxLayout;
    m_status->setTextFormat(Qt::PlainText);
    bar->addWidget(m_status, 1);
    m_cancel->setIcon(QIcon::fromTheme(QStringLiteral("process-stop")));
    m_cancel->setToolTip(tr("Cancel"));
    m_cancel->setAccessibleName(tr("Cancel"));
    m_cancel->hide();
    m_reload->setIcon(QIcon::fromTheme(QStringLiteral("view-refresh")));
    m_reload->setToolTip(tr("Read again"));
    m_reload->setAccessibleName(tr("Read again"));
    bar->addWidget(m_cancel);
    bar->addWidget(m_reload);
    m_layout->addLayout(bar);
    m_layout->addWidget(m_view, 1);

    connect(m_cancel, &QToolButton::clicked, m_job, &Job::cancel);
    connect(m_reload, &QToolButton::clicked, this, [this]() {
        m_stale = true;
        loadIfStale();
    });
    connect(m_job, &Job::started, this, [this]() {
        m_cancel->show();
        setStatus(tr("Reading…"));
    });
    connect(m_job, &Job::progressChanged, this, [this](quint64 n) { setStatus(tr("Reading… %L1 entries").arg(n)); });
    connect(m_job, &Job::finished, m_cancel, &QWidget::hide);
    connect(m_job, &Job::cancelled, this, [this]() {
        m_cancel->hide();
        m_stale = true;
        setStatus(tr("Cancelled. Read again to see the whole list."));
    });
    auto activate = [this](const QModelIndex &index) {
        const QByteArray path = index.data(RowTableModel::PayloadRole).toByteArray();
        if (!path.isNull())
            Q_EMIT pathActivated(path);
    };
    connect(m_view, &QTableView::activated, this, activate);
}

void ReportTab::addTopWidget(QWidget *w)
{
    m_layout->insertWidget(1, w);
}

void ReportTab::setStatus(const QString &text)
{
    m_status->setText(text);
}

QString ReportTab::status() const
{
    return m_status->text();
}

void ReportTab::setLoader(Loader loader)
{
    m_job->cancel();
    m_loader = std::move(loader);
    m_model->clear();
    setStatus({});
    m_stale = bool(m_loader);
    if (isVisible())
        loadIfStale();
}

void ReportTab::loadIfStale()
{
    if (!m_stale || !m_loader)
        return;
    m_stale = false;
    m_job->start(m_loader);
}

ReportViews::ReportViews(QWidget *parent)
    : QTabWidget(parent)
    , m_whiteouts(new ReportTab(rows::whiteoutHeaders(), this))
    , m_index(new ReportTab(rows::indexHeaders(), this))
    , m_options(new ReportTab(rows::optionHeaders(), this))
    , m_summary(new ReportTab(rows::wastedHeaders(), this))
    , m_summaryLayers(new RowTableModel(rows::summaryLayerHeaders(), this))
    , m_wastedHeadline(new QLabel(this))
{
    addTab(m_whiteouts, QIcon::fromTheme(QStringLiteral("edit-delete")), tr("W&hiteouts"));
    addTab(m_index, QIcon::fromTheme(QStringLiteral("view-list-details")), tr("&Index"));
    addTab(m_options, QIcon::fromTheme(QStringLiteral("configure")), tr("Mount &options"));
    addTab(m_summary, QIcon::fromTheme(QStringLiteral("view-statistics")), tr("S&ummary"));

    m_wastedHeadline->setTextFormat(Qt::PlainText);
    QFont f = m_wastedHeadline->font();
    f.setBold(true);
    m_wastedHeadline->setFont(f);
    auto *layersView = makeTable(m_summaryLayers, m_summary);
    layersView->setMaximumHeight(150);
    m_summary->addTopWidget(layersView);
    m_summary->addTopWidget(m_wastedHeadline);

    for (ReportTab *t : {m_whiteouts, m_index, m_options, m_summary})
        connect(t, &ReportTab::pathActivated, this, &ReportViews::pathActivated);
    connect(this, &QTabWidget::currentChanged, this, [this](int i) {
        if (auto *t = qobject_cast<ReportTab *>(widget(i)))
            t->loadIfStale();
    });
}

void ReportViews::setStack(std::shared_ptr<const stack::LayerStack> stack)
{
    m_summaryLayers->clear();
    m_wastedHeadline->clear();
    m_summary->model()->clear();
    m_summary->setStatus(stack ? tr("Counting…") : QString());
    if (!stack) {
        for (ReportTab *t : {m_whiteouts, m_index, m_options})
            t->setLoader({});
        return;
    }
    m_whiteouts->setLoader([tab = m_whiteouts, stack](Job::Control &ctl) -> Job::Apply {
        stack::WhiteoutScan scan;
        scan.cancel = &ctl.cancel;
        scan.progress = [&ctl](uint64_t n) { ctl.progress = n; };
        auto report = stack::collectWhiteouts(stack::MergedTree(stack), scan);
        if (!report)
            return [tab, msg = errorText(report.error())]() { tab->setStatus(msg); };
        auto list = rows::whiteouts(*stack, *report);
        QStringList problems;
        for (const Error &e : report->problems)
            problems << errorText(e);
        const auto inEffect = std::count_if(report->whiteouts.begin(), report->whiteouts.end(),
                                            [](const stack::WhiteoutInfo &w) { return w.inEffect(); });
        return [tab, list = std::move(list), problems, inEffect]() {
            tab->model()->setRows(list);
            QString s = tr("%n whiteouts in the merged view", nullptr, int(list.size()));
            if (inEffect != list.size())
                s += tr(" (%n covered by a higher layer that made the name again)", nullptr,
                        int(list.size() - inEffect));
            if (!problems.isEmpty())
                s += QStringLiteral(" — ") + problems.join(QStringLiteral("; "));
            tab->setStatus(s);
        };
    });
    m_index->setLoader([tab = m_index, stack](Job::Control &) -> Job::Apply {
        auto report = stack::readIndex(*stack);
        if (!report)
            return [tab, msg = errorText(report.error())]() { tab->setStatus(msg); };
        auto list = rows::indexEntries(*stack, *report);
        QStringList problems;
        for (const Error &e : report->problems)
            problems << errorText(e);
        const bool present = report->present;
        const QString dir = displayText(report->dir);
        return [tab, list = std::move(list), problems, present, dir]() {
            tab->model()->setRows(list);
            QString s = present ? tr("%n index entries in %1", nullptr, int(list.size())).arg(dir)
                                : tr("No index: the stack has no work dir, or was never mounted with index=on");
            if (!problems.isEmpty())
                s += QStringLiteral(" — ") + problems.join(QStringLiteral("; "));
            tab->setStatus(s);
        };
    });
    m_options->setLoader([tab = m_options, stack](Job::Control &) -> Job::Apply {
        auto list = rows::options(*stack);
        return [tab, list = std::move(list), fromMount = stack->mount().has_value()]() {
            tab->model()->setRows(list);
            tab->setStatus(fromMount ? tr("From the mount's line in /proc/self/mountinfo")
                                     : tr("Not mounted: the layers and options of the stack as opened"));
        };
    });
    if (auto *t = qobject_cast<ReportTab *>(currentWidget()))
        t->loadIfStale();
}

void ReportViews::setSummary(const stack::StackSummary &summary)
{
    m_summaryLayers->setRows(rows::summaryLayers(summary));
    m_summary->model()->setRows(rows::wastedPaths(summary));
    m_wastedHeadline->setText(tr("Wasted: %1 in %n entries stored but hidden by higher layers; visible: %2 in %L3 "
                                 "entries",
                                 nullptr, int(summary.wastedEntries))
                                  .arg(sizeText(summary.wastedBytes), sizeText(summary.mergedBytes))
                                  .arg(summary.mergedEntries));
    m_summary->setStatus(summary.cancelled ? tr("Cancelled: the figures are partial") : QString());
}

void ReportViews::setSummaryRunning(bool running, quint64 entries)
{
    if (running)
        m_summary->setStatus(tr("Counting… %L1 entries").arg(entries));
}

} // namespace strata::gui
