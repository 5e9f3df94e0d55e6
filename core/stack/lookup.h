// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The kernel's name lookup in a merged directory (fs/overlayfs/namei.c: ovl_lookup,
// ovl_lookup_layer, ovl_lookup_single, ovl_check_redirect, ovl_lookup_data_layers),
// run over layer directories instead of dentries. Internal to core/stack.

#include "layerstack.h"
#include "ovl/xattrs.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace strata::stack {

// A directory of one layer taking part in a merged directory. Held by path below
// the layer root (opened on demand, beneath the root, no symlinks): a big tree
// would otherwise need an fd per directory and layer.
struct OpenDir {
    int layer = 0;
    std::string path; // within the layer, "" = root
    bool xwhiteouts = false; // this layer's dir has opaque=x (a lower, not the last)
};

// One object found in one layer during a lookup.
struct Found {
    enum class Kind : uint8_t { Object, Whiteout, XattrWhiteout } kind = Kind::Object;
    int layer = 0;
    std::string path;
    struct stat st {};
    char opaque = 0; // 'y', 'x' or 0
    bool xwhiteouts = false; // a dir whose opaque=x counts (ovl::lookupStep): readdir honours its xattr whiteouts
    bool metacopy = false;
    std::optional<std::string> redirect; // raw value, when present
    ovl::AttrSet xattrs; // overlay xattrs present (when xattrsKnown)
    bool xattrsKnown = false;
};

struct Resolution {
    std::optional<Found> whiteout; // the name is deleted: the whiteout that says so
    std::vector<Found> chain; // top object first; dirs: every merged dir; files:
                              // top, then (metacopy) the data source last
    bool followedRedirect = false;
    bool metacopy = false; // top is metacopy
    std::optional<int> dataLayer; // index in chain of the data source
    std::vector<Error> problems; // what the kernel would refuse, unreadable xattrs
    bool visible() const { return !chain.empty(); }
};

// Answers "what is NAME in the dir of layer position POS" from a directory already
// read, saving a stat and an open. nullopt means "not prefetched: look it up"; a stat
// with st_mode == 0 means "known absent"; dirFd (>= 0) is that directory, open.
struct PrefetchHit {
    struct stat st;
    int dirFd = -1;
};
using Prefetch = std::function<std::optional<PrefetchHit>(size_t pos, const std::string &name)>;

class Lookup {
public:
    Lookup(const LayerStack &stack, int topLayer);

    // The merged root directory: upper (if in view) + all lower roots.
    std::vector<OpenDir> rootDir() const;

    Resolution resolve(const std::vector<OpenDir> &parent, const std::string &name,
                       const Prefetch &prefetch = {}) const;

    // The stack of a directory resolution, for descending into it.
    std::vector<OpenDir> childDirs(const Resolution &r) const;
    // The same, or why there is no merged directory to descend into (not visible,
    // deleted, not a directory); `mergedPath` names the entry in the error.
    Result<std::vector<OpenDir>> descend(const Resolution &r, const std::string &mergedPath) const;

private:
    struct State; // the kernel's struct ovl_lookup_data
    bool lookupLayer(const OpenDir &base, size_t pos, State &d, std::optional<Found> &out, Resolution &r,
                     const Prefetch &prefetch) const;
    bool lookupSingle(int baseFd, int layer, const std::string &basePath, const std::string &name, bool lastElement,
                      size_t prelen, const std::string &post, State &d, std::optional<Found> &out, Resolution &r,
                      const struct stat *known) const;
    void lookupDataLayers(const std::string &path, Resolution &r) const;

    const LayerStack &m_stack;
    int m_top;
    int m_bottomLower; // index of the last regular lower layer
    std::vector<OpenDir> m_roots; // lower roots in view (the root's lower stack, "roe")
    bool m_upperX = false; // the upper keeps xattr whiteouts (ovl::upperKeepsXWhiteouts)
};

} // namespace strata::stack
