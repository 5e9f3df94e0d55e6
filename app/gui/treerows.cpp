// SPDX-License-Identifier: GPL-2.0-or-later
#include "treerows.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace strata::gui {

namespace {

// FNV-1a, 32 bits: a fingerprint, not a key (a collision only skips one refresh).
struct Fnv {
    uint32_t h = 2166136261u;
    void add(const void *p, size_t n)
    {
        for (size_t i = 0; i < n; ++i)
            h = (h ^ static_cast<const unsigned char *>(p)[i]) * 16777619u;
    }
    template<class T>
    void add(const T &v)
    {
        add(&v, sizeof v);
    }
};

} // namespace

TreeRow TreeRow::factsOf(const stack::MergedEntry &e)
{
    TreeRow r;
    r.mtimeNs = int64_t(e.attrs.mtime.tv_sec) * 1000000000 + e.attrs.mtime.tv_nsec;
    r.size = uint64_t(e.attrs.size);
    r.uid = e.attrs.uid;
    r.gid = e.attrs.gid;
    r.mode = uint16_t(e.attrs.mode);
    r.state = uint16_t(e.state);
    r.layer = uint16_t(e.layer);
    r.hasProblems = !e.problems.empty();
    Fnv f;
    f.add(uint64_t(e.attrs.ino));
    f.add(uint64_t(e.attrs.dev));
    f.add(int32_t(e.data ? e.data->layer : -1));
    f.add(uint32_t(e.problems.size()));
    f.add(e.layerPath.data(), e.layerPath.size());
    r.fingerprint = f.h;
    return r;
}

bool TreeRow::sameFacts(const TreeRow &o) const
{
    return mtimeNs == o.mtimeNs && size == o.size && uid == o.uid && gid == o.gid && mode == o.mode && state == o.state
        && layer == o.layer && hasProblems == o.hasProblems;
}

stack::Attrs TreeRow::attrs() const
{
    stack::Attrs a;
    a.type = stack::fileTypeOf(mode);
    a.mode = mode;
    a.uid = uid;
    a.gid = gid;
    a.size = off_t(size);
    a.mtime.tv_sec = time_t(mtimeNs / 1000000000);
    a.mtime.tv_nsec = long(mtimeNs % 1000000000);
    if (a.mtime.tv_nsec < 0) { // before 1970: floor, as timespec counts
        a.mtime.tv_nsec += 1000000000;
        --a.mtime.tv_sec;
    }
    return a;
}

namespace {

std::vector<uint16_t> layersOf(const stack::MergedEntry &e)
{
    return {e.dirLayers.begin(), e.dirLayers.end()};
}

} // namespace

void PackedBatch::add(const stack::MergedEntry &e)
{
    TreeRow r = TreeRow::factsOf(e);
    r.name = uint32_t(names.size());
    r.nameLen = uint8_t(std::min<size_t>(e.name.size(), 255));
    names.append(e.name, 0, r.nameLen);
    if (r.isDir()) {
        r.dir = uint32_t(dirLayers.size());
        dirLayers.push_back(layersOf(e));
    }
    rows.push_back(r);
}

TreeRows::TreeRows()
{
    const uint32_t root = allocRow();
    row(root).mode = S_IFDIR | 0755;
    row(root).dir = allocDir({});
    m_live = 0; // the root is not a loaded row
}

std::string_view TreeRows::name(uint32_t id) const
{
    const TreeRow &r = row(id);
    return {m_arena[r.name / kArenaChunk].get() + r.name % kArenaChunk, r.nameLen};
}

std::string TreeRows::path(uint32_t id) const
{
    std::vector<uint32_t> chain;
    size_t size = 0;
    for (uint32_t n = id; n != kRoot; n = row(n).parent) {
        chain.push_back(n);
        size += row(n).nameLen + 1u;
    }
    std::string out;
    out.reserve(size);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        if (!out.empty())
            out += '/';
        out += name(*it);
    }
    return out;
}

uint32_t TreeRows::child(uint32_t parent, std::string_view want) const
{
    const Dir *d = dir(parent);
    if (!d)
        return kNone;
    const auto it = std::lower_bound(d->children.begin(), d->children.end(), want,
                                     [this](uint32_t c, std::string_view v) { return name(c) < v; });
    return it != d->children.end() && name(*it) == want ? *it : kNone;
}

uint32_t TreeRows::allocRow()
{
    ++m_live;
    if (!m_freeRows.empty()) {
        const uint32_t id = m_freeRows.back();
        m_freeRows.pop_back();
        return id;
    }
    if ((m_used >> kChunkBits) >= m_chunks.size())
        m_chunks.push_back(std::make_unique<TreeRow[]>(size_t(1) << kChunkBits));
    return m_used++;
}

