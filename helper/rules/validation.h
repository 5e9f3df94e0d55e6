// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// strata-helper's whole judgement of a request, without D-Bus: a mount request (or
// a stack to read) goes in with the caller; out comes either the first rule it
// breaks, or every directory resolved and held open by file descriptor. Everything
// the helper then does uses those descriptors, so a path swapped for a symbolic link
// after the check changes nothing. Plain C++ so the unit tests run it as any user.

#include "caller.h"
#include "helperprotocol.h"
#include "refusal.h"

#include "mounts/overlayoptions.h"
#include "util/uniquefd.h"

#include <cstdint>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace strata::helper {

struct MountRequest {
    Backend backend = Backend::Kernel;
    std::vector<std::string> lowers; // top first
    std::optional<std::string> upper;
    std::optional<std::string> work;
    std::string mountpoint;
    std::vector<std::string> options; // "key" or "key=value"
    std::string name; // optional stack name, becomes fsname "strata:NAME"
};

struct Limits {
    size_t maxLowers = mounts::kMaxLowerLayers;
};

// A directory opened by the caller (O_PATH, no symlink in any component).
struct ResolvedDir {
    std::string role; // "lowerdir 1", "upperdir", "workdir", "mount point"
    std::string path; // as given: absolute and canonical
    UniqueFd fd;
    struct stat st {};
    uint64_t mountId = 0; // statx mount id (unique where the kernel has it)

    std::string subject() const;
};

struct ValidatedMount {
    Backend backend = Backend::Kernel;
    std::vector<ResolvedDir> lowers;
    std::optional<ResolvedDir> upper;
    std::optional<ResolvedDir> work;
    ResolvedDir mountpoint;
    std::vector<mounts::OverlayOption> options;
    std::string name;
};

Checked<ValidatedMount> validateMount(const MountRequest &request, const Caller &caller, const Limits &limits = {});

// The layers of a stack to inspect as root: same path rules, every layer readable
// by the caller (nothing needs to be owned).
struct ReadRequest {
    std::vector<std::string> lowers;
    std::optional<std::string> upper;
    std::optional<std::string> work;
};
struct ValidatedRead {
    std::vector<ResolvedDir> lowers;
    std::optional<ResolvedDir> upper;
    std::optional<ResolvedDir> work;
};
Checked<ValidatedRead> validateRead(const ReadRequest &request, const Caller &caller, const Limits &limits = {});

// An existing mount to take down: resolved as the caller, must be a mount root.
Checked<ResolvedDir> resolveMountRoot(const std::string &mountpoint, const Caller &caller);

} // namespace strata::helper
