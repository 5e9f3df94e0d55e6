// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What the watcher reports: a change to one name in one layer directory, as the
// kernel's notification said it (fanotify, inotify) or a re-listing found it
// (polling). Changes to the same name within one burst are coalesced into one.

#include "stack/layer.h"

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace strata::watch {

// Several kinds may hold at once after coalescing (a file created then written).
enum ChangeKind : uint32_t {
    ChangeCreated = 1u << 0, // a name appeared in the directory (create, mkdir, mknod, link, symlink)
    ChangeDeleted = 1u << 1, // a name went (unlink, rmdir)
    ChangeMovedFrom = 1u << 2, // renamed away from here (otherPath: where to, when known)
    ChangeMovedTo = 1u << 3, // renamed to here (otherPath: where from, when known)
    ChangeAttrib = 1u << 4, // mode, owner, times, xattrs (opaque set, redirect, ...)
    ChangeModified = 1u << 5, // content written (modify, close after writing, truncate)
    ChangeDeletedSelf = 1u << 6, // the watched object itself was deleted (a layer dir)
};
// "created", "deleted", "moved-from", "moved-to", "attrib", "modified", "deleted-self"
std::vector<std::string_view> changeKindNames(uint32_t kinds);

struct LayerChange {
    timespec time {}; // CLOCK_REALTIME of the burst's first event for this name
    int layer = 0; // index in the stack, 0 = top
    stack::Role role = stack::Role::Lower;
    std::string path; // within the layer, bytes, "" = the layer root
    uint32_t kinds = 0; // ChangeKind bits
    bool isDir = false; // the object is (or was) a directory, when the event said so
    std::string otherPath; // a rename's other side within the same layer, when known
};

} // namespace strata::watch
