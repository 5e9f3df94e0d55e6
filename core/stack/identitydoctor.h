// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The identity check (identitycheck.h) as a doctor finding: `index-uuid-mismatch`
// when the stack's recorded uuid is not its filesystem's any more. It lives here, not
// in core/mounts with the doctor's other checks, because the check needs the stack
// (mounts does not depend on stack); the doctor takes it through
// DoctorOptions::extraChecks, from the CLI and the GUI alike.

#include "mounts/doctor.h"

#include <vector>

namespace strata::stack {

std::vector<mounts::DoctorFinding> identityFindings(const mounts::OverlayOptions &options);

} // namespace strata::stack
