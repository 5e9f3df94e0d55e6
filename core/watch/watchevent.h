// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "change.h"
#include "util/error.h"

#include <cstdint>
#include <vector>

namespace strata::watch {

// One item of the watcher's stream.
struct WatchEvent {
    enum class Type : uint8_t {
        Change, // `change` holds it
        // Events were lost (the kernel's queue overflowed: FAN_Q_OVERFLOW /
        // IN_Q_OVERFLOW, or the watcher's own bounded queue was full). The layers in
        // `layers` are dirty: whatever is loaded from them must be listed again
        // (ViewTracker::rescan does that and reports what differs).
        Overflow,
        // Something the watcher could not do, said once: the inotify watch limit
        // (max_user_watches) reached, a directory that could not be watched or
        // re-listed. `problem` says what and why; `layers` which layers it concerns.
        Problem,
    };
    Type type = Type::Change;
    LayerChange change;
    std::vector<int> layers;
    Error problem;
};

} // namespace strata::watch
