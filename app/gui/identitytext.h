// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The GUI's words for a stack whose recorded identity drifted from its filesystems
// (core/stack/identitycheck.h): what the kernel will do and the ways out, translated.

#include "stack/identitycheck.h"

#include <QString>

namespace strata::gui {

QString identityHeadline(const stack::IdentityVerdict &v); // one line, "" when consistent
QString identityDetails(const stack::IdentityVerdict &v); // findings, kernel, ways out
QString wayOutText(const stack::WayOut &w);

} // namespace strata::gui
