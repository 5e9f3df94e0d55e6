// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Volatile uppers, reused safely. A volatile mount (kernel overlayfs' `volatile`,
// strata-fuse's volatile mode) skips every sync, so after it the kernel leaves
// WORKDIR/work/incompat/volatile/dirty and refuses the upper until someone decides it
// is intact. Strata records a checkpoint beside the upper when it mounts volatile:
//
//   WORKDIR/strata-volatile      (text, one "key value" per line)
//     strata-volatile 1
//     backend kernel|fuse
//     boot_id 2b3c...             /proc/sys/kernel/random/boot_id at mount time
//     upper_uuid 0f1e...          FS_IOC_GETFSUUID of the upper fs ("" when it has none)
//     upper_dev 8:3               st_dev of the upper
//     upper_mnt_id 1234           STATX_MNT_ID_UNIQUE of the upper's mount (never reused)
//     time 1764660000             seconds since the epoch
//     state mounted|clean|tainted
//     note ...                    why tainted, free text
//
// The upper may be reused when the boot and the upper's mount are the same as at
// mount time (so no crash, no remount lost the page cache) and a syncfs reports no
// writeback error, or strata-fuse, which held an fd on the upper fs for the whole
// mount and synced it at unmount, recorded "clean". Limits (docs/doctor.md): a boot
// id faked per container (LXC) hides a host reboot; a writeback error another
// process has already seen through syncfs/fsync is not reported to a fresh fd.

#include "util/error.h"
#include "util/uniquefd.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::mounts {

inline constexpr const char *kVolatileCheckpointName = "strata-volatile";

struct VolatileCheckpoint {
    std::string backend; // "kernel" / "fuse"
    std::string bootId;
    std::string upperUuid; // hex, "" when the fs has none
    std::string upperDev; // "major:minor"
    uint64_t upperMntId = 0;
    int64_t time = 0;
    std::string state; // "mounted", "clean", "tainted"
    std::string note;
};

// The facts of `upper` now (boot id, fs uuid, device, unique mount id, time).
Result<VolatileCheckpoint> checkpointNow(const std::string &upper, const std::string &backend);
Result<void> writeCheckpoint(const std::string &workdir, const VolatileCheckpoint &cp); // atomic
// nullopt when there is none; an error when it is unreadable or malformed.
Result<std::optional<VolatileCheckpoint>> readCheckpoint(const std::string &workdir);
// Records the mount of `upper` as volatile (state "mounted"): the mount paths call it.
Result<void> recordVolatileMount(const std::string &upper, const std::string &workdir, const std::string &backend);

bool volatileMarkerPresent(const std::string &workdir); // work/incompat/volatile exists
// Creates work/incompat/volatile/dirty as the kernel does (strata-fuse's volatile mode).
Result<void> createVolatileMarker(const std::string &workdir);
// Removes work/incompat/volatile (and incompat/ when it is then empty).
Result<void> clearVolatileMarker(const std::string &workdir);

// Whether the upper can be reused, and why (not).
struct VolatileAssessment {
    bool marker = false; // the kernel's dirty marker is there
    std::optional<VolatileCheckpoint> checkpoint;
    bool sameBoot = false;
    bool sameMount = false;
    bool cleanCheckpoint = false; // strata-fuse synced at unmount with no error
    int syncError = 0; // errno of syncfs on a fresh fd, 0 when none (or not run)
    bool synced = false; // syncfs was run
    bool safe = false;
    std::vector<std::string> reasons; // why not safe, each a sentence
};
// `sync`: run syncfs on the upper fs (repair does; a dry run too, as it is what
// decides). A clean strata-fuse checkpoint needs no sync.
VolatileAssessment assessVolatile(const std::string &upper, const std::string &workdir, bool sync);

// A writeback error found by a syncfs of the upper fs (repair's, the doctor's) is
// marked seen by it, and every later syncfs reports clean: whoever finds one records
// it here (state "tainted") so that no later repair reuses the upper. Nothing to do
// without a checkpoint (such an upper is never reused by default anyway).
Result<void> recordWritebackError(const std::string &workdir, int err);

// `stratactl repair --volatile` and the GUI's repair, one decision: assess (with a
// syncfs, whose error is recorded), then clear the marker when safe, else refuse
// unless told to discard the upper or to force.
enum class VolatileRepairMode { IfSafe, DiscardUpper, Force };
enum class VolatileAction { None /* no marker */, Cleared, Discarded, Forced, Refused };
std::string_view volatileActionName(VolatileAction a); // "none", "cleared", ... (JSON)
struct VolatileRepair {
    VolatileAssessment assessment;
    VolatileAction action = VolatileAction::None;
    std::vector<std::string> removed; // Discarded: what was (dry run: would be) removed, as discardList
};
// `dryRun`: decides and lists, changes nothing but the checkpoint's taint.
Result<VolatileRepair> repairVolatile(const std::string &upper, const std::string &workdir, VolatileRepairMode mode,
                                      bool dryRun);

// What --discard-upper removes: every entry below the upper and below work/ of the
// workdir (relative to them, "upper/..." and "work/..."), in the order removed
// (children before their directory). The upper and workdir themselves stay.
Result<std::vector<std::string>> discardList(const std::string &upper, const std::string &workdir);
Result<void> discardUpper(const std::string &upper, const std::string &workdir);

// strata-fuse: before opening the layers, an upper left by its own clean volatile
// mount in this boot and on this mount is reused (marker removed, no sync needed:
// the daemon synced it at unmount). Returns whether it did.
bool reuseCleanVolatile(const std::string &upper, const std::string &workdir);

// strata-fuse's volatile mode: an fd on the upper fs held for the mount's whole life
// (its error cursor is sampled at open, so a writeback error during the mount is
// reported to it at unmount even if another process saw it first), the kernel's
// dirty marker (so kernel overlayfs will not mount the upper meanwhile) and a
// checkpoint "mounted". end(): syncfs on that fd, then "clean" (marker left for the
// next strata-fuse mount to reuse) or "tainted".
struct VolatileHold {
    UniqueFd fd;
    std::string upper, workdir;
};
Result<VolatileHold> beginVolatileHold(const std::string &upper, const std::string &workdir);
// Returns the syncfs errno (0: clean).
int endVolatileHold(VolatileHold &hold);

} // namespace strata::mounts
