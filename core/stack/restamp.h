// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Restamp: after a pure filesystem uuid change (a copied image, `tune2fs -U`), write
// the new uuid into every overlay handle that carries the old one, offline, so an
// index=on mount works again with everything it recorded:
//   - overlay.origin of every object of the upper layer (the root's included),
//   - overlay.upper / overlay.origin of index/ (its binding to the upper root) and of
//     directory index entries,
//   - the names of index entries (hex of the origin handle, uuid inside) renamed.
// Only the uuid bytes (ovl_fb offset 5..20) change; handles are decoded and encoded
// by core/ovl. Refused on a mounted stack, and when more than the uuid differs (the
// upper root's origin with the new uuid must be lower layer 1's root handle exactly).
//
// Journaled: the whole list of changes, each with its old and new bytes, is written
// to workdir/strata-restamp.journal (atomically, fsynced) before the first change.
// Every change is idempotent in both directions, so a run killed at any point is
// finished by the next run (resume) or undone by `rollback`, never left half-done.

#include "identitycheck.h"
#include "layerstack.h"

#include <optional>
#include <string>
#include <vector>

namespace strata::stack {

struct RestampChange {
    enum class Kind : uint8_t { SetXattr, Rename };
    enum class Root : uint8_t { Upper, Work };
    Kind kind = Kind::SetXattr;
    Root root = Root::Upper;
    std::string path; // SetXattr: the object, relative to the root ("" = root); Rename: the dir
    std::string xattr; // SetXattr: the xattr name
    std::string before; // SetXattr: old value; Rename: old name
    std::string after; // SetXattr: new value; Rename: new name

    std::string describe() const; // "upper:a/b trusted.overlay.origin: uuid ... -> ..."
};

struct RestampOptions {
    Uuid to;
    std::optional<Uuid> from; // default: the uuid the upper root's origin records
    bool dryRun = false;
    bool rollback = false; // undo an interrupted run (needs its journal)
};

struct RestampResult {
    Uuid from {};
    Uuid to {};
    std::vector<RestampChange> changes; // the plan (dry run) or what was done
    std::string journal; // its path
    bool resumed = false; // an interrupted run's journal was found and finished
    bool rolledBack = false;
    size_t applied = 0; // changes that were made by this run (the rest were already so)
};

// Plans (and unless dryRun, applies) a restamp of `stack`'s upper and index.
Result<RestampResult> restamp(const LayerStack &stack, const RestampOptions &opts);

// The journal of an interrupted restamp, if one is there.
std::optional<std::string> pendingRestampJournal(const LayerStack &stack);

} // namespace strata::stack
