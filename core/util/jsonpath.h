// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Paths in Strata's JSON files (stack files, capture files) are bytes: a JSON string
// carries only valid UTF-8, so any other path travels as {"bytes_hex": "2f74..."}.
// One encoding for every file. Header-only: the libraries that write JSON link
// nlohmann_json themselves; core/util does not.

#include "displayname.h"
#include "hex.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace strata {

inline nlohmann::ordered_json pathToJson(const std::string &path)
{
    if (isValidUtf8(path))
        return path;
    return nlohmann::ordered_json {{"bytes_hex", toHex({reinterpret_cast<const uint8_t *>(path.data()), path.size()})}};
}

// nullopt unless `j` is a string or a {"bytes_hex": HEX} object with valid hex.
inline std::optional<std::string> pathFromJson(const nlohmann::ordered_json &j)
{
    if (j.is_string())
        return j.get<std::string>();
    if (j.is_object() && j.contains("bytes_hex") && j["bytes_hex"].is_string())
        if (auto bytes = fromHex(j["bytes_hex"].get<std::string>()))
            return std::string(bytes->begin(), bytes->end());
    return std::nullopt;
}

} // namespace strata
