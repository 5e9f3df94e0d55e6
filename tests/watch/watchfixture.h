// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A four-layer stack on a private tmpfs for the watch tests (root: trusted.overlay.*
// xattrs, whiteout devices, fanotify marks), a watcher and a ViewTracker over it,
// and the bounded way to collect what one change did.
//
//   layer 0 upper  fu, ed/ (empty), sub/c, meta (metacopy, data in /blob)
//   layer 1 lower  f1, d1/y, d1e/ (empty), sub/b, shared
//   layer 2 lower  f2, d2/x, d2e/ (empty), sub/a, shared
//   layer 3 data   blob

#include "layerbuilder.h"
#include "tempdir.h"
#include "watch/stackwatcher.h"
#include "watch/viewtracker.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace strata::test {

class WatchFixture {
public:
    // Builds the layers (tmpfs mounted below a fresh TempDir); error() on failure.
    WatchFixture();
    ~WatchFixture();
    const std::string &error() const { return m_error; }

    std::string layerDir(int layer) const; // absolute path of a layer root
    std::shared_ptr<const stack::LayerStack> stack() const { return m_stack; }

    // Starts a watcher (forced method) and a tracker with the whole view loaded.
    std::string start(std::optional<watch::Method> method, const watch::WatchOptions &base = {});
    watch::StackWatcher &watcher() { return *m_watcher; }
    watch::ViewTracker &tracker() { return *m_tracker; }
    void stopWatching(); // the tracker and the watcher, before their layers go

    // Every event up to now (flush), applied; returns the effects, keyed by nothing:
    // in order. Changes and overflows seen are kept in `changes` / `overflows`.
    std::vector<watch::Effect> collect();
    // Collects until `pred(effects so far)` holds or `timeoutMs` passes (polled layers).
    std::vector<watch::Effect> collectUntil(const std::function<bool(const std::vector<watch::Effect> &)> &pred,
                                            int timeoutMs);
    std::vector<watch::LayerChange> changes;
    std::vector<std::vector<int>> overflows;

    // "" when the tracker's remembered view equals a freshly computed one for every
    // loaded name; else the first difference.
    std::string compareWithFresh() const;
    void setStack(std::shared_ptr<const stack::LayerStack> s) { m_stack = std::move(s); }
    const std::string &fsRoot() const { return m_fs; } // the private tmpfs

private:
    TempDir m_tmp {"strata-watch"};
    std::string m_fs;
    std::string m_error;
    std::shared_ptr<const stack::LayerStack> m_stack;
    std::unique_ptr<watch::StackWatcher> m_watcher;
    std::unique_ptr<watch::ViewTracker> m_tracker;
};

// compareWithFresh for any stack and tracker.
std::string compareWithFresh(const std::shared_ptr<const stack::LayerStack> &stack, const watch::ViewTracker &tracker);

// What `effects` did to `mergedPath` together (kinds OR-ed), or nullopt.
std::optional<watch::Effect> effectFor(const std::vector<watch::Effect> &effects, const std::string &mergedPath);

} // namespace strata::test
