// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <array>
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
// A uuid written as hex: "1b4e28ba-2fa1-11d2-883f-0016d3cca427" (ovl::formatUuid
// writes it), dashes optional; nullopt unless it is 16 bytes of hex.
std::optional<std::array<uint8_t, 16>> uuidFromHex(std::string_view text);

} // namespace strata
