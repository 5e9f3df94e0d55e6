// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// How one layer is watched, and why (reported first by `stratactl watch`, shown by
// the app and by strata-fuse at start-up).

#include "stack/layer.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace strata::watch {

enum class Method : uint8_t {
    Fanotify, // a filesystem mark on the layer's filesystem (root, CAP_SYS_ADMIN in the initial userns)
    Inotify, // a watch on every loaded directory (unprivileged, or where fanotify was refused)
    Polling, // events cannot show this layer's changes: loaded dirs are re-listed at an interval
};
std::string_view methodName(Method m); // "fanotify", "inotify", "polling"
std::optional<Method> methodFromName(std::string_view name);

struct LayerWatch {
    int layer = 0;
    stack::Role role = stack::Role::Lower;
    Method method = Method::Polling;
    // Why this method: "filesystem mark on ext4 (dev 8:1)", "fanotify refused on
    // fuse.bindfs: zero fsid (ENODEV); inotify sees only changes made through this
    // host's VFS, ...". Always filled.
    std::string reason;
};

} // namespace strata::watch
