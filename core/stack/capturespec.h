// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A captured mount opened as a stack: what `stratactl TARGET` and the GUI's open do
// with a capture file (docs/capture-file.md). The layers are taken at the paths they
// were resolved to at capture; `stratactl restore --dry-run` says whether they are
// still the captured directories.

#include "mounts/capture.h"
#include "stackspec.h"

namespace strata::stack {

// The one mount of a capture file with a single mount; with several, the error
// lists their mount points (restore them, or capture the one wanted).
Result<StackSpec> specFromCapture(const mounts::Capture &capture, std::string_view origin);

} // namespace strata::stack
