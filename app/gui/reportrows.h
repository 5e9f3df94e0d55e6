// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Core reports turned into table rows for the report views. Plain functions (the
// worker calls them, the tests check them); none touches a widget.

#include "rowtablemodel.h"

#include "mounts/mounttable.h"
#include "mounts/preflight.h"
#include "stack/indexdir.h"
#include "stack/summary.h"
#include "stack/whiteoutreport.h"

#include <atomic>
#include <optional>

namespace strata::gui::rows {

QStringList whiteoutHeaders();
// Every whiteout core's report holds (the list `stratactl whiteouts` prints), in
// effect or covered by a higher layer that made the name again.
QList<TableRow> whiteouts(const stack::LayerStack &stack, const stack::WhiteoutReport &report);

QStringList indexHeaders();
QList<TableRow> indexEntries(const stack::LayerStack &stack, const stack::IndexReport &report);

QStringList optionHeaders();
// The layers and the other options, one row each, with what they mean. From the
// mount's own mountinfo line (stack.mount()) when the stack came from a mount, else
// from the spec.
QList<TableRow> options(const stack::LayerStack &stack);

QStringList summaryLayerHeaders();
QList<TableRow> summaryLayers(const stack::StackSummary &summary);
QStringList wastedHeaders();
QList<TableRow> wastedPaths(const stack::StackSummary &summary);

QStringList preflightHeaders();
// Kernel overlayfs's findings, and for each what strata-fuse does with the same stack.
QList<TableRow> preflight(const std::vector<mounts::LayerFinding> &findings);
QString fuseVerdict(const mounts::LayerFinding &finding);

QStringList mountHeaders();
QList<TableRow> mounts(const std::vector<mounts::MountEntry> &entries);

} // namespace strata::gui::rows
