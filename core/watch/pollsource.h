// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Internal to core/watch: the registered directories of layers whose changes raise
// no event here (FUSE, remote, pseudo filesystems), re-listed on every tick and
// compared with what the last listing saw. Memory: one small record per entry of a
// registered directory.

#include "source.h"
#include "stack/layer.h"

#include <ctime>
#include <map>
#include <mutex>
#include <sys/types.h>
#include <unordered_map>

namespace strata::watch {

class PollSource : public Source {
public:
    // `layerFds`: each layer's root fd by index (the stack's, which outlives this).
    explicit PollSource(std::unordered_map<int, int> layerFds);

    int fd() const override { return -1; }
    Result<void> addDir(int layer, const std::string &path, int dirFd) override;
    void removeDir(int layer, const std::string &path) override;
    void read(SourceOutput &out) override; // one tick: re-list every registered dir
    size_t dirCount() const override;

private:
    struct Seen {
        ino_t ino = 0;
        mode_t mode = 0;
        off_t size = 0;
        timespec mtime {};
        timespec ctime {};
    };
    using Snapshot = std::map<std::string, Seen>;
    static Result<Snapshot> snapshot(int dirFd, const std::string &path);

    std::unordered_map<int, int> m_layerFds;
    mutable std::mutex m_mutex;
    std::map<std::pair<int, std::string>, Snapshot> m_dirs;
};

} // namespace strata::watch
