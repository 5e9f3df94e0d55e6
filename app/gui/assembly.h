// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The rules of assembling a stack by hand, as plain functions (tested data-driven):
// which dropped paths may join the stack and where, what a reorder does to roles,
// and how the layers become a stack file or overlay options.
//
// The slot list is always ordered upper, work, lowers (top first), data-only: the
// order is the stack, so a slot's role follows from where it is dropped.

#include "mounts/overlayoptions.h"
#include "stack/stackspec.h"

#include <QList>
#include <QString>
#include <QUrl>
#include <functional>

namespace strata::gui::assembly {

enum class SlotRole { Upper, Work, Lower, Data };
QString slotRoleText(SlotRole role);

struct Slot {
    QString path;
    SlotRole role = SlotRole::Lower;
    bool operator==(const Slot &) const = default;
};
using Slots = QList<Slot>;

bool isWellOrdered(const Slots &layers);
void normalize(Slots &layers); // stable: by role, keeping the order within a role

// What the file system says about a dropped path (a function, so tests need no disk).
// `known` false: not probed yet. The GUI thread never probes: it answers from what a
// worker found (PathProbes) and leaves unknown paths pending.
struct PathFacts {
    bool known = false;
    bool exists = false;
    bool isDir = false;
};
using Probe = std::function<PathFacts(const QString &path)>;
PathFacts probeFileSystem(const QString &path); // blocking: for workers only

enum class Refusal { NotLocalFile, Missing, NotDirectory, AlreadyInStack, TooManyLayers };
QString refusalText(Refusal refusal);

struct Refused {
    QString path;
    Refusal why;
};

struct DropPlan {
    QStringList accepted; // clean absolute paths, in drop order
    QList<Refused> refused;
    QStringList pending; // not probed yet: decided when their facts are known
    int row = 0; // where they go (normalized)
    SlotRole role = SlotRole::Lower;
    bool any() const { return !accepted.isEmpty(); }
    bool mayAccept() const { return any() || !pending.isEmpty(); }
};

// Dropping `urls` before `row` (-1: at the end). New layers become lowers, or data
// layers when dropped among the data layers; dropping above the lowers puts them on
// top of the lowers. What needs no facts (not local, already in the stack) is
// decided even for paths the probe does not know yet.
DropPlan planUrlDrop(const Slots &layers, const QList<QUrl> &urls, int row, const Probe &probe);
Slots applyDrop(const Slots &layers, const DropPlan &plan);

// Moving `rows` before `destRow` (-1: the end). A slot dragged into the lowers
// becomes a lower, among the data layers a data layer (so dragging the upper down
// demotes it). False when nothing would change.
bool canMove(const Slots &layers, const QList<int> &rows, int destRow);
Slots applyMove(const Slots &layers, const QList<int> &rows, int destRow);

// Makes `row` the upper or the work dir (the previous one becomes a lower), or a
// lower / data layer again.
Slots setRole(const Slots &layers, int row, SlotRole role);
Slots removeRows(const Slots &layers, QList<int> rows);

stack::StackSpec toSpec(const Slots &layers, const QString &name = {});
Slots fromSpec(const stack::StackSpec &spec);
mounts::OverlayOptions toOverlayOptions(const Slots &layers);

} // namespace strata::gui::assembly
