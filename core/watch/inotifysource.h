// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Internal to core/watch: an inotify instance with one watch per registered
// directory. Watches are per real user and limited (fs.inotify.max_user_watches,
// shared with every other program of that user); reaching the limit is an error
// naming it, never a silent gap.

#include "handlemap.h"
#include "source.h"
#include "util/uniquefd.h"

#include <memory>
#include <mutex>

namespace strata::watch {

class InotifySource : public Source {
public:
    static Result<std::unique_ptr<InotifySource>> create();
    void addLayer(int layer);

    int fd() const override { return m_fd.get(); }
    Result<void> addDir(int layer, const std::string &path, int dirFd) override;
    void removeDir(int layer, const std::string &path) override;
    void read(SourceOutput &out) override;
    size_t dirCount() const override;

private:
    InotifySource() = default;
    void freeKeys(const std::vector<std::string> &keys);

    UniqueFd m_fd;
    mutable std::mutex m_mutex;
    HandleMap m_dirs; // key: the watch descriptor's bytes
    std::vector<int> m_layers;
};

// fs.inotify.max_user_watches, or -1 when unreadable.
long inotifyWatchLimit();

} // namespace strata::watch
