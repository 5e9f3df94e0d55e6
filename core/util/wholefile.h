// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "error.h"

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace strata {

// The whole content of a file; nullopt when it cannot be opened (errno is set),
// an Error when reading it fails part way.
Result<std::optional<std::string>> readWholeFile(const std::string &path);

// Writes `text` to `path` so that readers see the old file or the whole new one,
// never a part: a temporary file beside it, fsync, rename over. The new file gets
// `mode` (less the umask).
Result<void> writeFileAtomic(const std::string &path, std::string_view text, mode_t mode = 0644);

} // namespace strata
