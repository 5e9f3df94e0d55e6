// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The stack `doctor` and `repair` look at, as the kernel would be asked to mount it:
// TARGET as elsewhere (layer options, a stack file, a mounted overlay) plus a layer
// directory in the layouts core/stack/layerlayout reads (Docker/Podman layer dirs,
// lowerN/upper/work). Unlike openTarget it opens no LayerStack: a stack that will
// not mount is exactly what these commands must still describe.

#include "command.h"
#include "mounts/doctor.h"
#include "stack/stackspec.h"
#include "target.h"

#include <expected>
#include <string>

namespace strata::cli {

struct DoctorTarget {
    std::string kind; // "directories", "file", "mount", "layer-directory"
    std::string name; // what the user gave (path), "" for layer options
    mounts::OverlayOptions spec;
    TargetSource source; // how it was named (targetArgs names it again)
};

std::expected<DoctorTarget, CommandError> doctorTarget(const ParsedArgs &args, std::vector<std::string> &positionals);

// `hint` (a finding's repair, "stratactl repair TARGET --volatile") with TARGET
// replaced by the arguments that name `target`.
std::string withTarget(std::string hint, const DoctorTarget &target);

// The checks core/mounts cannot make itself (they need core/stack), for
// DoctorOptions::extraChecks: the index/UUID mismatch detector
// of core/stack/identitydoctor ("index-uuid-mismatch").
std::function<std::vector<mounts::DoctorFinding>(const mounts::OverlayOptions &)> stackChecks();

} // namespace strata::cli
