// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The capture file: JSON, versioned, documented in docs/capture-file.md.
//   {"format": "strata-capture", "version": 1, "kernel": "6.18.0",
//    "mounts": [{"mountpoint", "backend", "fstype", "source", "super_options",
//                "mount_options", "options": [[key, value|null]...], "stacks_on": [...],
//                "layers": [{"role", "path", "resolved_path",
//                            "fs": {"type", "uuid", "uuid_source", "device", "mount_id",
//                                   "mount_point"},
//                            "handle": {"type", "hex"}}...],
//                "upper": {"xattr_namespace", "overlay_uuid", "root_origin", "index"}}]}
// Paths are strings when valid UTF-8, else {"bytes_hex": "..."}.

#include "capture.h"

namespace strata::mounts {

inline constexpr std::string_view kCaptureFormat = "strata-capture";

std::string captureToJson(const Capture &capture); // pretty, stable key order
// Strict: every required field present with its type, the version known, handles
// and uuids well-formed. The one error names the file, the mount and the layer.
Result<Capture> captureFromJson(std::string_view json, std::string_view origin);
Result<Capture> readCaptureFile(const std::string &path);
Result<void> writeCaptureFile(const std::string &path, const Capture &capture); // atomic

// Whether `text` (a file's start) is a capture file rather than a stack file.
bool looksLikeCapture(std::string_view text);

} // namespace strata::mounts
