// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Turns the directories of one merged dir (one per layer, already read) into merged
// entries: readdir's visibility rules (fs/overlayfs/readdir.c: the topmost version
// of a name wins, whiteouts hide, xattr whiteouts count only in opaque=x dirs), then
// the kernel's lookup for the facts of each visible name.

#include "dirreader.h"
#include "lookup.h"
#include "mergedtree.h"
#include "ovl/mergerules.h"
#include "readdirrules.h"

#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace strata::stack {

struct LayerDirTable {
    std::vector<OpenDir> dirs;
    // Per position: the names read (readLayerDirNames); the builder reorders their
    // offsets (a heap per layer) and stats each name when it reaches it.
    std::vector<DirNames> names;
    std::vector<bool> readOk; // false: that layer dir could not be read
    std::vector<UniqueFd> fds; // O_RDONLY fds of the dirs read
    std::vector<std::string> paths; // for errors: layer root + dir path
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

// Opens and reads every layer dir of a merged dir. `only` empty: every name (one
// getdents pass per layer); otherwise just that name, statted in each layer, so a
// single entry costs a stat per layer however large its directory is.
LayerDirTable readLayerDirs(const LayerStack &stack, const std::vector<OpenDir> &dirs, const std::string &only,
                            std::vector<Error> &problems);

// Names come out in bytewise order, a batch at a time: the per-layer name lists are
// heaps (built in linear time) rather than sorted up front, and each name is
// statted only when it is reached, so the first entries of a huge directory are
// ready after one getdents pass.
class EntryBuilder {
public:
    EntryBuilder(const LayerStack &stack, const Lookup &lookup, LayerDirTable &table, const ListOptions &opts);
    // Appends the next at most `max` entries; false once every name was handed out.
    bool buildSome(std::vector<MergedEntry> &out, size_t max);
    // Layer entries that could not be statted (each names the entry and the reason).
    std::vector<Error> takeProblems() { return std::exchange(m_problems, {}); }
    // While building, also hand out the per-layer dirs of each visible subdirectory.
    void collectChildDirs(std::vector<std::pair<std::string, std::vector<OpenDir>>> *sink) { m_childDirs = sink; }
    // Where index hits look up their upper alias (must outlive build()).
    void useUpperAliases(UpperAliases *aliases) { m_aliases = aliases; }

private:
    struct Occurrence {
        size_t pos;
        const RawEntry *raw;
    };
    void start();
    bool nextName(std::string &name);
    MergedEntry visibleEntry(const std::string &name, const std::vector<Occurrence> &occ, const Resolution &r) const;
    MergedEntry whiteoutEntry(const std::string &name, const std::vector<Occurrence> &occ, bool xattr) const;
    void readObjectXattrs(MergedEntry &e, const Found &top, const std::vector<Occurrence> &occ,
                          const Resolution &r) const;
    bool isLowerWhiteout(const std::string &name, const Occurrence &o) const;
    ovl::LayerObject readdirFacts(const std::string &name, const Occurrence &o, bool filters) const;
    bool looksUp(const Occurrence &o) const;
    int dirFdFor(int layer, const std::string &parentPath, UniqueFd &owned) const;

    const LayerStack &m_stack;
    const Lookup &m_lookup;
    LayerDirTable &m_table;
    ListOptions m_opts;
    std::vector<std::pair<std::string, std::vector<OpenDir>>> *m_childDirs = nullptr;
    UpperAliases *m_aliases = nullptr;

    bool m_started = false;
    std::optional<ReaddirRules> m_rules; // this dir's readdir facts, made by start()
    std::vector<size_t> m_heapSize; // per position: entries [0, size) are still a heap
    std::vector<std::pair<const char *, size_t>> m_heads; // heap of each layer's smallest name
    std::vector<RawEntry> m_current; // per position: the current name's version, statted
    std::vector<Occurrence> m_occ; // the current name's versions, top first (into m_current)
    std::vector<bool> m_statFailed; // per position: the current name's lstat failed
    std::vector<Error> m_problems;
};

} // namespace strata::stack
