// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The stack-wide views: all whiteouts, the index, the mount options with layer
// identities, and the summary (bytes per layer, wasted bytes, the paths wasting
// most). Each tab loads in a worker the first time it is shown for a stack, shows
// progress and can be cancelled; Enter or a double click on a row with a path
// selects it in the tree.

#include "jobs.h"
#include "mounts/mounttable.h"
#include "rowtablemodel.h"
#include "stack/mergedtree.h"
#include "stack/summary.h"

#include <QTabWidget>
#include <functional>
#include <memory>
#include <optional>

class QLabel;
class QTableView;
class QToolButton;
class QVBoxLayout;

namespace strata::gui {

class ReportTab : public QWidget {
    Q_OBJECT
public:
    using Loader = std::function<Job::Apply(Job::Control &)>;
    ReportTab(const QStringList &headers, QWidget *parent = nullptr);

    RowTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    Job *job() const { return m_job; }
    void addTopWidget(QWidget *w);
    void setStatus(const QString &text);
    QString status() const;

    void setLoader(Loader loader); // marks the tab stale; loads when shown
    void loadIfStale();
    bool isStale() const { return m_stale; }

Q_SIGNALS:
    void pathActivated(const QByteArray &mergedPath);

private:
    RowTableModel *m_model;
    QTableView *m_view;
    QLabel *m_status;
    QToolButton *m_cancel;
    QToolButton *m_reload;
    QVBoxLayout *m_layout;
    Job *m_job;
    Loader m_loader;
    bool m_stale = false;
};

class ReportViews : public QTabWidget {
    Q_OBJECT
public:
    explicit ReportViews(QWidget *parent = nullptr);

    // Every tab reads `stack` again (the mount options from stack->mount()).
    void setStack(std::shared_ptr<const stack::LayerStack> stack);
    void setSummary(const stack::StackSummary &summary);
    void setSummaryRunning(bool running, quint64 entries);

    ReportTab *whiteoutsTab() const { return m_whiteouts; }
    ReportTab *indexTab() const { return m_index; }
    ReportTab *optionsTab() const { return m_options; }
    ReportTab *summaryTab() const { return m_summary; }
    RowTableModel *summaryLayersModel() const { return m_summaryLayers; }

Q_SIGNALS:
    void pathActivated(const QByteArray &mergedPath);

private:
    ReportTab *m_whiteouts;
    ReportTab *m_index;
    ReportTab *m_options;
    ReportTab *m_summary;
    RowTableModel *m_summaryLayers;
    QLabel *m_wastedHeadline;
};

} // namespace strata::gui
