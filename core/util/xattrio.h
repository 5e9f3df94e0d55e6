// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "error.h"

#include <optional>
#include <string>
#include <vector>

namespace strata {

// Raw xattr access relative to a directory fd, never following a final symlink
// (overlay xattrs on a symlink belong to the symlink). Uses getxattrat/listxattrat
// (Linux 6.13) and falls back to /proc/self/fd/N/name on older kernels. An empty
// name is the object dirfd itself: any open fd (a file too), or an O_PATH directory.
//
// Absent (ENODATA) is not an error: it is nullopt. Note that without CAP_SYS_ADMIN
// the kernel answers ENODATA for every trusted.* read and omits trusted.* names from
// lists, so "absent" is only meaningful when the caller may read the namespace:
// callers check canReadTrustedXattrs() and report facts as unreadable otherwise.
Result<std::optional<std::string>> getXattrAt(int dirfd, const std::string &name, const std::string &xattr);
Result<std::vector<std::string>> listXattrsAt(int dirfd, const std::string &name);
Result<void> setXattrAt(int dirfd, const std::string &name, const std::string &xattr, std::string_view value,
                        int flags = 0);
Result<void> removeXattrAt(int dirfd, const std::string &name, const std::string &xattr);

// CAP_SYS_ADMIN in the initial user namespace: what the kernel asks before it lets a
// process read trusted.* xattrs.
bool canReadTrustedXattrs();

} // namespace strata
