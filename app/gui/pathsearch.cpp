// SPDX-License-Identifier: GPL-2.0-or-later
#include "pathsearch.h"

#include "guitext.h"

#include <QElapsedTimer>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

namespace strata::gui {

namespace {

using BatchPtr = std::shared_ptr<PathSearch::Batch>;

// Batches go out when this many paths are waiting or this long has passed, so the
// first matches show while the walk goes on and the GUI thread gets few, big updates.
constexpr int kBatchPaths = 256;
constexpr qint64 kBatchMs = 150;
constexpr int kMaxProblems = 50;

void walk(QPromise<BatchPtr> &promise, const stack::MergedTree &tree, const QRegularExpression &pattern,
          const SearchFilters &filters, PathSearch::Counters &counters)
{
    stack::ListOptions opts;
    opts.includeWhiteouts = filters.showWhiteouts;
    auto batch = std::make_shared<PathSearch::Batch>();
    QElapsedTimer sinceFlush;
    sinceFlush.start();
    auto flush = [&]() {
        if (batch->paths.isEmpty())
            return;
        promise.addResult(std::exchange(batch, std::make_shared<PathSearch::Batch>()));
        sinceFlush.restart();
    };
    QStringList problems;
    quint64 kept = 0;
    std::vector<std::string> todo {""}; // depth first; each dir's subdirs pushed in reverse
    while (!todo.empty() && !promise.isCanceled()) {
        const std::string dir = std::move(todo.back());
        todo.pop_back();
        std::vector<std::string> subdirs;
        auto listing = tree.list(dir, opts, [&](std::vector<stack::MergedEntry> &&entries) {
            for (const stack::MergedEntry &e : entries) {
                std::string path = dir.empty() ? e.name : dir + '/' + e.name;
                if (filters.accepts(e, SearchFilters::Dirs::Strict) && pattern.match(pathText(path)).hasMatch()) {
                    counters.matches.fetch_add(1, std::memory_order_relaxed);
                    if (kept < PathSearch::kMaxMatches) {
                        ++kept;
                        batch->paths.append(QByteArray::fromStdString(path));
                    }
                }
                if (e.isDir() && !e.isWhiteout())
                    subdirs.push_back(std::move(path));
            }
            counters.seen.fetch_add(entries.size(), std::memory_order_relaxed);
            if (batch->paths.size() >= kBatchPaths || sinceFlush.elapsed() >= kBatchMs)
                flush();
            return !promise.isCanceled();
        });
        if (!listing && problems.size() < kMaxProblems)
            problems << errorText(listing.error());
        std::move(subdirs.rbegin(), subdirs.rend(), std::back_inserter(todo));
    }
    flush();
    auto last = std::make_shared<PathSearch::Batch>();
    last->done = true;
    last->problems = problems;
    promise.addResult(std::move(last));
}

} // namespace

PathSearch::PathSearch(QObject *parent)
    : QObject(parent)
{
    m_progressTimer.setInterval(150);
    connect(&m_progressTimer, &QTimer::timeout, this,
            [this]() { Q_EMIT progressChanged(entriesSeen(), matchCount()); });
}

PathSearch::~PathSearch()
{
    stopWorker();
}

void PathSearch::stopWorker()
{
    m_progressTimer.stop();
    if (!m_watcher)
        return;
    // The worker stops at its next batch of entries; nothing it still reports is
    // looked at (the watcher is disconnected and goes away).
    m_watcher->disconnect(this);
    m_watcher->cancel();
    m_watcher->deleteLater();
    m_watcher = nullptr;
}

void PathSearch::start(std::shared_ptr<const stack::MergedTree> tree, const QRegularExpression &pattern,
                       const SearchFilters &filters)
{
    stopWorker();
    auto counters = std::make_shared<Counters>();
    m_counters = counters;
    m_watcher = new QFutureWatcher<BatchPtr>(this);
    QFutureWatcher<BatchPtr> *watcher = m_watcher;
    connect(watcher, &QFutureWatcherBase::resultReadyAt, this, [this, watcher](int i) {
        const BatchPtr batch = watcher->resultAt(i);
        if (!batch->paths.isEmpty())
            Q_EMIT matchesFound(batch->paths);
        if (batch->done) {
            stopWorker();
            Q_EMIT finished(entriesSeen(), matchCount(), batch->problems);
        }
    });
    m_progressTimer.start();
    watcher->setFuture(
        QtConcurrent::run([tree = std::move(tree), source = pattern.pattern(), options = pattern.patternOptions(),
                           filters, counters](QPromise<BatchPtr> &promise) {
            // The worker's own expression, not a shared copy of the GUI thread's.
            const QRegularExpression own(source, options);
            walk(promise, *tree, own, filters, *counters);
        }));
}

void PathSearch::cancel()
{
    if (!m_watcher)
        return;
    stopWorker();
    Q_EMIT cancelled(entriesSeen(), matchCount());
}

} // namespace strata::gui
