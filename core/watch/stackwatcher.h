// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Watches every layer of a stack for changes made directly on the layers (not
// through a mount), each layer by the best method its filesystem allows:
//
//   * fanotify: one group (FAN_REPORT_DFID_NAME_TARGET) with a FAN_MARK_FILESYSTEM
//     mark per distinct filesystem holding a layer (root only). Events name a parent
//     directory by file handle; handles are resolved through the watcher's own
//     handle -> (layer, path) map, filled as directories are registered
//     (name_to_handle_at), because a deleted directory's handle cannot be decoded.
//     Events outside the registered directories (the rest of the filesystem, dirs
//     nobody loaded) are dropped.
//   * inotify: a watch per registered directory (unprivileged, or where fanotify was
//     refused). The watch limit (max_user_watches) is reported when reached.
//   * polling: a layer whose changes events cannot show (FUSE, remote, kernfs-like
//     filesystems) has its registered directories re-listed at an interval.
//
// "Registered" = loaded by whoever shows the stack: the GUI's expanded directories,
// the engine's looked-up ones, or (stratactl watch) every directory. Register a
// directory BEFORE listing it: a change between the listing and the registration
// would otherwise be missed. A directory created inside a registered one is
// registered automatically (and its first entries reported as created), so deeper
// creates keep being seen.
//
// Delivery: a watcher thread reads the kernel queues, coalesces changes to the same
// name that arrive within a burst (WatchOptions::settle, at most maxDelay), and
// queues WatchEvents. notifyFd() is readable while events wait: poll it from an event
// loop (QSocketNotifier) or block in wait(), then take(). Memory stays bounded: past
// maxPending queued changes the watcher drops them and reports Overflow for the
// layers concerned instead.
//
// Thread-safety: every member may be called from any thread.

#include "method.h"
#include "stack/layerstack.h"
#include "stack/mergedtree.h"
#include "util/error.h"
#include "watchevent.h"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace strata::watch {

struct WatchOptions {
    // Force one method for every layer (tests; `stratactl watch --method`). A layer
    // that cannot be watched that way (fanotify without privileges, events on FUSE)
    // falls back as usual and its LayerWatch::reason says so. The environment
    // variable STRATA_WATCH_METHOD=fanotify|inotify|polling does the same when this
    // is unset.
    std::optional<Method> method;
    // The caller's own choice when neither `method` nor STRATA_WATCH_METHOD says,
    // and why (LayerWatch::reason quotes it). strata-fuse prefers inotify: its
    // watches cover only the directories the mount read, where a fanotify
    // filesystem mark also reports every write the engine makes to its upper.
    std::optional<Method> preferred;
    std::string preferredWhy;
    std::chrono::milliseconds settle {5}; // a burst ends after this long without events
    std::chrono::milliseconds maxDelay {40}; // ... or this long after it began
    std::chrono::milliseconds pollInterval {500}; // polled layers: re-list period
    size_t maxPending = 65536; // changes held (coalescing + undelivered) before Overflow
    bool followNewDirs = true; // register dirs created inside registered ones
};

class StackWatcher {
public:
    // Decides each layer's method, places the fanotify marks, and starts the watcher
    // thread. Fails only when nothing at all can be set up (no eventfd, no thread);
    // layers that cannot be watched by events are polled.
    static Result<std::unique_ptr<StackWatcher>> start(std::shared_ptr<const stack::LayerStack> stack,
                                                       const WatchOptions &opts = {});
    ~StackWatcher(); // stops the thread, closes every fd
    StackWatcher(const StackWatcher &) = delete;
    StackWatcher &operator=(const StackWatcher &) = delete;

    const stack::LayerStack &stack() const;
    // One per layer, top first: how it is watched and why.
    const std::vector<LayerWatch> &layers() const;

    // Registers one directory of one layer ("" = the layer root). Idempotent. Fails
    // when it cannot be opened or watched (inotify: the watch limit, named with
    // max_user_watches); the same failure is also queued once as a Problem event.
    Result<void> watchDir(int layer, const std::string &pathInLayer);
    // Every layer directory of a merged directory (MergedTree::resolveDir, or a
    // Listing's `stack`): what to call before listing a merged directory.
    Result<void> watchDirs(const stack::DirStack &dirs);
    // Stops watching a directory (collapsed, forgotten): inotify frees its watch.
    void unwatchDir(int layer, const std::string &pathInLayer);
    // Registers every directory of every layer, layer by layer, at most `maxDirs`
    // in all (stratactl watch). Returns how many; fails on the first directory that
    // cannot be registered (the count so far is in the error's reason).
    Result<size_t> watchAll(size_t maxDirs = 1'000'000);
    size_t watchedDirs() const;

    // Readable (an eventfd) while take() has something. Never read it yourself.
    int notifyFd() const;
    // Up to `max` queued events, oldest first; never blocks.
    std::vector<WatchEvent> take(size_t max = SIZE_MAX);
    // Blocks until events are queued or `timeout` passes; true when there are some.
    bool wait(std::chrono::milliseconds timeout);
    // Delivers what is being coalesced now instead of waiting for the burst to
    // settle, and (polled layers) re-lists right away. For callers that must see
    // every change up to this point (tests, a Refresh action).
    void flush();

    struct Impl;

private:
    explicit StackWatcher(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace strata::watch
