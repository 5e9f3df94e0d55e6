// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace strata {

// File names are bytes, not text: they may hold invalid UTF-8, newlines, control
// characters. Core keeps them as bytes; this renders them for a terminal or a log
// line without losing information: valid UTF-8 passes through, control bytes become
// \n \t \\ or \xNN, invalid UTF-8 bytes become \xNN. A backslash is doubled so the
// rendering is reversible.
std::string displayName(std::string_view bytes);

// True when the bytes are valid UTF-8 (so JSON can carry them as a string).
bool isValidUtf8(std::string_view bytes);

} // namespace strata
