// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Internal to core/watch: one fanotify group reporting directory handle + name +
// target (FAN_REPORT_DFID_NAME_TARGET) with a FAN_MARK_FILESYSTEM mark per distinct
// filesystem holding a layer. Needs CAP_SYS_ADMIN in the initial user namespace
// (fanotify_init(2)); zero-fsid filesystems (FUSE) refuse the mark with ENODEV or
// EXDEV (fanotify_mark(2), 6.8+), btrfs subvolumes with EXDEV.

#include "handlemap.h"
#include "source.h"
#include "util/uniquefd.h"

#include <map>
#include <memory>
#include <mutex>

namespace strata::watch {

class FanotifySource : public Source {
public:
    // The group; fails with the reason (EPERM: not privileged) when it cannot exist.
    static Result<std::unique_ptr<FanotifySource>> create();

    // Marks the filesystem of `layerFd` (once per filesystem) for `layer`. Fails with
    // the kernel's reason; the layer then falls back to another method.
    Result<void> addLayer(int layer, int layerFd);

    int fd() const override { return m_fd.get(); }
    Result<void> addDir(int layer, const std::string &path, int dirFd) override;
    void removeDir(int layer, const std::string &path) override;
    void read(SourceOutput &out) override;
    size_t dirCount() const override;

private:
    FanotifySource() = default;
    void decode(const char *buf, size_t len, SourceOutput &out);

    UniqueFd m_fd;
    mutable std::mutex m_mutex;
    HandleMap m_dirs; // key: fsid bytes + handle type + handle bytes
    std::map<dev_t, std::string> m_markedFs; // dev -> fsid bytes
    std::vector<int> m_layers;
};

} // namespace strata::watch
