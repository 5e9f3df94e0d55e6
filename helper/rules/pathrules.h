// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The rules a path must pass before the helper opens anything: syntax only, no
// file system access. See docs/HELPER.md for why each rule exists.

#include "refusal.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace strata::helper {

// Absolute, canonical (no ".", "..", "//", trailing '/'), no control byte, no ','
// ':' or '\\', valid UTF-8, at most PATH_MAX. `what` names the role in the message
// ("lowerdir 2", "upperdir", "mount point").
std::optional<Refusal> checkPathSyntax(std::string_view what, std::string_view path);

// The directories a mount point may never be, nor be inside of (or, for the
// shared parents like /home and /tmp, may not be itself). Canonical paths.
std::span<const std::string_view> systemDirectories(); // never a mount point, nor inside one
std::span<const std::string_view> sharedParents(); // never a mount point themselves
// The system directory `path` is or is inside of, or what it matches of the shared
// parents ("/home" for "/home" and for "/home/alice"); nullopt if allowed.
std::optional<std::string> systemDirectoryOf(std::string_view canonicalPath);

// A stack name for fsname= and messages: [A-Za-z0-9._-]{1,64}, or empty (no name).
std::optional<Refusal> checkStackName(std::string_view name);

// The path as shown in messages: control bytes escaped (displayName).
std::string shownPath(std::string_view path);

} // namespace strata::helper
