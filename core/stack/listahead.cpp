// SPDX-License-Identifier: GPL-2.0-or-later
#include "listahead.h"

#include "mergedwalk.h"

#include <algorithm>
#include <iterator>

namespace strata::stack {

ListAhead::ListAhead(const MergedTree &tree, const ListOptions &opts, Descends descends,
                     const std::atomic<bool> *cancel, ListAheadLimits limits)
    : m_tree(tree)
    , m_opts(opts)
    , m_descends(std::move(descends))
    , m_cancel(cancel)
    , m_limits(limits)
{
    m_limits.maxListings = std::max<size_t>(m_limits.maxListings, 1);
}

ListAhead::~ListAhead()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

bool ListAhead::stopping() const
{
    return m_stop.load(std::memory_order_relaxed) || (m_cancel && m_cancel->load(std::memory_order_relaxed));
}

Result<Listing> ListAhead::readOne(const std::string &path) const
{
    // Streamed only so that a cancelled walk stops the helper mid-directory; the
    // caller's own reads run to the end, as MergedTree::list(path, opts) would.
    std::vector<MergedEntry> entries;
    const bool mayStop = std::this_thread::get_id() == m_thread.get_id();
    auto listing = m_tree.list(path, m_opts, [&](std::vector<MergedEntry> &&batch) {
        if (entries.empty())
            entries = std::move(batch);
        else
            std::move(batch.begin(), batch.end(), std::back_inserter(entries));
        return !(mayStop && stopping());
    });
    if (listing)
        listing->entries = std::move(entries);
    return listing;
}

void ListAhead::announce(const Result<Listing> &r, const Key &key)
{
    if (!r)
        return;
    const int depth = static_cast<int>(key.size()) + 1;
    Key child = key;
    child.push_back(0);
    for (size_t i = 0; i < r->entries.size(); ++i) {
        const MergedEntry &e = r->entries[i];
        if (!m_descends(e, depth))
            continue;
        child.back() = static_cast<uint32_t>(i);
        std::string path = joinPath(r->path, e.name);
        // A name announced twice (a walk never lists one dir twice) keeps its first place.
        if (m_slots.try_emplace(path, Slot {child, SlotState::Waiting, std::nullopt}).second)
            m_waiting.emplace(child, std::move(path));
    }
}

void ListAhead::release(const Result<Listing> &r)
{
    --m_heldListings;
    m_heldEntries -= sizeOf(r);
}

Result<Listing> ListAhead::root(const std::string &path)
{
    auto r = readOne(path);
    {
        std::lock_guard lock(m_mutex);
        announce(r, {});
        if (!m_thread.joinable() && !m_waiting.empty())
            m_thread = std::thread([this] { run(); });
    }
    m_changed.notify_all();
    return r;
}

Result<Listing> ListAhead::list(const std::string &path)
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        const auto it = m_slots.find(path);
        if (it == m_slots.end())
            break; // not announced: read it here
        Slot &slot = it->second;
        if (slot.state == SlotState::Read) {
            Result<Listing> r = std::move(*slot.result);
            release(r);
            m_slots.erase(it);
            lock.unlock();
            m_changed.notify_all(); // room for the helper to read further
            return r;
        }
        if (slot.state == SlotState::Waiting) {
            const Key key = slot.key;
            m_waiting.erase(key);
            m_slots.erase(it);
            lock.unlock();
            auto r = readOne(path);
            lock.lock();
            announce(r, key);
            lock.unlock();
            m_changed.notify_all();
            return r;
        }
        // Being read by the helper: rather than idle until it is, read the first
        // directory still waiting (the walk needs it soon after), then look again.
        if (!readWaiting(lock))
            m_changed.wait(lock);
    }
    lock.unlock();
    return readOne(path);
}

bool ListAhead::roomAhead() const
{
    return !m_waiting.empty() && m_heldListings < m_limits.maxListings && m_heldEntries < m_limits.maxEntries;
}

bool ListAhead::readWaiting(std::unique_lock<std::mutex> &lock)
{
    if (!roomAhead())
        return false;
    auto next = m_waiting.begin();
    const Key key = next->first;
    const std::string path = std::move(next->second);
    m_waiting.erase(next);
    m_slots.at(path).state = SlotState::Reading;
    ++m_heldListings;
    lock.unlock();
    auto r = readOne(path);
    lock.lock();
    m_heldEntries += sizeOf(r);
    announce(r, key);
    Slot &done = m_slots.at(path); // a Reading slot is never taken from under its reader
    done.state = SlotState::Read;
    done.result = std::move(r);
    lock.unlock();
    m_changed.notify_all();
    lock.lock();
    return true;
}

void ListAhead::run()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_changed.wait(lock, [this] { return stopping() || roomAhead(); });
        if (stopping())
            return;
        // The first waiting directory in walk order: the walk takes the next one
        // still waiting when it finds this one being read.
        readWaiting(lock);
    }
}

} // namespace strata::stack
