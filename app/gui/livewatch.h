// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The open stack's layers watched live (core/watch), entirely off the GUI thread: a
// worker thread owns the StackWatcher and a ViewTracker, waits on the watcher's fd
// with a QSocketNotifier in its own event loop, turns each burst into Effects (the
// inspector's rules, the same as `stratactl watch`) and lists again the merged
// directories they touch. The GUI thread only receives finished results.
//
// The tree tells it which merged directories it has loaded (watchDirectory): the
// worker registers their layer dirs, lists them once more and hands that listing
// back, so a change made between the tree's own listing and the registration is
// not lost (the model reconciles with it).

#include "stack/entry.h"
#include "stack/layerstack.h"
#include "watch/change.h"
#include "watch/effect.h"
#include "watch/method.h"

#include <QList>
#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <string>
#include <vector>

class QThread;

namespace strata::gui {

// One line of the feed: a layer change and what it did to the merged view. An
// overflow (events lost, everything loaded rescanned) comes as a line without a
// change: `overflow` set, its effects the differences the rescan found.
struct LiveChange {
    watch::LayerChange change;
    std::vector<watch::Effect> effects;
    bool overflow = false;
};

// A merged directory as listed after the changes (whiteouts included).
struct LiveListing {
    std::string path;
    std::vector<stack::MergedEntry> entries;
};

class LiveWatchWorker;
class MergedTreeModel;

class LiveWatch : public QObject {
    Q_OBJECT
public:
    explicit LiveWatch(QObject *parent = nullptr);
    ~LiveWatch() override; // stops the worker thread

    // Watches `stack` (nullptr: nothing). started() follows with each layer's method.
    void setStack(std::shared_ptr<const stack::LayerStack> stack);
    // The tree loaded merged directory `mergedPath` ("" = the root).
    void watchDirectory(const std::string &mergedPath);
    // Delivers what the watcher is still coalescing now (tests, Refresh).
    void flush();
    const std::vector<watch::LayerWatch> &layers() const { return m_layers; }
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void started();
    void failed(const QString &reason);
    void changed(const QList<strata::gui::LiveChange> &changes);
    // Directories to show as listed now, after changes or after being registered.
    void listed(const QList<strata::gui::LiveListing> &listings);
    void problem(const QString &message);
    // Its layer dirs are registered: changes in merged directory `path` are reported
    // from now on.
    void directoryWatched(const QByteArray &path);

private:
    friend class LiveWatchWorker;
    void post(std::function<void(LiveWatchWorker &)> f); // runs f on the worker thread

    QThread *m_thread;
    LiveWatchWorker *m_worker;
    quint64 m_generation = 0;
    std::vector<watch::LayerWatch> m_layers;
    bool m_running = false;
};

// The app's wiring of `live` to the tree (the main window's, and the benchmark's):
// every directory `model` loads is watched, and each listing after changes brings
// its rows up to date in place. Only the merged view (top layer 0) is what the
// listings describe; the cumulative views of lower layers are not updated live.
void followModel(LiveWatch *live, MergedTreeModel *model);

} // namespace strata::gui
