// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The refusal and failure codes of strata-helper. They travel to the client as
// KAuth error codes (ExecuteJob::error()), beside KAuth's own 1..9, so every one of
// them is >= 100. The numbers are API: the client maps each to a translated message
// and tests assert them; never renumber, only add. docs/HELPER.md lists them.
// Plain C++ on purpose: the helper, its rules library and the client share it.

namespace strata::helper {

enum Code : int {
    Ok = 0,
    // The request itself.
    BadRequest = 100, // an argument missing or of the wrong type, no nonce, unknown backend
    NotAbsolute = 101, // a path does not start with '/'
    NotCanonical = 102, // ".", "..", "//" or a trailing '/' in a path
    ControlCharacter = 103, // a byte 0x01..0x1f or 0x7f in a path or name
    Separator = 104, // ',' ':' or '\\' in a path: option-string separators and escapes
    PathTooLong = 105, // longer than PATH_MAX, or empty
    SymlinkComponent = 106, // a symbolic link somewhere in the path
    NotFound = 107, // the path does not exist (or cannot be reached by the caller)
    NotDirectory = 108, // a layer or the mount point is not a directory
    NotReadable = 109, // a lower layer the caller cannot read and search
    NotOwner = 110, // upper, work or mount point not owned by the caller
    SystemDirectory = 111, // the mount point is, or is inside, a system directory
    OptionNotAllowed = 112, // a mount option outside the helper's allow-list
    TooManyLayers = 113, // more lower layers than the cap
    NoLowerLayer = 114, // no lower layer (or only one without an upper)
    UpperInsideLower = 115, // the upper or work dir is a lower layer or inside one
    DifferentFilesystems = 116, // work and upper are not on one mount
    OverlappingLayers = 117, // two layers are one directory or nested in each other
    UpperWithoutWork = 118, // upper without work or work without upper
    BadName = 119, // the stack name is not [A-Za-z0-9._-]{1,64}
    NotUtf8 = 120, // a path is not valid UTF-8 (the D-Bus interface carries text)
    MountpointBusy = 121, // the mount point is inside the upper or work dir, or already a strata mount
    LowerNotReadableInside = 122, // a directory inside a lower layer the caller cannot read (or a mount in it)
    // Acting on a valid request.
    KernelRefused = 130, // kernel overlayfs refused the mount; the message holds its reason
    EngineMissing = 131, // strata-fuse is not installed next to the helper
    EngineFailed = 132, // strata-fuse exited before the mount was live
    EngineTimeout = 133, // strata-fuse did not report within its start-up time
    // Unmount.
    NotMounted = 140, // nothing mounted there
    NotAStrataMount = 141, // mounted, but not by strata-helper
    NotMountOwner = 142, // made by strata-helper for another user
    UnmountFailed = 143, // the kernel refused (busy, ...)
    StateError = 144, // the helper's record of mounts cannot be read or written
    // Reading.
    InspectFailed = 150, // the stack cannot be opened or read
    // The client's own (never sent by the helper).
    ReplyMismatch = 190, // a reply that carries another request's nonce: discarded
    Timeout = 191, // the watchdog fired: the helper did not answer in time
    Internal = 199,
};

} // namespace strata::helper
