// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The entries of one loaded merged directory as a ViewTracker remembers them: their
// names and EntryFacts, sorted by name. Kept small because a tracker holds one per
// loaded directory, for every entry of a watched stack (issue #9 §7: at most 50
// bytes per entry): one 32-byte record per entry, all the names in one string.

#include "effect.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::watch {

class EntryTable {
public:
    // Replaces everything with `entries` (any order; whiteouts included).
    void assign(const std::vector<stack::MergedEntry> &entries);
    std::optional<EntryFacts> find(std::string_view name) const;
    void set(std::string_view name, const EntryFacts &facts);
    void erase(std::string_view name);

    size_t size() const { return m_items.size(); }
    bool empty() const { return m_items.empty(); }
    // In name order (bytewise, as std::string compares).
    std::string_view nameAt(size_t i) const { return {m_names.data() + m_items[i].nameAt, m_items[i].nameLen}; }
    EntryFacts factsAt(size_t i) const;

private:
    struct Item {
        int64_t size;
        uint64_t fingerprint;
        uint32_t state;
        uint32_t nameAt; // offset in m_names
        uint16_t mode; // st_mode: type and permission bits fit in 16
        int16_t layer; // overlayfs stacks at most 500 lowers
        int16_t dataLayer;
        stack::FileType type;
        uint8_t nameLen; // a directory entry's name is at most NAME_MAX (255) bytes
    };
    static_assert(sizeof(Item) == 32);

    size_t lowerBound(std::string_view name) const;
    static void pack(Item &item, const EntryFacts &facts);
    // Drops the bytes of erased names once they are half the string.
    void compact();

    std::vector<Item> m_items;
    std::string m_names;
    size_t m_unused = 0; // bytes of m_names no item points to
};

} // namespace strata::watch
