// SPDX-License-Identifier: GPL-2.0-or-later
// strata-bench-watch-gui: issue #9 §7 (b), how fast a change made directly on a
// layer shows in the desktop app's tree model. Figures, never a pass/fail test.
//
//   strata-bench-watch-gui [--dir DIR] [--singles N] [--burst N] [--method M]
//
// The app's own pipeline, offscreen: a MergedTreeModel over a two-lower stack with
// the directories expanded (fetched), a LiveWatch wired to it as the main window
// wires it (followModel): the worker thread's StackWatcher and ViewTracker, the
// listing of the touched directory, the queued signal, then updateDirectory on the
// GUI thread. Measured: the time from creating a file in the top lower to the
// model's rowsInserted naming it, for N single changes 20 ms apart (p50, p99, max),
// and for a burst of N creates in one directory made by another thread, the time
// until the model holds all N rows ("settled").
#include "benchfigures.h"
#include "livewatch.h"
#include "mergedtreemodel.h"
#include "stack/layerstack.h"
#include "stack/mergedtree.h"

#include <QApplication>
#include <QEventLoop>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace strata;
using namespace strata::bench;

namespace {

struct Options {
    std::string dir = "/var/tmp/strata-bench-watch-gui";
    int singles = 200;
    int burst = 10000;
    std::string method; // "" = the default choice
};

// Runs the GUI thread's event loop until `done` holds (checked whenever the model
// or the watch reports something) or `ms` pass. The loop sleeps in poll, so a
// queued signal is handled the moment it is posted: the times taken in the
// handlers are the pipeline's, not this loop's.
class Waiter {
public:
    Waiter(gui::MergedTreeModel &model, gui::LiveWatch &live)
    {
        auto check = [this]() { poke(); };
        QObject::connect(&model, &QAbstractItemModel::rowsInserted, &m_loop, check);
        QObject::connect(&model, &QAbstractItemModel::dataChanged, &m_loop, check);
        QObject::connect(&model, &gui::MergedTreeModel::directoryLoaded, &m_loop, check);
        QObject::connect(&live, &gui::LiveWatch::directoryWatched, &m_loop, check);
        QObject::connect(&live, &gui::LiveWatch::started, &m_loop, check);
        QObject::connect(&live, &gui::LiveWatch::failed, &m_loop, check);
    }
    bool run(const std::function<bool()> &done, int ms)
    {
        if (done())
            return true;
        m_done = done;
        QTimer timeout;
        timeout.setSingleShot(true);
        QObject::connect(&timeout, &QTimer::timeout, &m_loop, [this]() { m_loop.quit(); });
        timeout.start(ms);
        m_loop.exec();
        m_done = nullptr;
        return done();
    }
    // Checks `done` now: for handlers connected after this waiter's own, which
    // Qt calls later.
    void poke()
    {
        if (m_done && m_done())
            m_loop.quit();
    }

private:
    QEventLoop m_loop;
    std::function<bool()> m_done;
};

// Expands merged directory `path` as the view does (fetchMore) and waits until the
// watch has registered it: changes in it are reported from then on.
bool expand(gui::MergedTreeModel &model, Waiter &wait, const std::string &path, std::vector<std::string> &watched)
{
    const QModelIndex idx = path.empty() ? QModelIndex() : model.indexForPath(path);
    if (!path.empty() && !idx.isValid())
        return false;
    if (model.canFetchMore(idx))
        model.fetchMore(idx);
    return wait.run([&]() { return std::find(watched.begin(), watched.end(), path) != watched.end(); }, 30000);
}

} // namespace

