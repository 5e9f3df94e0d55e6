// SPDX-License-Identifier: GPL-2.0-or-later
#include "entrytable.h"

#include <algorithm>
#include <numeric>

namespace strata::watch {

void EntryTable::pack(Item &item, const EntryFacts &facts)
{
    item.size = facts.size;
    item.fingerprint = facts.fingerprint;
    item.state = facts.state;
    item.mode = static_cast<uint16_t>(facts.mode);
    item.layer = static_cast<int16_t>(facts.layer);
    item.dataLayer = static_cast<int16_t>(facts.dataLayer);
    item.type = facts.type;
}

EntryFacts EntryTable::factsAt(size_t i) const
{
    const Item &item = m_items[i];
    EntryFacts f;
    f.layer = item.layer;
    f.type = item.type;
    f.state = item.state;
    f.size = item.size;
    f.mode = item.mode;
    f.dataLayer = item.dataLayer;
    f.fingerprint = item.fingerprint;
    return f;
}

void EntryTable::assign(const std::vector<stack::MergedEntry> &entries)
{
    std::vector<uint32_t> order(entries.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return entries[a].name < entries[b].name; });
    size_t bytes = 0;
    for (const auto &e : entries)
        bytes += e.name.size();
    // Exactly sized: a vector grown by doubling would keep up to half its bytes idle.
    std::vector<Item>().swap(m_items);
    m_items.reserve(entries.size());
    std::string().swap(m_names);
    m_names.reserve(bytes);
    m_unused = 0;
    for (const uint32_t i : order) {
        const auto &e = entries[i];
        Item item {};
        pack(item, EntryFacts::of(e));
        item.nameAt = static_cast<uint32_t>(m_names.size());
        item.nameLen = static_cast<uint8_t>(std::min<size_t>(e.name.size(), 255));
        m_names.append(e.name, 0, item.nameLen);
        m_items.push_back(item);
    }
}

size_t EntryTable::lowerBound(std::string_view name) const
{
    size_t lo = 0, hi = m_items.size();
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (nameAt(mid) < name)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

std::optional<EntryFacts> EntryTable::find(std::string_view name) const
{
    const size_t i = lowerBound(name);
    if (i == m_items.size() || nameAt(i) != name)
        return std::nullopt;
    return factsAt(i);
}

void EntryTable::set(std::string_view name, const EntryFacts &facts)
{
    const size_t i = lowerBound(name);
    if (i < m_items.size() && nameAt(i) == name) {
        pack(m_items[i], facts);
        return;
    }
    Item item {};
    pack(item, facts);
    item.nameAt = static_cast<uint32_t>(m_names.size());
    item.nameLen = static_cast<uint8_t>(std::min<size_t>(name.size(), 255));
    m_names.append(name.substr(0, item.nameLen));
    m_items.insert(m_items.begin() + static_cast<ptrdiff_t>(i), item);
}

void EntryTable::erase(std::string_view name)
{
    const size_t i = lowerBound(name);
    if (i == m_items.size() || nameAt(i) != name)
        return;
    m_unused += m_items[i].nameLen;
    m_items.erase(m_items.begin() + static_cast<ptrdiff_t>(i));
    compact();
}

void EntryTable::compact()
{
    if (m_unused < 4096 || m_unused * 2 < m_names.size())
        return;
    std::string names;
    names.reserve(m_names.size() - m_unused);
    for (Item &item : m_items) {
        const auto at = static_cast<uint32_t>(names.size());
        names.append(m_names, item.nameAt, item.nameLen);
        item.nameAt = at;
    }
    m_names = std::move(names);
    m_unused = 0;
}

} // namespace strata::watch
