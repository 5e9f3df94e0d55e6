// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The search over every full path of the merged view, not only the directories the
// tree has loaded: a worker walks the whole merged tree (depth first, names in order;
// it holds only the directories still to visit: core's paths-only walk,
// stack/pathwalk.h, or full listings when a state or layer filter needs each
// entry's facts), matches
// each merged path as the tree shows it ("/etc/passwd") against a regular expression
// and the tree's other filters, and hands the matches over in batches while it walks.
// It keeps at most kMaxMatches paths and counts the rest, so a pattern that matches a
// million entries costs a counter, not a million rows.

#include "stack/entryfilter.h"
#include "stack/mergedtree.h"

#include <QFutureWatcher>
#include <QObject>
#include <QRegularExpression>
#include <QStringList>
#include <QTimer>
#include <atomic>
#include <memory>

namespace strata::gui {

// The tree's filters as a search applies them to each match: strictly (a directory
// must carry the state itself, where the browsing filter keeps every directory open).
// The rules are core's (stack/entryfilter.h), shared with TreeFilterProxy.
using SearchFilters = stack::EntryFilter;

class PathSearch : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxMatches = 2000;

    explicit PathSearch(QObject *parent = nullptr);
    ~PathSearch() override;

    // Starts a search of `tree` (cancelling the one before). `pattern` must be valid.
    void start(std::shared_ptr<const stack::MergedTree> tree, const QRegularExpression &pattern,
               const SearchFilters &filters);
    // Stops the walk; emits cancelled() when one was running.
    void cancel();
    bool isRunning() const { return m_watcher != nullptr; }
    quint64 entriesSeen() const { return m_counters ? m_counters->seen.load() : 0; }
    quint64 matchCount() const { return m_counters ? m_counters->matches.load() : 0; }

    struct Counters {
        std::atomic<quint64> seen {0}; // entries looked at
        std::atomic<quint64> matches {0}; // every match, also those not kept
    };
    struct Batch {
        QList<QByteArray> paths; // merged paths ("a/b"), in walk order
        bool done = false;
        QStringList problems; // directories that could not be listed (the last batch)
    };

Q_SIGNALS:
    void matchesFound(const QList<QByteArray> &paths);
    void progressChanged(quint64 entriesSeen, quint64 matches); // while walking, a few times a second
    void finished(quint64 entriesSeen, quint64 matches, const QStringList &problems);
    void cancelled(quint64 entriesSeen, quint64 matches);

private:
    void stopWorker();

    QFutureWatcher<std::shared_ptr<Batch>> *m_watcher = nullptr;
    std::shared_ptr<Counters> m_counters;
    QTimer m_progressTimer;
};

} // namespace strata::gui
