// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The core types as JSON, one function per type, shared by every command so a
// layer, an entry or a file handle looks the same wherever it appears.

#include "json.h"
#include "stack/entry.h"
#include "stack/layerstack.h"

#include <array>
#include <optional>

namespace strata::cli {

Json uuidJson(const std::optional<std::array<uint8_t, 16>> &uuid); // string or null
Json deviceJson(dev_t dev); // "major:minor"
Json fileHandleJson(const ovl::FileHandle &fh);
Json layerJson(const stack::Layer &layer); // full: role, path, fs facts
Json layerRefsJson(const stack::LayerStack &stack); // [{"index", "role", "path"}]
Json stackJson(const stack::LayerStack &stack); // source, namespace, options, layers
Json entryJson(const stack::MergedEntry &entry, const std::string &mergedPath);

} // namespace strata::cli
