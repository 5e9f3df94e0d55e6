// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Directory listings of a depth-first walk, read ahead on a second thread. A full
// scan spends most of its time in the kernel (getdents, a stat per layer entry, a
// listxattr per object), one directory after another on one core; find is no
// faster, but a machine has more cores than that. The helper thread lists the
// directories the walk will reach next (in the walk's own order, with the same
// MergedTree::list), while the caller consumes the current one; the caller gets the
// same listings, in the same order, as if it had listed them itself.
//
// Bounded: at most `maxListings` listings and `maxEntries` entries are held ahead of
// the caller (a listing the caller waits for is always read). Cancellable: the
// helper stops mid-listing when the walk's cancel flag is set or the ListAhead is
// destroyed. File descriptors: the helper holds one listing's layer dirs open at a
// time, like the caller.

#include "mergedtree.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace strata::stack {

struct ListAheadLimits {
    size_t maxListings = 32;
    size_t maxEntries = 1 << 16;
};

class ListAhead {
public:
    // `descends(entry, depth)`: whether the walk lists this entry of a listing at
    // `depth` (1 for the root's entries) next; it must say what the walk will do.
    using Descends = std::function<bool(const MergedEntry &entry, int depth)>;
    ListAhead(const MergedTree &tree, const ListOptions &opts, Descends descends,
              const std::atomic<bool> *cancel = nullptr, ListAheadLimits limits = {});
    ~ListAhead();
    ListAhead(const ListAhead &) = delete;
    ListAhead &operator=(const ListAhead &) = delete;

    // The walk's root, listed here; reading its subdirectories ahead starts.
    Result<Listing> root(const std::string &path);
    // A directory the walk reached: read ahead (waits if it is being read), or read
    // here when it was not (a directory no listing announced is read too).
    Result<Listing> list(const std::string &path);

private:
    // A directory's place in the walk: the positions of its ancestors' entries from
    // the root; ordered lexicographically, that is the depth-first order.
    using Key = std::vector<uint32_t>;
    enum class SlotState : uint8_t { Waiting, Reading, Read };
    struct Slot {
        Key key;
        SlotState state = SlotState::Waiting;
        std::optional<Result<Listing>> result;
    };

    Result<Listing> readOne(const std::string &path) const;
    // Under the lock: the subdirectories the walk will list, placed after `key`.
    void announce(const Result<Listing> &r, const Key &key);
    void release(const Result<Listing> &r); // under the lock: a held listing leaves
    size_t sizeOf(const Result<Listing> &r) const { return r ? r->entries.size() : 0; }
    bool stopping() const;
    bool roomAhead() const; // under the lock: a directory waits and the bounds allow reading it
    // Under the lock (released while reading): reads the first waiting directory in
    // walk order ahead. false: none, or no room.
    bool readWaiting(std::unique_lock<std::mutex> &lock);
    void run();

    const MergedTree &m_tree;
    ListOptions m_opts;
    Descends m_descends;
    const std::atomic<bool> *m_cancel;
    ListAheadLimits m_limits;

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::map<Key, std::string> m_waiting; // announced, not being read: walk order
    std::unordered_map<std::string, Slot> m_slots; // announced, not taken by the walk
    size_t m_heldListings = 0; // being read or read ahead
    size_t m_heldEntries = 0;
    std::atomic<bool> m_stop {false};
    std::thread m_thread;
};

} // namespace strata::stack
