// SPDX-License-Identifier: GPL-2.0-or-later
#include "textformat.h"

#include "stack/factformat.h"

#include <array>

namespace strata::cli {

std::string formatSize(uint64_t bytes, bool exact)
{
    return exact ? stack::formatBytes(bytes) : stack::formatSize(bytes);
}

std::string orDash(std::string text)
{
    return text.empty() ? std::string("-") : text;
}

std::string_view layerColor(int layer)
{
    static constexpr std::array<std::string_view, 6> palette = {"36", "35", "34", "33", "32", "96"};
    return palette[static_cast<size_t>(layer < 0 ? 0 : layer) % palette.size()];
}

std::string colored(std::string_view text, std::string_view color, bool enabled)
{
    if (!enabled || color.empty())
        return std::string(text);
    std::string out = "\x1b[";
    out += color;
    out += 'm';
    out += text;
    out += "\x1b[0m";
    return out;
}

} // namespace strata::cli
