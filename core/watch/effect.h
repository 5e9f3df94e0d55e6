// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What a layer change does to the merged view. Decided by the inspector's own rules:
// the "after" facts come from stack::MergedTree::lookup (the kernel's lookup and
// readdir rules), never from a second copy of them; this file only compares.

#include "stack/entry.h"

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::watch {

// The facts of one merged name that a change can alter. A whiteout (the name is
// deleted by layer `layer`) is kept too: it tells "hidden" from "gone".
struct EntryFacts {
    int layer = -1; // the layer of the visible version (or of the whiteout)
    stack::FileType type = stack::FileType::Unknown;
    uint32_t state = 0; // stack::State bits
    off_t size = 0;
    mode_t mode = 0;
    int dataLayer = -1; // metacopy: the layer holding the data
    // What is only compared, never shown, folded into 64 bits (a tracker keeps this
    // for every loaded entry): high half a hash of the object (inode, device), low
    // half a hash of its mtime. A collision (odds 2^-32) can only cost a
    // "content-changed" that classify would otherwise have said.
    uint64_t fingerprint = 0;

    static EntryFacts of(const stack::MergedEntry &e);
    bool visible() const { return !(state & stack::StateWhiteout); }
    uint32_t objectTag() const { return static_cast<uint32_t>(fingerprint >> 32); }
    uint32_t mtimeTag() const { return static_cast<uint32_t>(fingerprint); }
    bool operator==(const EntryFacts &) const;
};

enum EffectKind : uint32_t {
    EffectAppeared = 1u << 0, // the name now shows, where nothing was (not even a whiteout)
    EffectVanished = 1u << 1, // the name no longer shows, and nothing deletes it: it is gone
    EffectHidden = 1u << 2, // the name no longer shows: a whiteout or an opaque dir hides it
    EffectRevealed = 1u << 3, // the name shows again where a whiteout or opaque dir hid it
    EffectOriginChanged = 1u << 4, // it shows from another layer now
    EffectTypeChanged = 1u << 5,
    EffectSizeChanged = 1u << 6,
    EffectModeChanged = 1u << 7,
    EffectContentChanged = 1u << 8, // its visible version (or its metacopy data) was written
    EffectStateChanged = 1u << 9, // overlay states (opaque, redirected, merged, ...)
    EffectOwnerChanged = 1u << 10, // reserved: ownership is not in EntryFacts yet
};
// "appeared", "vanished", "hidden", "revealed", "origin-changed", "type-changed",
// "size-changed", "mode-changed", "content-changed", "state-changed"
std::vector<std::string_view> effectKindNames(uint32_t kinds);

struct Effect {
    std::string mergedPath; // "" = the root
    // false: the change lies in no loaded merged directory (hidden below a whiteout
    // or an opaque dir, below a non-directory, a data-only layer file no loaded
    // metacopy entry uses, or simply not loaded); mergedPath is then empty.
    bool inView = true;
    std::optional<EntryFacts> before; // nullopt: nothing was known under the name
    std::optional<EntryFacts> after; // nullopt: nothing is there now
    uint32_t kinds = 0; // EffectKind bits; 0: the change did not alter the merged view
    // Why there is no effect, or what limited it: "shadowed by layer 0", "not in the
    // merged view: below a deleted directory", "not loaded". Empty when kinds != 0.
    std::string note;
};

// Compares the facts before and after a change. `contentWritten`: the change wrote
// the object that is (or was) the visible version or the metacopy data source (a
// write changes no stat fact the comparison could see when the size stays).
uint32_t classify(const std::optional<EntryFacts> &before, const std::optional<EntryFacts> &after, bool contentWritten);

} // namespace strata::watch
