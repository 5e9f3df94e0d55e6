// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

// Lowercase hex, as the kernel's bin2hex writes index entry names.
std::string toHex(std::span<const uint8_t> bytes);
// Accepts lower- and uppercase; nullopt on odd length or a non-hex character.
std::optional<std::vector<uint8_t>> fromHex(std::string_view hex);

} // namespace strata
