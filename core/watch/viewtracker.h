// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The merged view kept current: the merged directories loaded so far, the facts of
// their entries (the "before" of every effect) and where each of their layer
// directories lies (layer dir -> merged dir: they differ below a redirect). A layer
// change invalidates only the merged directories it touches; each becomes a list of
// Effects, decided by stack::MergedTree (the inspector's rules, not a copy).
//
// What `stratactl watch` runs; the GUI's model and tests use it the same way. Not
// thread-safe: one owner thread (the watcher delivers to it).

#include "change.h"
#include "effect.h"
#include "entrytable.h"
#include "stack/mergedtree.h"
#include "util/error.h"

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace strata::watch {

class StackWatcher;

class ViewTracker {
public:
    // `watcher` (optional, must outlive the tracker) gets every layer dir of a merged
    // dir registered before the dir is listed.
    explicit ViewTracker(std::shared_ptr<const stack::LayerStack> stack, StackWatcher *watcher = nullptr);
    ~ViewTracker();

    const stack::MergedTree &tree() const { return m_tree; }

    // Lists merged directory `path` (registering its layer dirs first), remembers its
    // entries, and hands back the listing (whiteouts included, state Whiteout).
    Result<stack::Listing> load(const std::string &mergedPath);
    // Loads the whole merged tree, directory by directory, at most `maxDirs`.
    Result<size_t> loadAll(size_t maxDirs = 1'000'000);
    // Forgets `mergedPath` and everything below it; their layer dirs that no loaded
    // dir merges any more are unwatched (inotify's watches are a per-user budget).
    void unload(const std::string &mergedPath);
    bool isLoaded(const std::string &mergedPath) const;
    size_t loadedDirs() const { return m_dirs.size(); }
    size_t loadedEntries() const;
    // What is remembered of one merged name (nullopt: nothing, or its dir is not
    // loaded): the view as the feed has brought it so far.
    std::optional<EntryFacts> factsOf(const std::string &mergedPath) const;

    // The merged paths a layer path takes part in (several when two merged dirs share
    // a lower dir through a redirect; none when it is not loaded or not in view).
    std::vector<std::string> mergedPathsOf(int layer, const std::string &layerPath) const;

    // The effects of one change: the entry it names (and, when that is a loaded
    // directory whose layers changed, the entries below it that appeared, went or
    // changed origin). Updates what is remembered. A change that alters nothing
    // gives one Effect with kinds == 0 and a note saying why (shadowed, not loaded),
    // so a feed can still show it.
    std::vector<Effect> apply(const LayerChange &change);
    // A burst at once (what one StackWatcher::take() gave): a merged directory that
    // many of the changes touch is listed once and compared, instead of one lookup
    // per name (a 10,000-file burst in one directory would otherwise list it 10,000
    // times). Returns each change's effects, in the order of `changes`.
    std::vector<std::vector<Effect>> applyAll(const std::vector<LayerChange> &changes);
    // After an overflow: lists every loaded directory again and reports every
    // difference with what was remembered (dirty `layers` only decide nothing: a
    // change in any layer can alter any merged dir, so all loaded dirs are re-read).
    std::vector<Effect> rescan();

private:
    struct LoadedDir {
        stack::DirStack stack;
        EntryTable entries; // by name, whiteouts included
    };
    // `entries`: the listing's, when the caller has them already.
    void remember(const std::string &mergedPath, const stack::Listing &listing, EntryTable *entries = nullptr);
    void diffDir(const std::string &mergedPath, std::vector<Effect> &out, int depth);
    std::vector<std::string> targetsOf(const LayerChange &change) const;
    void refreshDir(const std::string &dir, std::vector<Effect> &out);
    void effectOn(const std::string &mergedPath, bool contentWritten, int changedLayer, std::vector<Effect> &out,
                  int depth);
    bool cutOff(const stack::DirStack &oldStack, const stack::DirStack &newStack, int layer) const;
    void indexDir(const std::string &mergedPath, const stack::DirStack &stack, bool add);
    // Unwatches the dirs of `stack` no loaded merged dir uses now (after indexDir).
    void release(const stack::DirStack &stack);

    std::shared_ptr<const stack::LayerStack> m_stack;
    stack::MergedTree m_tree;
    StackWatcher *m_watcher;
    bool m_followNew = false; // loadAll: directories that appear are loaded too
    std::unordered_map<std::string, LoadedDir> m_dirs; // by merged path
    // "layer\0layer-dir-path" -> merged dir paths using it
    std::unordered_map<std::string, std::vector<std::string>> m_byLayerDir;
    // metacopy entries by their data source, "layer\0path" -> merged paths
    std::unordered_map<std::string, std::vector<std::string>> m_byDataSource;
};

} // namespace strata::watch
