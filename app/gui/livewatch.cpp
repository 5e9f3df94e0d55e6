// SPDX-License-Identifier: GPL-2.0-or-later
#include "livewatch.h"

#include "guitext.h"
#include "mergedtreemodel.h"
#include "watch/stackwatcher.h"
#include "watch/viewtracker.h"

#include <QPointer>
#include <QSocketNotifier>
#include <QThread>
#include <QTimer>
#include <chrono>
#include <map>
#include <set>

namespace strata::gui {

using namespace strata::watch;

namespace {

std::string parentOf(const std::string &mergedPath)
{
    const auto slash = mergedPath.rfind('/');
    return slash == std::string::npos ? std::string() : mergedPath.substr(0, slash);
}

} // namespace

// Lives in LiveWatch's thread: everything here blocks (fanotify marks, listings).
class LiveWatchWorker : public QObject {
public:
    explicit LiveWatchWorker(LiveWatch *owner)
        : m_owner(owner)
    { }

    void open(std::shared_ptr<const stack::LayerStack> stack, quint64 generation)
    {
        close();
        m_generation = generation;
        if (!stack)
            return;
        auto watcher = StackWatcher::start(stack);
        if (!watcher) {
            deliver([why = errorText(watcher.error())](LiveWatch &o) { Q_EMIT o.failed(why); });
            return;
        }
        m_watcher = std::move(*watcher);
        m_tracker = std::make_unique<ViewTracker>(stack, m_watcher.get());
        m_notifier = std::make_unique<QSocketNotifier>(m_watcher->notifyFd(), QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, this, [this]() { drain(); });
        deliver([layers = m_watcher->layers()](LiveWatch &o) {
            o.m_layers = layers;
            o.m_running = true;
            Q_EMIT o.started();
        });
    }

    void close()
    {
        m_stale.clear();
        m_dueAt.clear();
        m_notifier.reset();
        m_tracker.reset();
        m_watcher.reset();
    }

    void load(const std::string &mergedPath)
    {
        if (!m_tracker)
            return;
        if (!m_tracker->load(mergedPath))
            return; // went since the tree listed it: a change says so
        auto listing = shown(mergedPath);
        if (!listing)
            return;
        QList<LiveListing> out {LiveListing {listing->path, std::move(listing->entries)}};
        deliver([out = std::move(out)](LiveWatch &o) {
            Q_EMIT o.listed(out);
            Q_EMIT o.directoryWatched(QByteArray::fromStdString(out.front().path));
        });
    }

    void flush()
    {
        if (!m_watcher)
            return;
        m_watcher->flush();
        drain();
    }

private:
    // A directory as the tree shows it: the tracker's own listings leave origins out
    // (its comparison does not need them), the details pane shows them.
    Result<stack::Listing> shown(const std::string &mergedPath) const
    {
        stack::ListOptions opts;
        opts.includeWhiteouts = true;
        return m_tracker->tree().list(mergedPath, opts);
    }

    void drain()
    {
        if (!m_watcher)
            return;
        const std::vector<WatchEvent> events = m_watcher->take();
        if (events.empty())
            return;
        QList<LiveChange> lines;
        QStringList problems;
        std::vector<LayerChange> burst;
        auto applyBurst = [&]() {
            if (burst.empty())
                return;
            auto effects = m_tracker->applyAll(burst);
            for (size_t i = 0; i < burst.size(); ++i)
                lines.push_back(LiveChange {std::move(burst[i]), std::move(effects[i]), false});
            burst.clear();
        };
        for (const WatchEvent &ev : events) {
            switch (ev.type) {
            case WatchEvent::Type::Change:
                burst.push_back(ev.change);
                break;
            case WatchEvent::Type::Overflow:
                applyBurst();
                lines.push_back(LiveChange {{}, m_tracker->rescan(), true});
                break;
            case WatchEvent::Type::Problem:
                problems << errorText(ev.problem);
                break;
            }
        }
        applyBurst();
        // Every loaded merged directory holding an entry that changed is listed again
        // here, so the GUI thread only swaps rows.
        for (const LiveChange &l : lines)
            for (const Effect &e : l.effects)
                if (e.inView && e.kinds != 0 && !e.mergedPath.empty())
                    m_stale.insert(parentOf(e.mergedPath));
        QList<LiveListing> listings = listStale();
        deliver([lines = std::move(lines), listings = std::move(listings), problems](LiveWatch &o) {
            for (const QString &p : problems)
                Q_EMIT o.problem(p);
            if (!listings.isEmpty())
                Q_EMIT o.listed(listings);
            if (!lines.isEmpty())
                Q_EMIT o.changed(lines);
        });
    }

