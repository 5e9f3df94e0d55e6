// SPDX-License-Identifier: GPL-2.0-or-later
#include "coalescer.h"

namespace strata::watch {

bool Coalescer::add(RawChange &&c, stack::Role role, size_t room)
{
    const auto now = Clock::now();
    std::string key = std::to_string(c.layer);
    key += '\0';
    key += c.path;
    if (const auto it = m_index.find(key); it != m_index.end()) {
        LayerChange &have = m_changes[it->second];
        have.kinds |= c.kinds;
        have.isDir = have.isDir || c.isDir;
        if (!c.otherPath.empty())
            have.otherPath = std::move(c.otherPath);
        m_last = now;
        return true;
    }
    if (room == 0)
        return false;
    if (m_changes.empty())
        m_first = now;
    m_last = now;
    LayerChange lc;
    ::clock_gettime(CLOCK_REALTIME, &lc.time);
    lc.layer = c.layer;
    lc.role = role;
    lc.path = std::move(c.path);
    lc.kinds = c.kinds;
    lc.isDir = c.isDir;
    lc.otherPath = std::move(c.otherPath);
    m_index.emplace(std::move(key), m_changes.size());
    m_changes.push_back(std::move(lc));
    return true;
}

std::vector<LayerChange> Coalescer::drain()
{
    m_index.clear();
    return std::exchange(m_changes, {});
}

} // namespace strata::watch
