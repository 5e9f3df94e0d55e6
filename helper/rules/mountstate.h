// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Who owns each mount strata-helper made: a root-only JSON file (default
// /run/strata/mounts.json, directory 0700, file 0600), keyed by the kernel's mount
// id (unique, never reused while the system runs) so that no path game can point a
// record at another mount, and a record of a mount unmounted behind the helper's back
// never matches a later one. /run is emptied at boot, and so are the records.

#include "refusal.h"

#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace strata::helper {

struct MountRecord {
    uint64_t mountId = 0;
    uid_t owner = 0;
    std::string backend; // "kernel" | "strata-fuse"
    std::string mountpoint; // as the caller gave it, for display
    std::string name;
    bool operator==(const MountRecord &) const = default;
};

class MountState {
public:
    explicit MountState(std::string dir = "/run/strata");

    Checked<std::vector<MountRecord>> load() const;
    Checked<std::optional<MountRecord>> find(uint64_t mountId) const;
    Checked<void> add(const MountRecord &record);
    Checked<void> remove(uint64_t mountId);

    std::string file() const { return m_dir + "/mounts.json"; }

private:
    Checked<void> save(const std::vector<MountRecord> &records) const;
    Checked<void> ensureDir() const;
    std::string m_dir;
};

} // namespace strata::helper
