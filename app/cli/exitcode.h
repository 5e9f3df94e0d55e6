// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

namespace strata::cli {

// stratactl's exit codes, documented in docs/stratactl.md and `stratactl --help`.
// Scripts rely on them: never renumber.
enum ExitCode : int {
    ExitOk = 0,
    ExitFailed = 1, // the target could not be opened, or the command could not do its work
    ExitUsage = 2, // bad command line
    ExitPartial = 3, // the output is complete only for what could be read (see "problems")
    ExitNotAuthorized = 4, // mount/umount: polkit did not authorize the request (or it was cancelled)
    ExitDiffers = 5, // verify: the mount shows something other than its layers say (ghosts, missing, stale)
    ExitRefused = 6, // doctor: the stack would be refused; repair: not safe, nothing changed
};

} // namespace strata::cli
