// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace strata::helper {

// Who asked: the uid KAuth got from polkit (HelperSupport::callerUid()), never a
// value from the request's arguments, with the groups of that user.
struct Caller {
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
    std::string name; // for messages; "uid N" when the user has no passwd entry

    bool isRoot() const { return uid == 0; }
    // The user's primary and supplementary groups from the user database.
    static Caller fromUid(uid_t uid);
};

// Runs `fn` with the caller's credentials, so every path lookup and access check
// in it is the one the kernel makes for that user: search permission on every
// component, read permission on the layer. When this process already is the caller
// (tests, root asking for itself) it runs inline; otherwise on a short-lived thread
// that drops to the caller's uid, gid and groups with raw syscalls (credentials are
// per thread in the kernel; glibc's wrappers would change every thread) and dies
// with them. File descriptors opened there stay valid for the whole process.
// Returns false (and sets `error`) if the credentials could not be assumed.
bool runAsCaller(const Caller &caller, const std::function<void()> &fn, std::string *error);

} // namespace strata::helper