int main(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (a == "--dir")
            o.dir = next();
        else if (a == "--singles")
            o.singles = std::atoi(next().c_str());
        else if (a == "--burst")
            o.burst = std::atoi(next().c_str());
        else if (a == "--method")
            o.method = next();
        else {
            std::fprintf(stderr,
                         "usage: %s [--dir DIR] [--singles N] [--burst N] [--method fanotify|inotify|polling]\n",
                         argv[0]);
            return 2;
        }
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // each figure as soon as it is known, also into a pipe
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (!o.method.empty())
        qputenv("STRATA_WATCH_METHOD", QByteArray::fromStdString(o.method));
    QApplication app(argc, argv);

    std::error_code ec;
    std::filesystem::remove_all(o.dir, ec);
    const std::string l0 = o.dir + "/lower0", l1 = o.dir + "/lower1";
    for (const auto &d : {l0 + "/single", l0 + "/burst", l1 + "/single", l1 + "/burst"})
        std::filesystem::create_directories(d);
    touch(l1 + "/single/from-lower1"); // merged dirs, as in a real stack
    std::printf("strata-bench-watch-gui: %d single changes, a %d-change burst; load average %s; %s\n", o.singles,
                o.burst, loadAverage().c_str(), ::geteuid() == 0 ? "root (fanotify)" : "not root (inotify)");

    stack::StackSpec spec;
    spec.sourceKind = "directories";
    spec.lower = {l0, l1};
    auto st = stack::LayerStack::fromSpec(spec);
    if (!st) {
        std::printf("(b) skipped: %s\n", st.error().message().c_str());
        return 0;
    }
    std::shared_ptr<const stack::LayerStack> stackPtr = std::move(*st);

    gui::MergedTreeModel model;
    gui::LiveWatch live;
    gui::followModel(&live, &model);
    Waiter wait(model, live);
    std::vector<std::string> watched;
    QObject::connect(&live, &gui::LiveWatch::directoryWatched, [&](const QByteArray &path) {
        watched.push_back(path.toStdString());
        wait.poke();
    });
    std::optional<QString> failure;
    QObject::connect(&live, &gui::LiveWatch::failed, [&](const QString &why) {
        failure = why;
        wait.poke();
    });

    model.setTree(std::make_shared<stack::MergedTree>(stackPtr));
    live.setStack(stackPtr);
    if (!wait.run([&]() { return live.isRunning() || failure; }, 30000) || failure) {
        std::printf("(b) skipped: the watch did not start%s\n", failure ? (": " + failure->toStdString()).c_str() : "");
        return 0;
    }
    const auto tOpen = Clock::now();
    for (const std::string dir : {"", "single", "burst"})
        if (!expand(model, wait, dir, watched)) {
            std::printf("(b) skipped: merged directory '%s' was never listed and watched\n", dir.c_str());
            return 0;
        }
    std::printf("(b) watched by %s; the root and two directories expanded and watched in %.0f ms\n",
                std::string(watch::methodName(live.layers().front().method)).c_str(), msSince(tOpen));

    // The name last inserted under each directory, and when.
    std::string awaited;
    std::optional<Clock::time_point> seenAt;
    QObject::connect(&model, &QAbstractItemModel::rowsInserted, [&](const QModelIndex &parent, int first, int last) {
        if (awaited.empty())
            return;
        for (int r = first; r <= last; ++r) {
            const QModelIndex idx = model.index(r, 0, parent);
            if (model.data(idx, gui::MergedTreeModel::PathBytesRole).toByteArray().toStdString() == awaited) {
                seenAt = Clock::now();
                wait.poke();
                return;
            }
        }
    });

    std::vector<double> lat;
    size_t lost = 0;
    for (int i = 0; i < o.singles; ++i) {
        awaited = "single/s" + std::to_string(i);
        seenAt.reset();
        const auto t0 = Clock::now();
        touch(l0 + "/" + awaited);
        if (wait.run([&]() { return seenAt.has_value(); }, 5000))
            lat.push_back(msBetween(t0, *seenAt));
        else
            ++lost;
        // 20 ms apart, with the event loop running (late deliveries land here).
        wait.run([]() { return false; }, 20);
    }
    awaited.clear();
    printRow("(b) GUI model, single change", percentiles(lat, lost), 100);

    const QModelIndex burstIdx = model.indexForPath("burst");
    const auto rows = [&]() { return static_cast<size_t>(model.rowCount(burstIdx)); };
    const size_t want = static_cast<size_t>(o.burst);
    std::optional<Clock::time_point> settledAt;
    QObject::connect(&model, &QAbstractItemModel::rowsInserted, [&](const QModelIndex &parent, int, int) {
        if (!settledAt && parent == burstIdx && rows() >= want) {
            settledAt = Clock::now();
            wait.poke();
        }
    });
    const double cpu0 = cpuSeconds();
    const auto t0 = Clock::now();
    // Another thread makes the changes: the GUI thread keeps handling deliveries.
    std::atomic<double> made {0};
    std::thread maker([&]() {
        for (int i = 0; i < o.burst; ++i)
            touch(l0 + "/burst/b" + std::to_string(i));
        made = msSince(t0);
    });
    wait.run([&]() { return settledAt.has_value(); }, 30000);
    maker.join();
    printSettled("(b) GUI model, burst (rows)", want, made.load(), settledAt ? msBetween(t0, *settledAt) : msSince(t0),
                 rows(), 2000);
    std::printf("(b) burst: %.2f s CPU in this process (watcher, worker and GUI threads, and the creates)\n",
                cpuSeconds() - cpu0);
    std::printf("load average after: %s\n", loadAverage().c_str());
    std::filesystem::remove_all(o.dir, ec);
    return 0;
}
