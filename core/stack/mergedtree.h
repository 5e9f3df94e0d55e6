// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The merged view, computed from the layer directories themselves, following the
// kernel's lookup rules (fs/overlayfs/namei.c ovl_lookup, readdir.c): upper hides
// lower, whiteouts hide, opaque=y stops descent, redirects are followed (absolute:
// from the layer roots below; relative: a new name in the parent's lower dirs),
// opaque=x enables xattr whiteouts in a lower layer (never the upper nor the last
// lower), metacopy files find their data below or, through an absolute redirect, in
// the data-only layers. Directories are resolved lazily, one listing at a time.

#include "entry.h"
#include "layerstack.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace strata::stack {

// Where one merged directory lives in each layer that contributes to it, top first
// (the kernel's per-dentry lower stack).
struct DirLayer {
    int layer = 0;
    std::string path; // relative to the layer root, "" for the root; differs from
                      // the merged path below a redirected dir
};
using DirStack = std::vector<DirLayer>;

struct ListOptions {
    bool includeWhiteouts = false; // also list names that are deleted (state Whiteout)
    bool readOrigins = true; // decode and resolve origin handles (costs a lookup)
};

struct Listing {
    std::string path; // merged path, "" for the root
    DirStack stack; // the layers merged here
    std::vector<MergedEntry> entries; // sorted by name (bytewise)
    std::vector<Error> problems; // a layer dir that could not be read, ...
};

// Receives a listing's entries a batch at a time, in bytewise name order. Returning
// false stops the listing there (the caller lost interest: a cancelled fetch).
using EntrySink = std::function<bool(std::vector<MergedEntry> &&batch)>;
// Batch sizes of a streamed listing: small first, so the first entries of a huge
// directory arrive after one getdents pass per layer, then doubling.
inline constexpr size_t kFirstListBatch = 256;
inline constexpr size_t kMaxListBatch = 16384;

class MergedTree {
public:
    struct DirCache; // merged path -> per-layer dirs, filled as directories are listed
    // `topLayer` > 0 gives the cumulative view "up to" that layer: as if the layers
    // above it did not exist (dive's per-layer cumulative view).
    explicit MergedTree(std::shared_ptr<const LayerStack> stack, int topLayer = 0);

    const LayerStack &stack() const { return *m_stack; }
    int topLayer() const { return m_top; }

    // The merged directory at `path` ("" or "/" for the root; "a/b" relative).
    // Fails when the path does not resolve to a directory in the merged view.
    Result<Listing> list(const std::string &path, const ListOptions &opts = {}) const;
    // The same, streamed: the entries go to `sink` in batches as they are built
    // (Listing::entries stays empty). A directory's names are read without stat
    // first; each entry is statted and looked up only when its batch is built.
    Result<Listing> list(const std::string &path, const ListOptions &opts, const EntrySink &sink) const;
    // One entry. Fails (ENOENT) when the name is not visible.
    Result<MergedEntry> lookup(const std::string &path, const ListOptions &opts = {}) const;
    // The layer stack of a merged directory.
    Result<DirStack> resolveDir(const std::string &path) const;

    // Listing a directory remembers where each of its subdirectories lives in each
    // layer, so listing them next costs no path resolution from the root (a full
    // walk would otherwise resolve every path again, layer by layer). Layers that
    // change on disk make this stale: forget() drops it (or make a new MergedTree).
    void forget() const;
    // Drops what is remembered of merged directory `path` and everything below it
    // (a layer changed there: core/watch calls this before looking again).
    void forget(const std::string &path) const;

private:
    std::shared_ptr<const LayerStack> m_stack;
    int m_top;
    std::shared_ptr<DirCache> m_cache; // shared by copies; thread-safe
};

// Split "a/b/c" into components; "" and "/" give none. Rejects "." and ".." (a merged
// path never needs them).
Result<std::vector<std::string>> splitMergedPath(const std::string &path);

} // namespace strata::stack
