// SPDX-License-Identifier: GPL-2.0-or-later
#include "assembly.h"

#include "stack/mountoptions.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <algorithm>

namespace strata::gui::assembly {

static int rank(SlotRole r)
{
    return int(r);
}

QString slotRoleText(SlotRole role)
{
    switch (role) {
    case SlotRole::Upper:
        return QCoreApplication::translate("strata::gui::assembly", "upper");
    case SlotRole::Work:
        return QCoreApplication::translate("strata::gui::assembly", "work");
    case SlotRole::Lower:
        return QCoreApplication::translate("strata::gui::assembly", "lower");
    case SlotRole::Data:
        return QCoreApplication::translate("strata::gui::assembly", "data-only");
    }
    return {};
}

bool isWellOrdered(const Slots &layers)
{
    int upper = 0, work = 0;
    for (const Slot &s : layers) {
        upper += s.role == SlotRole::Upper;
        work += s.role == SlotRole::Work;
    }
    return upper <= 1 && work <= 1 && std::is_sorted(layers.begin(), layers.end(), [](const Slot &a, const Slot &b) {
               return rank(a.role) < rank(b.role);
           });
}

void normalize(Slots &layers)
{
    std::stable_sort(layers.begin(), layers.end(),
                     [](const Slot &a, const Slot &b) { return rank(a.role) < rank(b.role); });
}

PathFacts probeFileSystem(const QString &path)
{
    const QFileInfo fi(path);
    return {true, fi.exists(), fi.isDir()};
}

QString refusalText(Refusal refusal)
{
    // A literal context on every call: lupdate does not follow a variable.
    switch (refusal) {
    case Refusal::NotLocalFile:
        return QCoreApplication::translate("strata::gui::assembly", "not a local directory");
    case Refusal::Missing:
        return QCoreApplication::translate("strata::gui::assembly", "does not exist");
    case Refusal::NotDirectory:
        return QCoreApplication::translate("strata::gui::assembly", "not a directory: a layer is a directory");
    case Refusal::AlreadyInStack:
        return QCoreApplication::translate("strata::gui::assembly", "already in the stack");
    case Refusal::TooManyLayers:
        return QCoreApplication::translate("strata::gui::assembly",
                                           "more than %1 lower layers: the kernel refuses the mount")
            .arg(mounts::kMaxLowerLayers);
    }
    return {};
}

static int countRole(const Slots &layers, SlotRole role)
{
    return int(std::count_if(layers.begin(), layers.end(), [role](const Slot &s) { return s.role == role; }));
}

static int firstOf(const Slots &layers, SlotRole role, bool orAfter)
{
    for (int i = 0; i < layers.size(); ++i)
        if (layers[i].role == role || (orAfter && rank(layers[i].role) > rank(role)))
            return i;
    return int(layers.size());
}

// The role and row a slot gets when inserted before `row` of `layers`.
static std::pair<SlotRole, int> placeAt(const Slots &layers, int row, SlotRole preferred)
{
    if (row < 0 || row > layers.size())
        row = int(layers.size());
    const int lowersStart = firstOf(layers, SlotRole::Lower, true);
    const int dataStart = firstOf(layers, SlotRole::Data, true);
    if (row < lowersStart)
        return {SlotRole::Lower, lowersStart};
    if (row > dataStart)
        return {SlotRole::Data, row};
    if (row == dataStart && dataStart < layers.size() && preferred == SlotRole::Data)
        return {SlotRole::Data, row};
    return {SlotRole::Lower, row};
}

DropPlan planUrlDrop(const Slots &layers, const QList<QUrl> &urls, int row, const Probe &probe)
{
    DropPlan plan;
    std::tie(plan.role, plan.row) = placeAt(layers, row, SlotRole::Lower);
    int lowers = countRole(layers, SlotRole::Lower) + countRole(layers, SlotRole::Data);
    for (const QUrl &url : urls) {
        if (!url.isLocalFile()) {
            plan.refused.append({url.toDisplayString(), Refusal::NotLocalFile});
            continue;
        }
        const QString path = QDir::cleanPath(url.toLocalFile());
        std::optional<Refusal> why;
        if (plan.accepted.contains(path) || plan.pending.contains(path)
            || std::any_of(layers.begin(), layers.end(), [&](const Slot &s) { return s.path == path; })) {
            why = Refusal::AlreadyInStack;
        } else if (const PathFacts facts = probe(path); !facts.known) {
            plan.pending << path;
            continue;
        } else if (!facts.exists) {
            why = Refusal::Missing;
        } else if (!facts.isDir) {
            why = Refusal::NotDirectory;
        } else if (size_t(lowers) >= mounts::kMaxLowerLayers) {
            why = Refusal::TooManyLayers;
        }
        if (why) {
            plan.refused.append({path, *why});
            continue;
        }
        plan.accepted << path;
        ++lowers;
    }
    return plan;
}

Slots applyDrop(const Slots &layers, const DropPlan &plan)
{
    Slots out = layers;
    int at = plan.row;
    for (const QString &p : plan.accepted)
        out.insert(at++, Slot {p, plan.role});
    normalize(out);
    return out;
}

static bool validRows(const Slots &layers, const QList<int> &rows)
{
    return !rows.isEmpty() && std::all_of(rows.begin(), rows.end(), [&](int r) { return r >= 0 && r < layers.size(); });
}

Slots applyMove(const Slots &layers, const QList<int> &rowsIn, int destRow)
{
    if (!validRows(layers, rowsIn))
        return layers;
    QList<int> rows = rowsIn;
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    if (destRow < 0 || destRow > layers.size())
        destRow = int(layers.size());

    Slots moved, rest;
    for (int i = 0; i < layers.size(); ++i)
        (rows.contains(i) ? moved : rest).append(layers[i]);
    const int at = destRow - int(std::count_if(rows.begin(), rows.end(), [&](int r) { return r < destRow; }));
    // Keep a data layer a data layer when it moves within (or to the edge of) the data layers.
    const SlotRole preferred
        = std::all_of(moved.begin(), moved.end(), [](const Slot &s) { return s.role == SlotRole::Data; })
        ? SlotRole::Data
        : SlotRole::Lower;
    const bool onlyUpperWork = std::all_of(moved.begin(), moved.end(), [](const Slot &s) {
        return s.role == SlotRole::Upper || s.role == SlotRole::Work;
    });
    if (onlyUpperWork && at < firstOf(rest, SlotRole::Lower, true))
        return layers; // dropped back among upper/work: they keep their place
    auto [role, row] = placeAt(rest, at, preferred);
    for (Slot &s : moved)
        s.role = role;
    Slots out = rest;
    for (const Slot &s : moved)
        out.insert(row++, s);
    normalize(out);
    return out;
}

bool canMove(const Slots &layers, const QList<int> &rows, int destRow)
{
    return validRows(layers, rows) && applyMove(layers, rows, destRow) != layers;
}

Slots setRole(const Slots &layers, int row, SlotRole role)
{
    if (row < 0 || row >= layers.size())
        return layers;
    Slots out = layers;
    if (role == SlotRole::Upper || role == SlotRole::Work) {
        Slot chosen = out.takeAt(row);
        chosen.role = role;
        const auto old = std::find_if(out.begin(), out.end(), [role](const Slot &s) { return s.role == role; });
        if (old != out.end()) {
            // The one it replaces goes back to the top of the lowers.
            Slot demoted = *old;
            out.erase(old);
            demoted.role = SlotRole::Lower;
            out.insert(firstOf(out, SlotRole::Lower, true), demoted);
        }
        out.append(chosen);
        normalize(out);
        return out;
    }
    out[row].role = role;
    normalize(out);
    return out;
}

Slots removeRows(const Slots &layers, QList<int> rows)
{
    std::sort(rows.begin(), rows.end(), std::greater<int>());
    Slots out = layers;
    for (int r : rows)
        if (r >= 0 && r < out.size())
            out.removeAt(r);
    return out;
}

stack::StackSpec toSpec(const Slots &layers, const QString &name)
{
    stack::StackSpec spec;
    spec.name = name.toStdString();
    spec.sourceKind = "directories";
    for (const Slot &s : layers) {
        const std::string p = QFile::encodeName(s.path).toStdString();
        switch (s.role) {
        case SlotRole::Upper:
            spec.upper = p;
            break;
        case SlotRole::Work:
            spec.work = p;
            break;
        case SlotRole::Lower:
            spec.lower.push_back(p);
            break;
        case SlotRole::Data:
            spec.data.push_back(p);
            break;
        }
    }
    return spec;
}

Slots fromSpec(const stack::StackSpec &spec)
{
    auto q = [](const std::string &p) { return QFile::decodeName(QByteArray::fromStdString(p)); };
    Slots out;
    if (spec.upper)
        out.append({q(*spec.upper), SlotRole::Upper});
    if (spec.work)
        out.append({q(*spec.work), SlotRole::Work});
    for (const auto &l : spec.lower)
        out.append({q(l), SlotRole::Lower});
    for (const auto &d : spec.data)
        out.append({q(d), SlotRole::Data});
    return out;
}

mounts::OverlayOptions toOverlayOptions(const Slots &layers)
{
    mounts::OverlayOptions o = stack::overlayOptionsFor(toSpec(layers));
    o.lowerSyntax = mounts::LowerSyntax::PerLayer;
    return o;
}

} // namespace strata::gui::assembly
