// SPDX-License-Identifier: GPL-2.0-or-later
#include "args.h"

#include <algorithm>
#include <charconv>

namespace strata::cli {

bool ParsedArgs::has(std::string_view name) const
{
    return count(name) > 0;
}

size_t ParsedArgs::count(std::string_view name) const
{
    return static_cast<size_t>(
        std::count_if(options.begin(), options.end(), [&](const Given &g) { return g.name == name; }));
}

const std::string *ParsedArgs::last(std::string_view name) const
{
    for (auto it = options.rbegin(); it != options.rend(); ++it)
        if (it->name == name)
            return &it->value;
    return nullptr;
}

std::vector<std::string> ParsedArgs::all(std::string_view name) const
{
    std::vector<std::string> out;
    for (const auto &g : options)
        if (g.name == name)
            out.push_back(g.value);
    return out;
}

Result<ParsedArgs> parseArgs(std::span<const std::string> args, std::span<const OptionSpec> specs)
{
    ParsedArgs out;
    auto findLong = [&](std::string_view name) -> const OptionSpec * {
        for (const auto &s : specs)
            if (s.name == name)
                return &s;
        return nullptr;
    };
    auto findShort = [&](char c) -> const OptionSpec * {
        for (const auto &s : specs)
            if (s.shortName != 0 && s.shortName == c)
                return &s;
        return nullptr;
    };

    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &arg = args[i];
        if (arg == "--") {
            out.positionals.insert(out.positionals.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                                   args.end());
            break;
        }
        if (arg.size() < 2 || arg[0] != '-') { // "" and "-" are positionals
            out.positionals.push_back(arg);
            continue;
        }
        const OptionSpec *spec = nullptr;
        std::optional<std::string> inlineValue;
        if (arg[1] == '-') {
            std::string_view body = std::string_view(arg).substr(2);
            const size_t eq = body.find('=');
            if (eq != std::string_view::npos) {
                inlineValue = std::string(body.substr(eq + 1));
                body = body.substr(0, eq);
            }
            spec = findLong(body);
        } else if (arg.size() == 2) {
            spec = findShort(arg[1]);
        }
        if (!spec)
            return fail(makeError(arg, "unknown option"));
        ParsedArgs::Given given {std::string(spec->name), {}};
        if (spec->takesValue) {
            if (inlineValue) {
                given.value = std::move(*inlineValue);
            } else if (i + 1 < args.size()) {
                given.value = args[++i];
            } else {
                return fail(makeError(arg, "needs a value"));
            }
        } else if (inlineValue) {
            return fail(makeError(arg, "takes no value"));
        }
        out.options.push_back(std::move(given));
    }
    return out;
}

std::optional<int> parseCount(std::string_view s)
{
    int v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v < 0)
        return std::nullopt;
    return v;
}

} // namespace strata::cli
