// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Internal to core/watch: the registered directories, by the key an event names
// them with (fanotify: fsid + file handle; inotify: the watch descriptor), and by
// (layer, path) for renames and removals. Kept by the watcher itself because a
// deleted directory's handle cannot be decoded any more, and an inotify wd says
// nothing about where its directory is now.

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace strata::watch {

class HandleMap {
public:
    struct Dir {
        int layer = 0;
        std::string path;
    };

    void add(const std::string &key, int layer, const std::string &path);
    // The dirs an event's key names (one object can be a dir of several layers
    // only when the same directory is given twice); nullptr when unknown.
    const std::vector<Dir> *find(const std::string &key) const;
    std::optional<std::string> keyOf(int layer, const std::string &path) const;
    bool contains(int layer, const std::string &path) const { return m_byPath.contains({layer, path}); }

    // Forgets `path` and every registered dir below it; returns the keys no
    // registration uses any more (the caller frees their watches).
    std::vector<std::string> removeTree(int layer, const std::string &path);
    // Forgets every dir registered under `key` (its object is gone).
    void removeKey(const std::string &key);
    // A directory renamed within its layer: it and everything below it move. What
    // was registered at `to` was replaced: returns the keys no longer used.
    std::vector<std::string> rename(int layer, const std::string &from, const std::string &to);
    size_t size() const { return m_byPath.size(); }

private:
    void unlink(const std::string &key, int layer, const std::string &path);
    std::unordered_map<std::string, std::vector<Dir>> m_byKey;
    std::map<std::pair<int, std::string>, std::string> m_byPath;
};

// True when `path` is `dir` or lies below it ("" is every path's ancestor).
bool isWithin(const std::string &path, const std::string &dir);

} // namespace strata::watch
