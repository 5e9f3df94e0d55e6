// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What a person sees below a directory: per path the type, size, mode, owner,
// content digest (or link target) and user.* xattrs. Two unions are compatible
// when their snapshots are equal.

#include <map>
#include <string>

namespace strata::test {

struct SnapEntry {
    char type = '?'; // f d l c b p s
    long long size = 0;
    unsigned mode = 0;
    unsigned uid = 0;
    unsigned gid = 0;
    unsigned nlink = 0;
    std::string content; // sha256 of data, or the link target
    std::string xattrs; // "name=value;" for user.*, sorted
    bool operator==(const SnapEntry &) const = default;
    std::string describe() const;
};

using Snapshot = std::map<std::string, SnapEntry>;

Snapshot snapshot(const std::string &root);
// "" when equal, else the first differences, one per line.
std::string diff(const Snapshot &a, const Snapshot &b, const std::string &nameA, const std::string &nameB);

} // namespace strata::test
