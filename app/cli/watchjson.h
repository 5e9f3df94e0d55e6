// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The core/watch types as JSON and as text, shared by `stratactl watch` and
// `stratactl verify` (docs/stratactl.md gives the schema).

#include "json.h"
#include "watch/effect.h"
#include "watch/method.h"
#include "watch/mountverify.h"
#include "watch/watchevent.h"

#include <string>

namespace strata::cli {

Json factsJson(const std::optional<watch::EntryFacts> &f); // null or {"layer", "type", "state", "size", "mode"}
Json effectJson(const watch::Effect &e);
Json layerWatchJson(const watch::LayerWatch &w);
Json changeJson(const watch::LayerChange &c); // the change without its effects
Json discrepancyJson(const watch::Discrepancy &d);

std::string factsText(const std::optional<watch::EntryFacts> &f); // "L1 file 0644 12B", "whiteout L0", "-"
std::string effectText(const watch::Effect &e);
// "stale  a/b  size  (mount: 3; layers: 5 from layer 1)"
std::string discrepancyText(const watch::Discrepancy &d);
std::string clockText(const timespec &t); // "12:34:56.789", local time

} // namespace strata::cli
