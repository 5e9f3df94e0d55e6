// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The doctor: every reason kernel overlayfs or strata-fuse would refuse (or degrade)
// a stack that is not mounted, each with a stable reason code, the kernel's own
// message, the cause in plain words and the fix. Built on the preflight
// (preflight.h): its findings are classified and explained, and the doctor adds what
// needs a real probe (upper features tried in the workdir, a syncfs for unseen
// writeback errors, the stacking depth, the layers' overlay xattrs against the
// options). Reason codes and their meaning: docs/doctor.md.

#include "preflight.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace strata::mounts {

enum class Backend { Kernel, Fuse };

struct DoctorFinding {
    std::string code; // stable: "volatile-dirty", "upper-missing-features", ...
    Severity severity = Severity::Info; // for the backend asked about
    LayerRole role = LayerRole::Stack;
    size_t index = 0; // among the lowers or data layers
    std::string layer; // the layer's path; empty for the stack
    // What the kernel logs (dmesg or the fs_context) when it meets this, "" when it
    // says nothing. Paths in it are the ones the kernel would print.
    std::string kernelMessage;
    // Whether the kernel logs it while mounting; false: later, on lookup (redirects,
    // metacopy), so a try-mount cannot show it.
    bool atMount = true;
    std::string cause; // plain words
    std::string fix; // what to do
    bool kernelRefuses = false; // kernel overlayfs fails the mount
    bool fuseRefuses = false; // strata-fuse fails the mount
    // The repair stratactl offers ("stratactl repair TARGET --volatile"), or "".
    std::string repair;
};

struct DoctorOptions {
    Backend backend = Backend::Kernel;
    // Create a scratch directory in the workdir and try there what the kernel tries
    // at mount time (d_type, RENAME_WHITEOUT, O_TMPFILE, overlay xattrs). Off: only
    // read-only checks.
    bool probeWorkdir = true;
    // syncfs the upper fs for an unseen writeback error. It marks the error seen, so
    // live previews (the GUI's assembly) leave it off and an explicit run does it.
    bool checkWriteback = true;
    // How many entries per layer the xattr scan (redirect, metacopy, namespace) reads.
    size_t scanBudget = 20000;
    // Checks that need more than core/mounts can link (core/stack's index/UUID
    // detector, core/stack/identitycheck.*): the caller plugs them in here and their
    // findings are appended ("index-uuid-mismatch"). The CLI and the GUI set it.
    std::function<std::vector<DoctorFinding>(const OverlayOptions &)> extraChecks {};
};

struct Diagnosis {
    std::vector<DoctorFinding> findings;
    bool refused(Backend b) const; // some finding makes that backend refuse
};

// Diagnoses `spec` for `opts.backend` (findings for the other backend are kept, with
// their severity for the one asked). Never mounts; see tryMount for the confirmation.
Diagnosis diagnose(const OverlayOptions &spec, const DoctorOptions &opts = {});

// A real try-mount of kernel overlayfs through the one mount sequence
// (mountsequence.h: fsopen/fsconfig, so the fs_context messages are read from the
// fs fd, then fsmount of a mount attached nowhere), plus the overlay lines the
// kernel logged to /dev/kmsg meanwhile. Needs CAP_SYS_ADMIN; nothing stays mounted
// and no volatile checkpoint is written.
struct TryMount {
    bool attempted = false;
    std::string notAttempted; // why not (no privileges, ...)
    bool mounted = false;
    int err = 0; // errno of the failing step
    std::string step; // "fsconfig lowerdir+ ...", "FSCONFIG_CMD_CREATE", ...
    std::vector<std::string> messages; // fs_context then kmsg lines, kernel's words
};
// `legacy`: through mount(2) with one data string (formatLegacyMountData, what older
// tools do) onto the first lower, in a child process with a private mount namespace;
// the kernel's messages then come from /dev/kmsg only.
TryMount tryMount(const OverlayOptions &spec, bool legacy = false);

// Whether the kernel's logged `messages` contain `kernelMessage` (ignoring the
// "overlay: "/"overlayfs: " prefixes and log levels).
bool kernelSaid(const std::vector<std::string> &messages, const std::string &kernelMessage);

std::string_view backendName(Backend b); // "kernel" / "fuse"
std::string_view severityName(Severity s); // "info" / "warning" / "error"

} // namespace strata::mounts
