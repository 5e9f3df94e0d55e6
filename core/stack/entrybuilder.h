// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Turns the directories of one merged dir (one per layer, already read) into merged
// entries: readdir's visibility rules (fs/overlayfs/readdir.c: the topmost version
// of a name wins, whiteouts hide, xattr whiteouts count only in opaque=x dirs), then
// the kernel's lookup for the facts of each visible name.

#include "dirreader.h"
#include "lookup.h"
#include "mergedtree.h"

#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

namespace strata::stack {

struct LayerDirTable {
    std::vector<OpenDir> dirs;
    std::vector<std::vector<RawEntry>> entries; // per position, sorted by name
    std::vector<bool> readOk; // false: that layer dir could not be read
    std::vector<UniqueFd> fds; // O_RDONLY fds of the dirs read
};

// The upper layer's multiply-linked non-directories by inode: where an index entry
// (a hard link of an upper inode) also has a name in the upper. Built by one walk of
// the upper, the first time a listing needs it, and shared by a tree's listings.
class UpperAliases {
public:
    std::optional<std::string> find(const Layer &upper, const struct stat &st);
    void clear();

private:
    std::mutex m_mutex;
    bool m_built = false;
    std::unordered_map<ino_t, std::string> m_paths;
};

class EntryBuilder {
public:
    EntryBuilder(const LayerStack &stack, const Lookup &lookup, const LayerDirTable &table, const ListOptions &opts);
    void build(std::vector<MergedEntry> &out) const;
    // While building, also hand out the per-layer dirs of each visible subdirectory.
    void collectChildDirs(std::vector<std::pair<std::string, std::vector<OpenDir>>> *sink) { m_childDirs = sink; }
    // Where index hits look up their upper alias (must outlive build()).
    void useUpperAliases(UpperAliases *aliases) { m_aliases = aliases; }

private:
    struct Occurrence {
        size_t pos;
        const RawEntry *raw;
    };
    MergedEntry visibleEntry(const std::string &name, const std::vector<Occurrence> &occ, const Resolution &r) const;
    MergedEntry whiteoutEntry(const std::string &name, const std::vector<Occurrence> &occ, bool xattr) const;
    void readObjectXattrs(MergedEntry &e, const Found &top, const std::vector<Occurrence> &occ,
                          const Resolution &r) const;
    bool isLowerWhiteout(const std::string &name, const Occurrence &o) const;
    int dirFdFor(int layer, const std::string &parentPath, UniqueFd &owned) const;

    const LayerStack &m_stack;
    const Lookup &m_lookup;
    const LayerDirTable &m_table;
    ListOptions m_opts;
    std::vector<std::pair<std::string, std::vector<OpenDir>>> *m_childDirs = nullptr;
    UpperAliases *m_aliases = nullptr;
};

} // namespace strata::stack
