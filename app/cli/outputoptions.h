// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "args.h"

#include <array>

namespace strata::cli {

// Options every command takes.
inline constexpr std::array kOutputOptions = {
    OptionSpec {"json"},
    OptionSpec {"bytes"},
    OptionSpec {"color"},
    OptionSpec {"no-color"},
    OptionSpec {"help", false, 'h'},
};

struct OutputOptions {
    bool json = false;
    bool exactBytes = false; // sizes in bytes instead of 1.5K, 12M
    bool color = false; // ANSI colours in text output
};

// Colour: --color forces it, --no-color or NO_COLOR (any value) turns it off,
// otherwise on when stdout is a terminal.
OutputOptions outputOptions(const ParsedArgs &args);

} // namespace strata::cli
