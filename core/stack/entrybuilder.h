// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Turns the directories of one merged dir (one per layer, already read) into merged
// entries: readdir's visibility rules (fs/overlayfs/readdir.c: the topmost version
// of a name wins, whiteouts hide, xattr whiteouts count only in opaque=x dirs), then
// the kernel's lookup for the facts of each visible name.

#include "dirreader.h"
#include "lookup.h"
#include "mergedtree.h"

#include <vector>

namespace strata::stack {

struct LayerDirTable {
    std::vector<OpenDir> dirs;
    std::vector<std::vector<RawEntry>> entries; // per position, sorted by name
    std::vector<bool> readOk; // false: that layer dir could not be read
    std::vector<UniqueFd> fds; // O_RDONLY fds of the dirs read
};

class EntryBuilder {
public:
    EntryBuilder(const LayerStack &stack, const Lookup &lookup, const LayerDirTable &table, const ListOptions &opts);
    void build(std::vector<MergedEntry> &out) const;
    // While building, also hand out the per-layer dirs of each visible subdirectory.
    void collectChildDirs(std::vector<std::pair<std::string, std::vector<OpenDir>>> *sink) { m_childDirs = sink; }

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
};

} // namespace strata::stack
