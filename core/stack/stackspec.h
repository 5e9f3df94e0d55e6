// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A stack as data: what a stack file holds and what `stratactl save` writes. The
// JSON schema is documented in docs/stack-file.md and versioned ("schema": 1):
//   { "schema": 1, "name": "...", "lower": [top..bottom], "data": [...],
//     "upper": "...", "work": "...", "xattr_namespace": "trusted"|"user",
//     "options": [["redirect_dir","on"], ["index","off"], ["volatile", null]],
//     "source": {"kind": "mount", "mountpoint": "/merged", "fstype": "overlay"} }
// File paths are strings when they are valid UTF-8; otherwise {"bytes_hex": "..."}.

#include "ovl/xattrnames.h"
#include "util/error.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace strata::stack {

inline constexpr int kStackSchemaVersion = 1;

struct StackSpec {
    std::string name;
    std::vector<std::string> lower; // top first
    std::vector<std::string> data; // data-only layers
    std::optional<std::string> upper;
    std::optional<std::string> work;
    std::optional<ovl::Namespace> xattrNamespace; // unset: detect from the layers
    std::vector<std::pair<std::string, std::optional<std::string>>> options; // other mount options, in order

    // Where it came from, for display and for `save` round trips.
    std::string sourceKind; // "mount", "directories", "file"
    std::string mountpoint;
    std::string fstype;

    const std::optional<std::string> *option(std::string_view key) const;
};

std::string toJson(const StackSpec &spec); // pretty, stable key order
Result<StackSpec> stackSpecFromJson(std::string_view json, std::string_view origin); // origin names the file in errors
Result<StackSpec> readStackFile(const std::string &path);
Result<void> writeStackFile(const std::string &path, const StackSpec &spec); // atomic (temp + rename)

} // namespace strata::stack
