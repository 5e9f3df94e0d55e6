// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The doctor's verdicts (core/mounts/doctor.h) as table rows: the full view of "Why
// won't it mount?" and the assembly's three-column preflight.

#include "mounts/doctor.h"
#include "rowtablemodel.h"

namespace strata::gui::rows {

QStringList doctorHeaders(); // Code, Layer, Kernel overlayfs, strata-fuse, The kernel says, Fix
QList<TableRow> doctor(const mounts::Diagnosis &d, const mounts::TryMount &tried);
// Layer | kernel verdict (with the code) | strata-fuse verdict: the assembly preflight.
QList<TableRow> doctorPreflight(const mounts::Diagnosis &d);
QString tryMountText(const mounts::TryMount &t);

} // namespace strata::gui::rows
