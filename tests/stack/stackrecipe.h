// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Reproducible layer stacks for the mount-tier stack tests: a recipe is a list of
// layers, each a list of file operations. The bottom layer's operations run on a
// plain directory; every layer above is made by mounting kernel overlayfs over the
// layers below with a fresh upper + work and running its operations through the
// mount, so the layer holds exactly what the kernel writes (whiteouts, opaque dirs,
// redirects, origins, metacopy, index). Offline operations (xattr whiteouts in an
// opaque=x dir, as composefs writes them) run on the finished layer directory.
//
// Views: the kernel's (walk of a mount: readdir + lstat + readlink + content digest)
// and the inspector's (MergedTree::list, recursively), as path -> facts strings
// that compare with ==.

#include "stack/layerstack.h"

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace strata::test {

struct Op {
    enum Kind : uint8_t {
        MkDir,
        Write, // create or truncate + write `size` bytes
        Append,
        Truncate,
        Symlink, // a -> target
        Unlink,
        RmTree,
        RmRecreate, // rm -rf a; mkdir a (the kernel makes it opaque)
        Rename, // a -> b
        Chmod,
        Chown,
        Link, // hard link b to a
        XWhiteout, // offline: xattr whiteout `b` in dir `a`, dir marked opaque=x
    } kind = MkDir;
    std::string a, b, target;
    uint32_t mode = 0644;
    uint32_t uid = 0, gid = 0;
    uint32_t size = 0;
    uint32_t seed = 0;
};
std::string describe(const Op &op);

struct LayerRecipe {
    std::vector<Op> ops; // through the mount (the bottom layer: on the directory)
    std::vector<Op> offline; // on the finished layer directory
};

struct StackRecipe {
    uint64_t seed = 0;
    std::vector<LayerRecipe> layers; // bottom first
    bool metacopy = false;
    bool index = false;
    bool userxattr = false;
    bool finalUpper = true; // mount the final stack with the top layer as upper (else all read-only)
    std::vector<std::string> mountOptions() const;
    ovl::Namespace ns() const { return userxattr ? ovl::Namespace::User : ovl::Namespace::Trusted; }
};
std::string describe(const StackRecipe &r);

// Deterministic content of a file written by an op.
std::string contentFor(uint32_t seed, uint32_t size);
// Runs one operation below `root`; false when the file system refused it.
bool applyOp(const std::string &root, const Op &op, ovl::Namespace ns);

// path -> "type mode uid gid size target digest" ("" is the root).
using View = std::map<std::string, std::string>;

// One built stack on its own tmpfs (unmounted and removed on destruction).
class BuiltStack {
public:
    ~BuiltStack();
    std::string base; // the tmpfs
    std::vector<std::string> layers; // layer dirs, bottom first
    std::vector<std::string> works; // work dir used to build each layer ("" for the bottom)
    std::string error; // why building failed (mount refused ...)
    int opsFailed = 0;
    StackRecipe recipe;

    stack::StackSpec spec() const; // as the final mount sees it
    std::string mergedDir() const { return base + "/merged"; }
};

// Builds the stack of `r` below `tmpParent` (a fresh tmpfs is mounted there).
std::unique_ptr<BuiltStack> buildStack(const std::string &tmpParent, const StackRecipe &r);

// Builds a random stack while generating its recipe (targets are chosen from the
// live merged tree), so the recipe replays to the same stack.
std::unique_ptr<BuiltStack> generateStack(const std::string &tmpParent, uint64_t seed, StackRecipe &out);

View kernelView(const std::string &mountpoint, std::string &error);
struct InspectorStats {
    size_t entries = 0, whiteouts = 0, opaque = 0, redirected = 0, metacopy = 0, copiedUp = 0, merged = 0,
           xwhiteoutDirs = 0, problems = 0;
};
View inspectorView(const stack::LayerStack &stack, std::string &error, InspectorStats *stats = nullptr);

// Human-readable differences, empty when equal.
std::vector<std::string> diffViews(const View &kernel, const View &inspector);

// Every layer's tree with modes, owners and overlay xattrs.
std::string dumpLayers(const BuiltStack &s);

} // namespace strata::test
