// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// stratactl's text output: colours, and the --bytes choice between the two forms of
// a size. How each fact reads comes from core (stack/factformat.h), shared with the app.

#include <cstdint>
#include <string>
#include <string_view>

namespace strata::cli {

// "1.5 KiB" (stack::formatSize); the exact count ("1536") with `exact` (--bytes).
std::string formatSize(uint64_t bytes, bool exact);
// An empty cell of a text table reads "-".
std::string orDash(std::string text);

// ANSI SGR codes (without ESC[ and m); "" means no colour.
std::string_view layerColor(int layer); // one colour per layer index, cycling
inline constexpr std::string_view kColorAdded = "32";
inline constexpr std::string_view kColorModified = "33";
inline constexpr std::string_view kColorDeleted = "31";
inline constexpr std::string_view kColorDim = "2";
inline constexpr std::string_view kColorBold = "1";
std::string colored(std::string_view text, std::string_view color, bool enabled);

} // namespace strata::cli
