// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// JSON output (docs/json-schema.md). Every document starts with "schema" and
// "command"; paths are bytes, so they are strings when valid UTF-8 and otherwise
// {"bytes_hex": "..."}, the convention of stack files.

#include "util/error.h"

#include <ctime>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

namespace strata::cli {

using Json = nlohmann::ordered_json;

// Bumped only for incompatible changes; new keys may appear without a bump.
inline constexpr int kJsonSchemaVersion = 1;

Json pathJson(std::string_view bytes);
Json errorJson(const Error &e); // {"subject", "reason", "errno", "message"}
Json errorsJson(const std::vector<Error> &errors);
Json timeJson(const timespec &t); // {"sec", "nsec"}

// Pretty-printed on stdout, one document per run. Never throws: stray invalid UTF-8
// in a message is replaced rather than aborting the output.
void printJson(const Json &doc);

} // namespace strata::cli