uint32_t TreeRows::storeName(std::string_view n)
{
    if (m_arena.empty() || m_arenaUsed + n.size() > kArenaChunk) {
        if (m_arena.size() >= (size_t(UINT32_MAX) + 1) / kArenaChunk)
            throw std::length_error("strata: more than 4 GiB of names in the tree");
        m_arena.push_back(std::make_unique<char[]>(kArenaChunk));
        m_arenaUsed = 0;
    }
    std::memcpy(m_arena.back().get() + m_arenaUsed, n.data(), n.size());
    const uint32_t off = uint32_t((m_arena.size() - 1) * kArenaChunk + m_arenaUsed);
    m_arenaUsed += n.size();
    return off;
}

uint32_t TreeRows::allocDir(std::vector<uint16_t> layers)
{
    uint32_t id;
    if (!m_freeDirs.empty()) {
        id = m_freeDirs.back();
        m_freeDirs.pop_back();
        m_dirs[id] = Dir {};
    } else {
        id = uint32_t(m_dirs.size());
        m_dirs.emplace_back();
    }
    m_dirs[id].layers = std::move(layers);
    return id;
}

void TreeRows::append(uint32_t parent, PackedBatch &&batch)
{
    std::vector<uint32_t> &children = dir(parent)->children;
    children.reserve(children.size() + batch.rows.size());
    for (const TreeRow &packed : batch.rows) {
        const uint32_t id = allocRow();
        TreeRow &r = row(id);
        r = packed;
        r.parent = parent;
        r.pos = uint32_t(children.size());
        r.name = storeName({batch.names.data() + packed.name, packed.nameLen});
        r.dir = packed.dir == kNone ? kNone : allocDir(std::move(batch.dirLayers[packed.dir]));
        children.push_back(id); // m_dirs is a deque: allocDir leaves `children` where it is
    }
}

void TreeRows::insert(uint32_t parent, size_t pos, std::span<const stack::MergedEntry> run)
{
    std::vector<uint32_t> ids;
    ids.reserve(run.size());
    for (const stack::MergedEntry &e : run) {
        const uint32_t id = allocRow();
        TreeRow &r = row(id);
        r = TreeRow::factsOf(e);
        r.parent = parent;
        r.nameLen = uint8_t(std::min<size_t>(e.name.size(), 255));
        r.name = storeName(std::string_view(e.name).substr(0, r.nameLen));
        r.dir = r.isDir() ? allocDir(layersOf(e)) : kNone;
        ids.push_back(id);
    }
    std::vector<uint32_t> &children = dir(parent)->children;
    children.insert(children.begin() + ptrdiff_t(pos), ids.begin(), ids.end());
    for (size_t i = pos; i < children.size(); ++i)
        row(children[i]).pos = uint32_t(i);
}

void TreeRows::update(uint32_t id, const stack::MergedEntry &e)
{
    TreeRow &r = row(id);
    TreeRow facts = TreeRow::factsOf(e);
    facts.parent = r.parent;
    facts.name = r.name;
    facts.nameLen = r.nameLen;
    facts.pos = r.pos;
    facts.dir = r.dir;
    if (facts.isDir()) {
        if (facts.dir == kNone)
            facts.dir = allocDir(layersOf(e));
        else
            m_dirs[facts.dir].layers = layersOf(e);
    } else if (facts.dir != kNone) {
        clearChildren(id);
        m_freeDirs.push_back(facts.dir);
        facts.dir = kNone;
    }
    r = facts;
}

void TreeRows::clearChildren(uint32_t id)
{
    Dir *d = dir(id);
    if (!d)
        return;
    for (uint32_t c : d->children)
        release(c);
    d->children.clear();
    d->children.shrink_to_fit();
    d->fetch = Fetch::No;
}

void TreeRows::remove(uint32_t parent, size_t pos, size_t count)
{
    std::vector<uint32_t> &children = dir(parent)->children;
    for (size_t i = pos; i < pos + count; ++i)
        release(children[i]);
    children.erase(children.begin() + ptrdiff_t(pos), children.begin() + ptrdiff_t(pos + count));
    for (size_t i = pos; i < children.size(); ++i)
        row(children[i]).pos = uint32_t(i);
}

void TreeRows::release(uint32_t id)
{
    if (row(id).dir != kNone) {
        clearChildren(id);
        m_freeDirs.push_back(row(id).dir);
    }
    row(id) = TreeRow {};
    m_freeRows.push_back(id);
    --m_live;
}

size_t TreeRows::bytesHeld() const
{
    size_t bytes = m_chunks.size() * (sizeof(TreeRow) << kChunkBits) + m_chunks.capacity() * sizeof(void *);
    bytes += m_arena.size() * kArenaChunk + m_arena.capacity() * sizeof(void *);
    bytes += m_freeRows.capacity() * sizeof(uint32_t) + m_freeDirs.capacity() * sizeof(uint32_t);
    for (const Dir &d : m_dirs)
        bytes += sizeof(Dir) + d.children.capacity() * sizeof(uint32_t) + d.layers.capacity() * sizeof(uint16_t);
    return bytes;
}

} // namespace strata::gui
