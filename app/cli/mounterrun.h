// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Running one Mounter request from a command (mount, umount, restore): they need a
// QCoreApplication and wait on its loop for the request to finish.

#include "mounter.h"

#include <functional>

namespace strata::cli {

// Whether to go through strata-helper: always without root, and as root too when
// the system bus is there (polkit decides); else root mounts directly.
bool useHelper();

// Starts one request on `mounter` and runs the event loop until it finishes.
app::MountResult runOne(app::Mounter &mounter, const std::function<quint64()> &start);

} // namespace strata::cli