    // Lists the stale directories that are due. A directory is listed whole (the
    // model takes whole listings), so one of 1,000 entries or more that a burst
    // keeps changing is listed again only after 4 times its last listing took, at
    // most 100 ms (the single-change target): a 10,000-file burst comes in a
    // hundred deliveries, and listing it whole for each is quadratic work. A
    // smaller directory is listed at once: its listing is cheap, and a stalled one
    // must not hold back the next change.
    QList<LiveListing> listStale()
    {
        using Clock = std::chrono::steady_clock;
        QList<LiveListing> listings;
        const auto now = Clock::now();
        std::optional<Clock::time_point> next;
        for (auto it = m_stale.begin(); it != m_stale.end();) {
            const std::string &dir = *it;
            if (!m_tracker->isLoaded(dir)) {
                it = m_stale.erase(it);
                continue;
            }
            if (const auto due = m_dueAt.find(dir); due != m_dueAt.end() && due->second > now) {
                next = next ? std::min(*next, due->second) : due->second;
                ++it;
                continue;
            }
            const auto t0 = Clock::now();
            size_t shownEntries = 0; // this directory's, not the one listed before it
            if (auto listing = shown(dir)) {
                shownEntries = listing->entries.size();
                listings.push_back(LiveListing {listing->path, std::move(listing->entries)});
            }
            const auto t1 = Clock::now();
            if (shownEntries >= 1000)
                m_dueAt[dir] = t1 + std::min<Clock::duration>(4 * (t1 - t0), std::chrono::milliseconds(100));
            else
                m_dueAt.erase(dir);
            it = m_stale.erase(it);
        }
        if (next && !m_timerArmed) {
            m_timerArmed = true;
            const auto wait = std::chrono::ceil<std::chrono::milliseconds>(*next - now);
            QTimer::singleShot(wait, this, [this]() {
                m_timerArmed = false;
                if (!m_tracker)
                    return;
                QList<LiveListing> due = listStale();
                if (!due.isEmpty())
                    deliver([due = std::move(due)](LiveWatch &o) { Q_EMIT o.listed(due); });
            });
        }
        return listings;
    }

    // Runs f on the GUI thread unless the stack was replaced (or the owner went) since.
    void deliver(std::function<void(LiveWatch &)> f)
    {
        QMetaObject::invokeMethod(
            m_owner,
            [owner = m_owner, generation = m_generation, f = std::move(f)]() {
                if (owner->m_generation == generation)
                    f(*owner);
            },
            Qt::QueuedConnection);
    }

    LiveWatch *m_owner;
    quint64 m_generation = 0;
    std::unique_ptr<StackWatcher> m_watcher;
    std::unique_ptr<ViewTracker> m_tracker;
    std::unique_ptr<QSocketNotifier> m_notifier;
    std::set<std::string> m_stale; // merged dirs changed since their last listing
    std::map<std::string, std::chrono::steady_clock::time_point> m_dueAt; // when each may be listed again
    bool m_timerArmed = false;
};

LiveWatch::LiveWatch(QObject *parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_worker(new LiveWatchWorker(this))
{
    m_thread->setObjectName(QStringLiteral("strata-livewatch"));
    m_worker->moveToThread(m_thread);
    m_thread->start();
}

LiveWatch::~LiveWatch()
{
    ++m_generation;
    // The watcher's fds and thread are closed on the worker thread, which owns them.
    QMetaObject::invokeMethod(m_worker, [w = m_worker]() { w->close(); }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
}

void LiveWatch::post(std::function<void(LiveWatchWorker &)> f)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, f = std::move(f)]() { f(*w); }, Qt::QueuedConnection);
}

void LiveWatch::setStack(std::shared_ptr<const stack::LayerStack> stack)
{
    const quint64 generation = ++m_generation;
    m_layers.clear();
    m_running = false;
    post([stack = std::move(stack), generation](LiveWatchWorker &w) { w.open(stack, generation); });
}

void LiveWatch::watchDirectory(const std::string &mergedPath)
{
    post([mergedPath](LiveWatchWorker &w) { w.load(mergedPath); });
}

void LiveWatch::flush()
{
    post([](LiveWatchWorker &w) { w.flush(); });
}

void followModel(LiveWatch *live, MergedTreeModel *model)
{
    auto merged = [model]() { return model->tree() && model->tree()->topLayer() == 0; };
    QObject::connect(model, &MergedTreeModel::directoryLoaded, live, [live, merged](const QByteArray &path) {
        if (merged())
            live->watchDirectory(path.toStdString());
    });
    QObject::connect(live, &LiveWatch::listed, model, [model, merged](const QList<LiveListing> &listings) {
        if (!merged())
            return;
        for (const LiveListing &l : listings)
            model->updateDirectory(l.path, l.entries);
    });
}

} // namespace strata::gui
