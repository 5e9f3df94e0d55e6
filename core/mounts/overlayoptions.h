// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "util/error.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata::mounts {

// The kernel's limit on lower layers (OVL_MAX_STACK), regular and data-only together.
inline constexpr size_t kMaxLowerLayers = 500;

// One option other than the layers, in the order the kernel printed it:
// "rw" (no value), "redirect_dir" = "on", ...
struct OverlayOption {
    std::string key;
    std::optional<std::string> value;
    bool operator==(const OverlayOption &) const = default;
};

// How the lower layers were given: one legacy "lowerdir=a:b::d" option, or one
// "lowerdir+=" / "datadir+=" option per layer (new mount API, kernel >= 6.8).
enum class LowerSyntax { None, Legacy, PerLayer };

// Whether options make a volatile mount: `volatile`, or `fsync=volatile` (its
// spelling since Linux 6.13).
bool mountsVolatile(std::span<const OverlayOption> options);

// An overlay's layers and options. Layer paths are plain bytes: every escape of
// mountinfo and of overlayfs has been removed.
struct OverlayOptions {
    std::vector<std::string> lowers; // top first
    std::vector<std::string> dataLayers; // data-only lowers, in order
    std::optional<std::string> upper;
    std::optional<std::string> work;
    std::vector<OverlayOption> others; // every other option, in order
    LowerSyntax lowerSyntax = LowerSyntax::None;

    // The value of the last option named `key` (nullopt if absent or a flag).
    std::optional<std::string> value(std::string_view key) const;
    bool has(std::string_view key) const;
    // Mounted volatile: the kernel skips every sync and leaves its dirty marker.
    bool isVolatile() const { return mountsVolatile(others); }
};

// Parses the superblock options of an overlay exactly as mountinfo prints them
// (MountEntry::fsOptions): split at the raw commas, decode the \ooo escapes of
// seq_show_option, then split legacy lowerdir= at unescaped colons and remove
// overlayfs's own backslash escapes where the kernel applies them (lowerdir=,
// upperdir=, workdir=; not lowerdir+= and datadir+=, which the kernel takes verbatim).
// Fails, with the kernel's reason, on what the kernel would reject.
Result<OverlayOptions> parseOverlayOptions(std::string_view mountinfoOptions);

// A legacy lowerdir= value (mountinfo escapes already decoded) split the way
// ovl_parse_param_split_lowerdirs does: regular layers, then "::"-separated data layers.
struct LowerLayers {
    std::vector<std::string> lowers;
    std::vector<std::string> dataLayers;
};
Result<LowerLayers> splitLowerdir(std::string_view value);

// Decodes seq_escape's \ooo octal escapes (three octal digits); anything else is kept.
std::string decodeOctalEscapes(std::string_view s);
// overlayfs's ovl_unescape: a backslash makes the next byte literal and is dropped.
std::string unescapeLayerPath(std::string_view s);
// The inverse for mount(2) data: backslash before '\\', ':' and ','.
std::string escapeLayerPath(std::string_view path);

// Whether `option` is an overlay mount option Strata passes to the kernel, with a
// value the kernel accepts: the allow-list the helper and the mounter enforce. Layer
// options (lowerdir, upperdir, ...) are not in it; they are OverlayOptions fields.
Result<void> checkOverlayOption(const OverlayOption &option);

// "a:b::d" for lowerdir=, every path escaped. Fails on an empty path list or path.
Result<std::string> formatLowerdir(std::span<const std::string> lowers, std::span<const std::string> dataLayers);
// The whole mount(2) data string ("lowerdir=...,upperdir=...,workdir=...,opts").
// Fails when it would not fit the one page mount(2) copies, unless `pageLimit` is
// false (the doctor's try-mount shows what the kernel does with a longer one).
Result<std::string> formatLegacyMountData(const OverlayOptions &options, bool pageLimit = true);

} // namespace strata::mounts
