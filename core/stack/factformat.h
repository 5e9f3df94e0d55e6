// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// How a fact about an entry or a layer reads, for both faces of Strata: stratactl's
// text output and the desktop app format sizes, modes, owners, times, states and
// devices here and nowhere else, so the two never show the same fact differently
// (tests/gui/test_gui_facts holds them to it). Plain ASCII, the same in every
// locale: these are facts, not prose; the app translates only the words around them.

#include "entry.h"
#include "layer.h"

#include <cstdint>
#include <ctime>
#include <string>
#include <sys/types.h>

namespace strata::stack {

// "512 B", "1.5 KiB", "12.0 MiB": powers of 1024, one decimal, as exact figures are
// a separate fact (formatBytes).
std::string formatSize(uint64_t bytes);
std::string formatBytes(uint64_t bytes); // "1536"
std::string formatMode(mode_t mode); // "drwxr-xr-x", with s/S/t/T as ls(1)
std::string formatModeOctal(mode_t mode); // "0755": the permission bits only
// "1000:1000": the numbers the layer stores. Names are not looked up: a container
// layer's ids belong to another user namespace, so a local name would mislead (and
// the lookup is I/O the app cannot do on its GUI thread).
std::string formatOwner(uid_t uid, gid_t gid);
std::string formatTime(const timespec &t); // "2024-05-01 12:34:56", local time
std::string formatStates(uint32_t state); // "copied-up, metacopy"; "" without any
std::string formatDevice(dev_t dev); // "8:1"
std::string formatLayerFlags(const FsIdentity &fs); // "ro, remote"; "" without any
std::string formatFsIdentity(const FsIdentity &fs); // "ext4, 8:1, <uuid>"

} // namespace strata::stack
