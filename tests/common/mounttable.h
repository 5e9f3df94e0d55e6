// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <QList>
#include <QString>

#include <optional>
#include <string>

namespace strata::test {

// One line of /proc/self/mountinfo, as the tests compare them (escapes kept as the
// kernel writes them: \040 for a space).
struct MountLine {
    QString mountpoint, fstype, source, options;
};

QList<MountLine> mountTable();
// The topmost mount at PATH, if any.
std::optional<MountLine> mountAt(const std::string &path);

} // namespace strata::test
