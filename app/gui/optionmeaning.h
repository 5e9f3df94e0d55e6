// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <QString>
#include <optional>
#include <string>

namespace strata::gui {

// What an overlay mount option means, in a sentence (Documentation/filesystems/
// overlayfs.rst). Unknown options say so rather than guess.
QString overlayOptionMeaning(const std::string &key, const std::optional<std::string> &value);

} // namespace strata::gui
