// SPDX-License-Identifier: GPL-2.0-or-later
#include "handlemap.h"

#include <algorithm>

namespace strata::watch {

bool isWithin(const std::string &path, const std::string &dir)
{
    if (dir.empty())
        return true;
    return path.size() >= dir.size() && path.compare(0, dir.size(), dir) == 0
        && (path.size() == dir.size() || path[dir.size()] == '/');
}

void HandleMap::add(const std::string &key, int layer, const std::string &path)
{
    if (auto it = m_byPath.find({layer, path}); it != m_byPath.end()) {
        if (it->second == key)
            return;
        unlink(it->second, layer, path); // the path names another object now
    }
    m_byPath[{layer, path}] = key;
    m_byKey[key].push_back(Dir {layer, path});
}

const std::vector<HandleMap::Dir> *HandleMap::find(const std::string &key) const
{
    const auto it = m_byKey.find(key);
    return it == m_byKey.end() ? nullptr : &it->second;
}

std::optional<std::string> HandleMap::keyOf(int layer, const std::string &path) const
{
    const auto it = m_byPath.find({layer, path});
    if (it == m_byPath.end())
        return std::nullopt;
    return it->second;
}

void HandleMap::unlink(const std::string &key, int layer, const std::string &path)
{
    const auto it = m_byKey.find(key);
    if (it == m_byKey.end())
        return;
    std::erase_if(it->second, [&](const Dir &d) { return d.layer == layer && d.path == path; });
    if (it->second.empty())
        m_byKey.erase(it);
}

std::vector<std::string> HandleMap::removeTree(int layer, const std::string &path)
{
    std::vector<std::pair<std::string, std::string>> gone; // (path, key)
    // `path` itself, then everything below "path/" (names such as "path-x" sort
    // between the two and are not below it).
    if (auto it = m_byPath.find({layer, path}); it != m_byPath.end())
        gone.emplace_back(it->first.second, it->second);
    const std::string prefix = path.empty() ? std::string() : path + "/";
    for (auto it = m_byPath.lower_bound({layer, prefix}); it != m_byPath.end() && it->first.first == layer; ++it) {
        if (!isWithin(it->first.second, path) || it->first.second == path)
            break;
        gone.emplace_back(it->first.second, it->second);
    }
    std::vector<std::string> unused;
    for (auto &[p, key] : gone) {
        m_byPath.erase({layer, p});
        unlink(key, layer, p);
        if (!m_byKey.contains(key))
            unused.push_back(key);
    }
    return unused;
}

void HandleMap::removeKey(const std::string &key)
{
    const auto it = m_byKey.find(key);
    if (it == m_byKey.end())
        return;
    for (const auto &d : it->second)
        m_byPath.erase({d.layer, d.path});
    m_byKey.erase(it);
}

std::vector<std::string> HandleMap::rename(int layer, const std::string &from, const std::string &to)
{
    if (from == to || from.empty())
        return {};
    std::vector<std::pair<std::string, std::string>> moved; // (old path, key)
    if (auto it = m_byPath.find({layer, from}); it != m_byPath.end())
        moved.emplace_back(from, it->second);
    for (auto it = m_byPath.lower_bound({layer, from + "/"}); it != m_byPath.end() && it->first.first == layer; ++it) {
        if (!isWithin(it->first.second, from))
            break;
        moved.emplace_back(it->first.second, it->second);
    }
    // Whatever was registered at the destination was replaced by the rename.
    std::vector<std::string> unused = removeTree(layer, to);
    for (auto &[oldPath, key] : moved) {
        m_byPath.erase({layer, oldPath});
        unlink(key, layer, oldPath);
        const std::string newPath = to + oldPath.substr(from.size());
        m_byPath[{layer, newPath}] = key;
        m_byKey[key].push_back(Dir {layer, newPath});
    }
    std::erase_if(unused, [&](const std::string &k) { return m_byKey.contains(k); });
    return unused;
}

} // namespace strata::watch
