// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Internal to core/watch: one kind of event source (fanotify, inotify, polling)
// serving the layers assigned to it. The watcher thread reads it; registrations
// come from any thread, so each source guards its own maps.

#include "util/error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace strata::watch {

// A change as a source decoded it, before coalescing.
struct RawChange {
    int layer = 0;
    std::string path; // within the layer
    uint32_t kinds = 0; // ChangeKind bits
    bool isDir = false;
    std::string otherPath; // rename: the other side, when known
};

// What a read produced besides changes.
struct SourceOutput {
    std::vector<RawChange> changes;
    std::vector<int> overflowed; // layers whose events were lost
    std::vector<Error> problems;
};

class Source {
public:
    virtual ~Source() = default;
    // An fd to poll for readability; -1 when the source only runs on ticks.
    virtual int fd() const = 0;
    // `dirFd` is the directory, opened for reading beneath its layer root.
    virtual Result<void> addDir(int layer, const std::string &path, int dirFd) = 0;
    virtual void removeDir(int layer, const std::string &path) = 0;
    // Reads what is pending (fd readable) or, for polling, re-lists (tick).
    virtual void read(SourceOutput &out) = 0;
    virtual size_t dirCount() const = 0;
};

// Joins a directory path within a layer and a name ("" = root).
inline std::string joinLayerPath(const std::string &dir, const std::string &name)
{
    if (name.empty() || name == ".")
        return dir;
    return dir.empty() ? name : dir + "/" + name;
}

} // namespace strata::watch
