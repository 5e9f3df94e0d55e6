// SPDX-License-Identifier: GPL-2.0-or-later
#include "hex.h"

#include <algorithm>

namespace strata {

std::string toHex(std::span<const uint8_t> bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const uint8_t b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 0xF];
    }
    return out;
}

namespace {
int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
} // namespace

std::optional<std::vector<uint8_t>> fromHex(std::string_view hex)
{
    if (hex.size() % 2 != 0)
        return std::nullopt;
    std::vector<uint8_t> out(hex.size() / 2);
    for (size_t i = 0; i < out.size(); ++i) {
        const int hi = hexValue(hex[2 * i]);
        const int lo = hexValue(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        out[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    return out;
}

std::optional<std::array<uint8_t, 16>> uuidFromHex(std::string_view text)
{
    std::string hex;
    for (char c : text)
        if (c != '-')
            hex += c;
    auto bytes = fromHex(hex);
    if (!bytes || bytes->size() != 16)
        return std::nullopt;
    std::array<uint8_t, 16> out {};
    std::copy(bytes->begin(), bytes->end(), out.begin());
    return out;
}

} // namespace strata
