// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The restamp journal (text, every byte string in hex so names and values of any
// bytes survive):
//   strata-restamp-journal 1
//   from <32 hex> to <32 hex>
//   S <upper|work> <path hex> <xattr hex> <old value hex> <new value hex>
//   R <upper|work> <dir hex> <old name hex> <new name hex>
// Written whole and atomically before the first change; removed after the last.

#include "restamp.h"

namespace strata::stack {

inline constexpr std::string_view kRestampJournalName = "strata-restamp.journal";

std::string formatJournal(const Uuid &from, const Uuid &to, const std::vector<RestampChange> &changes);
struct Journal {
    Uuid from {};
    Uuid to {};
    std::vector<RestampChange> changes;
};
Result<Journal> parseJournal(std::string_view text, const std::string &path);

} // namespace strata::stack
