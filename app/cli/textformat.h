// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// How facts read in text output: sizes, modes, owners, times, colours.

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace strata::cli {

// "512", "1.5K", "12M" (powers of 1024, as ls -h); the exact count with `exact`.
std::string formatSize(uint64_t bytes, bool exact);
std::string formatMode(mode_t mode); // "drwxr-xr-x", with s/S/t/T
std::string formatOwner(uid_t uid, gid_t gid); // "root:root", numbers when unknown
std::string formatTime(const timespec &t); // "2024-05-01 12:34", local time

// ANSI SGR codes (without ESC[ and m); "" means no colour.
std::string_view layerColor(int layer); // one colour per layer index, cycling
inline constexpr std::string_view kColorAdded = "32";
inline constexpr std::string_view kColorModified = "33";
inline constexpr std::string_view kColorDeleted = "31";
inline constexpr std::string_view kColorDim = "2";
inline constexpr std::string_view kColorBold = "1";
std::string colored(std::string_view text, std::string_view color, bool enabled);

} // namespace strata::cli
