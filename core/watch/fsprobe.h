// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Internal to core/watch: whether a layer's filesystem can report its changes by
// events at all, decided from statfs before any mark is tried.

#include <optional>
#include <string>

namespace strata::watch {

// nullopt when events can show the changes; otherwise why the layer must be
// polled ("FUSE filesystem: changes made behind it (its backing store, its server)
// raise no event here").
std::optional<std::string> needsPolling(int layerFd);
// "ext4 (dev 8:1)": how the reasons name a filesystem.
std::string describeFs(int layerFd);

} // namespace strata::watch
