// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Has the stack's recorded identity drifted from its filesystems? With index=on the
// kernel verifies at every mount that the upper root's overlay.origin is lower
// layer 1's root handle, uuid included (super.c ovl_get_indexdir, namei.c
// ovl_verify_fh), and that index/'s overlay.upper is the upper root's handle. A
// filesystem whose uuid changed (a copied image, `tune2fs -U`) fails both checks:
// the mount fails with ESTALE and dmesg says "overlayfs: failed to verify upper
// root origin". Index entries are named by handles that embed the uuid; the kernel
// deletes the ones that no longer decode as stale. This says what drifted, what the
// kernel will do, and the ways out with their consequences. Shared by `stratactl
// inspect`, the GUI's layer badges and `stratactl restamp`.

#include "layerstack.h"
#include "ovl/filehandle.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace strata::stack {

using Uuid = std::array<uint8_t, 16>;
std::string uuidString(const Uuid &u); // "1b4e28ba-2fa1-11d2-883f-0016d3cca427"

struct IdentityFinding {
    std::string subject; // "upper root overlay.origin", "index/ overlay.upper", "index/<name>"
    Uuid recorded {}; // the uuid the handle carries
    std::optional<Uuid> current; // the uuid the filesystem has now (none: no layer has it)
    bool onlyUuidDiffers = false; // the handle with `current` is exactly the current one
    std::string what; // in words
};

struct WayOut {
    enum class Kind : uint8_t { IndexOff, UuidOff, Restamp, DeleteIndex };
    Kind kind = Kind::IndexOff; // for front ends that word it themselves (translated)
    std::string action; // "mount with index=off", "restamp", ...
    std::string consequence;
    bool applicable = true; // false: listed to say why not (uuid=off on a stack not made with it)
};

enum class IdentityState : uint8_t {
    Consistent, // nothing recorded drifted
    Drifted, // a recorded uuid is not the filesystem's any more
    Unknown, // cannot tell: no upper, no index, or trusted.* unreadable
};

struct IdentityVerdict {
    IdentityState state = IdentityState::Unknown;
    std::string reason; // Unknown: why not
    bool indexOn = false; // the stack is (or was) used with index=on: index/ exists or index=on
    bool createdWithUuidOff = false; // the root origin has the null uuid
    std::optional<Uuid> recordedUuid; // the uuid the records carry (the old one)
    std::optional<Uuid> currentUuid; // lower layer 1's filesystem's uuid now
    bool restampable = false; // every drift is a pure uuid change from one old uuid
    std::vector<IdentityFinding> findings;
    size_t staleIndexEntries = 0; // index entries naming a uuid no layer has (all counted)
    // What an index=on mount will do: nothing special, fail on the root origin or
    // on index/'s binding (ESTALE), or delete the stale index entries.
    enum class Outcome : uint8_t { Mounts, RootOriginEstale, IndexBindingEstale, StaleEntriesDeleted };
    Outcome outcome = Outcome::Mounts;
    std::string kernelWill; // the same in words, with the kernel's messages
    std::vector<WayOut> waysOut;
};

// Reads the upper root's origin, index/'s binding and the index entry names. Cheap:
// it does not walk the upper layer (restamp does).
IdentityVerdict checkIdentity(const LayerStack &stack);

std::string_view identityStateName(IdentityState s); // "consistent", "drifted", "unknown"

} // namespace strata::stack
