// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Internal to core/watch: folds the changes of one burst by (layer, path), in the
// order each name was first seen, up to a bound.

#include "change.h"
#include "source.h"

#include <chrono>
#include <string>
#include <unordered_map>
#include <vector>

namespace strata::watch {

class Coalescer {
public:
    using Clock = std::chrono::steady_clock;

    // false when `room` is exhausted and the change is new: the caller reports an
    // overflow for its layer instead.
    bool add(RawChange &&c, stack::Role role, size_t room);
    bool empty() const { return m_changes.empty(); }
    size_t size() const { return m_changes.size(); }
    Clock::time_point firstAt() const { return m_first; }
    Clock::time_point lastAt() const { return m_last; }
    std::vector<LayerChange> drain();

private:
    std::vector<LayerChange> m_changes;
    std::unordered_map<std::string, size_t> m_index; // "layer\0path" -> m_changes
    Clock::time_point m_first {};
    Clock::time_point m_last {};
};

} // namespace strata::watch
