// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The tree model's rows, compact: a loaded row is 52 bytes of packed facts and links
// (what the columns, the filters and the sort read), its name in a shared arena, and
// 4 bytes in its parent's child list; directories add a small side record (children,
// merged layers, listing state). Everything else a MergedEntry holds (layer path,
// shadowed versions, origin, metacopy data, problems) is re-read from the layers when
// an entry is selected (MergedTree::lookup), so a million loaded rows cost tens of
// megabytes, not half a gigabyte.

#include "stack/entry.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata::gui {

// Packed to 4-byte alignment: 52 bytes rather than 56 (x86 and arm64 read the
// 8-byte fields of every other row unaligned at no real cost).
struct __attribute__((packed, aligned(4))) TreeRow {
    int64_t mtimeNs = 0; // st_mtim in nanoseconds since the epoch
    uint64_t size = 0;
    uint32_t uid = 0, gid = 0;
    uint32_t parent = 0; // row id of the parent directory
    uint32_t name = 0; // offset of the name in the arena (or in a batch's names)
    uint32_t pos = 0; // position among the parent's children
    uint32_t dir = UINT32_MAX; // index of the directory record, UINT32_MAX for others
    uint16_t mode = 0; // full st_mode (type and permission bits fit 16 bits)
    uint16_t state = 0; // stack::State bits
    uint16_t layer = 0;
    uint8_t nameLen = 0; // NAME_MAX is 255
    uint8_t hasProblems = 0; // the entry came with problems (read on selection)
    // What the row does not show but a live update must notice (inode, device,
    // layer path, metacopy data layer, problems), hashed: a change to any of them
    // refreshes the row and the details pane.
    uint32_t fingerprint = 0;

    bool isWhiteout() const { return state & stack::StateWhiteout; }
    bool isDirType() const { return S_ISDIR(mode); }
    bool isDir() const { return isDirType() && !isWhiteout(); } // has (or may have) children
    // Packs what a row shows of `e`; name and links are left to the caller.
    static TreeRow factsOf(const stack::MergedEntry &e);
    bool sameFacts(const TreeRow &o) const;
    stack::Attrs attrs() const; // type, mode, uid, gid, size, mtime
};
static_assert(sizeof(TreeRow) == 52, "a row's packed facts grew: it is paid once per loaded entry");
static_assert(stack::StateUpperOnly < (1u << 16), "State bits must fit TreeRow::state");

// A listing's rows as the worker packs them, before the GUI thread links them in.
struct PackedBatch {
    std::vector<TreeRow> rows; // `name` is an offset into `names`; `dir` indexes `dirLayers` or is none
    std::string names;
    std::vector<std::vector<uint16_t>> dirLayers; // per directory row: the layers merged there
    void add(const stack::MergedEntry &e);
};

class TreeRows {
public:
    static constexpr uint32_t kRoot = 0;
    static constexpr uint32_t kNone = UINT32_MAX;
    enum class Fetch : uint8_t { No, Running, Done, Failed };
    struct Dir {
        std::vector<uint32_t> children; // row ids, in name order
        std::vector<uint16_t> layers; // the layers merged here, top first
        Fetch fetch = Fetch::No;
    };

    TreeRows(); // holds the root (a directory, listed on request)

    TreeRow &row(uint32_t id) { return m_chunks[id >> kChunkBits][id & kChunkMask]; }
    const TreeRow &row(uint32_t id) const { return m_chunks[id >> kChunkBits][id & kChunkMask]; }
    std::string_view name(uint32_t id) const;
    Dir *dir(uint32_t id) { return row(id).dir == kNone ? nullptr : &m_dirs[row(id).dir]; }
    const Dir *dir(uint32_t id) const { return row(id).dir == kNone ? nullptr : &m_dirs[row(id).dir]; }
    // The merged path ("" for the root), from the names up the tree.
    std::string path(uint32_t id) const;
    // The child of directory `parent` named `name`, kNone when not loaded.
    uint32_t child(uint32_t parent, std::string_view name) const;

    // Appends a batch's rows to `parent`'s children; returns the first new id's position.
    void append(uint32_t parent, PackedBatch &&batch);
    // New rows for `run` (in order) at position `pos` among `parent`'s children: a
    // burst of live changes inserts a whole run at once, renumbering the rows after
    // it once instead of once per row.
    void insert(uint32_t parent, size_t pos, std::span<const stack::MergedEntry> run);
    // Takes `e`'s facts (same name). A directory that is one no more loses its children.
    void update(uint32_t id, const stack::MergedEntry &e);
    // Removes `count` children from `pos` of `parent` and everything below them (ids
    // reused).
    void remove(uint32_t parent, size_t pos, size_t count = 1);
    // Drops a directory's children (they are listed again on request).
    void clearChildren(uint32_t id);

    size_t rowCount() const { return m_live; } // loaded rows, the root excluded
    // Bytes held for the rows (capacity, not just size: what the allocator gave).
    size_t bytesHeld() const;

private:
    static constexpr uint32_t kChunkBits = 12; // 4096 rows (192 KiB) per chunk
    static constexpr uint32_t kChunkMask = (1u << kChunkBits) - 1;
    static constexpr size_t kArenaChunk = size_t(1) << 16;

    uint32_t allocRow();
    uint32_t storeName(std::string_view name);
    uint32_t allocDir(std::vector<uint16_t> layers);
    void release(uint32_t id); // the row and its subtree

    std::vector<std::unique_ptr<TreeRow[]>> m_chunks;
    uint32_t m_used = 0; // rows handed out (ids below this exist)
    std::vector<uint32_t> m_freeRows;
    std::deque<Dir> m_dirs;
    std::vector<uint32_t> m_freeDirs;
    // Names back to back in 64 KiB chunks (a name never straddles two); names of
    // removed rows stay until the model is reset (live changes are few).
    std::vector<std::unique_ptr<char[]>> m_arena;
    size_t m_arenaUsed = 0; // in the last chunk
    size_t m_live = 0;
};

} // namespace strata::gui
