// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Core keeps names as bytes and facts as numbers; this is where they become text a
// person reads. One place, so the tree, the details pane and the golden dumps agree.

#include "stack/entry.h"
#include "util/error.h"

#include <QString>
#include <string_view>

namespace strata::gui {

QString displayText(std::string_view bytes); // names, paths: via strata::displayName
QString pathText(std::string_view mergedPath); // "" is shown as "/"
QString errorText(const Error &error);
// Facts as core's stack/factformat.h formats them for both faces (see there).
QString sizeText(quint64 bytes); // "1.5 KiB", "512 B"
QString modeText(mode_t mode); // "drwxr-xr-x"
QString modeOctalText(mode_t mode); // "0755"
QString ownerText(uid_t uid, gid_t gid); // "0:0"
QString timeText(const timespec &ts); // "2024-05-01 12:34:56", local time
QString stateText(uint32_t state); // "copied-up, metacopy"
QString deviceText(dev_t dev); // "8:1"
QString hexText(const std::vector<uint8_t> &bytes);

} // namespace strata::gui
