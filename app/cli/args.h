// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The command-line parser of stratactl: GNU-style long options ("--name VALUE",
// "--name=VALUE", flags), a few short aliases, positionals anywhere, "--" ends the
// options. Small on purpose: every command declares its options in a table and gets
// back what was given, in order; the meaning lives in the command.

#include "util/error.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata::cli {

struct OptionSpec {
    std::string_view name; // without the leading "--"
    bool takesValue = false;
    char shortName = 0; // "-x" alias, 0 for none
};

struct ParsedArgs {
    struct Given {
        std::string name;
        std::string value; // empty for flags
    };
    std::vector<Given> options; // in command-line order
    std::vector<std::string> positionals;

    bool has(std::string_view name) const;
    size_t count(std::string_view name) const;
    // The value of the last occurrence (later options override earlier ones).
    const std::string *last(std::string_view name) const;
    std::vector<std::string> all(std::string_view name) const;
};

// Fails on an unknown option, a missing value, or a value given to a flag. The
// Error's subject is the offending argument; such errors are usage errors (exit 2).
Result<ParsedArgs> parseArgs(std::span<const std::string> args, std::span<const OptionSpec> specs);

// Non-negative decimal integer that fits an int; nullopt otherwise.
std::optional<int> parseCount(std::string_view s);

} // namespace strata::cli
