// SPDX-License-Identifier: GPL-2.0-or-later
#include "pathsearch.h"

#include "guitext.h"
#include "stack/pathwalk.h"

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

// Hands kept matches over in batches, and the last batch with the walk's problems.
class MatchBatcher {
public:
    explicit MatchBatcher(QPromise<BatchPtr> &promise)
        : m_promise(promise)
    {
        m_sinceFlush.start();
    }
    void add(std::string_view path, PathSearch::Counters &counters)
    {
        counters.matches.fetch_add(1, std::memory_order_relaxed);
        if (m_kept >= PathSearch::kMaxMatches)
            return;
        ++m_kept;
        m_batch->paths.append(QByteArray(path.data(), static_cast<qsizetype>(path.size())));
    }
    void maybeFlush()
    {
        if (m_batch->paths.size() >= kBatchPaths || m_sinceFlush.elapsed() >= kBatchMs)
            flush();
    }
    void finish(const QStringList &problems)
    {
        flush();
        auto last = std::make_shared<PathSearch::Batch>();
        last->done = true;
        last->problems = problems;
        m_promise.addResult(std::move(last));
    }

private:
    void flush()
    {
        if (m_batch->paths.isEmpty())
            return;
        m_promise.addResult(std::exchange(m_batch, std::make_shared<PathSearch::Batch>()));
        m_sinceFlush.restart();
    }
    QPromise<BatchPtr> &m_promise;
    BatchPtr m_batch = std::make_shared<PathSearch::Batch>();
    QElapsedTimer m_sinceFlush;
    quint64 m_kept = 0;
};

// A search that needs entries' facts (a state or layer filter): the full listing of
// every directory.
void walkEntries(QPromise<BatchPtr> &promise, const stack::MergedTree &tree, const QRegularExpression &pattern,
                 const SearchFilters &filters, PathSearch::Counters &counters)
{
    stack::ListOptions opts;
    opts.includeWhiteouts = filters.showWhiteouts;
    MatchBatcher batcher(promise);
    QStringList problems;
    std::vector<std::string> todo {""}; // depth first; each dir's subdirs pushed in reverse
    while (!todo.empty() && !promise.isCanceled()) {
        const std::string dir = std::move(todo.back());
        todo.pop_back();
        std::vector<std::string> subdirs;
        auto listing = tree.list(dir, opts, [&](std::vector<stack::MergedEntry> &&entries) {
            for (const stack::MergedEntry &e : entries) {
                std::string path = dir.empty() ? e.name : dir + '/' + e.name;
                if (filters.accepts(e, SearchFilters::Dirs::Strict) && pattern.match(pathText(path)).hasMatch())
                    batcher.add(path, counters);
                if (e.isDir() && !e.isWhiteout())
                    subdirs.push_back(std::move(path));
            }
            counters.seen.fetch_add(entries.size(), std::memory_order_relaxed);
            batcher.maybeFlush();
            return !promise.isCanceled();
        });
        if (!listing && problems.size() < kMaxProblems)
            problems << errorText(listing.error());
        std::move(subdirs.rbegin(), subdirs.rend(), std::back_inserter(todo));
    }
    batcher.finish(problems);
}

// A search of names only (no state or layer filter, the usual case): core's
// paths-only walk, which reads names and kinds and stats almost nothing.
void walkPaths(QPromise<BatchPtr> &promise, const stack::MergedTree &tree, const QRegularExpression &pattern,
               const SearchFilters &filters, PathSearch::Counters &counters)
{
    stack::PathWalkOptions opts;
    opts.includeWhiteouts = filters.showWhiteouts;
    MatchBatcher batcher(promise);
    quint64 sinceCheck = 0;
    auto result = stack::walkMergedPaths(tree, "", opts, [&](std::string_view path, stack::PathKind) {
        if (pattern.match(pathText(path)).hasMatch())
            batcher.add(path, counters);
        // Counters, batches and cancellation every few thousand paths, not per path.
        if (++sinceCheck == 4096) {
            counters.seen.fetch_add(sinceCheck, std::memory_order_relaxed);
            sinceCheck = 0;
            batcher.maybeFlush();
            return !promise.isCanceled();
        }
        return true;
    });
    counters.seen.fetch_add(sinceCheck, std::memory_order_relaxed);
    QStringList problems;
    if (!result)
        problems << errorText(result.error());
    else
        for (size_t i = 0; i < result->problems.size() && problems.size() < kMaxProblems; ++i)
            problems << errorText(result->problems[i]);
    batcher.finish(problems);
}

void walk(QPromise<BatchPtr> &promise, const stack::MergedTree &tree, const QRegularExpression &pattern,
          const SearchFilters &filters, PathSearch::Counters &counters)
{
    const bool namesOnly = !filters.stateMask && filters.layer < 0 && filters.onlyLayer < 0;
    if (namesOnly)
        walkPaths(promise, tree, pattern, filters, counters);
    else
        walkEntries(promise, tree, pattern, filters, counters);
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
