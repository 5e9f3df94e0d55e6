// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The protocol between strata-helper and its clients (app/mounter's HelperMounter,
// the test client), in one header both include: action names, argument keys, the
// backend names, reply fields and the refusal codes. Plain C++ and header-only
// (target strata_helperprotocol) so that the helper's Qt-free rules, the helper and
// the app share it without the app reaching into the helper's internals.
// docs/HELPER.md describes each field and code.

#include <optional>
#include <string_view>

namespace strata::helper {

// The refusal and failure codes of strata-helper. They travel to the client as
// KAuth error codes (ExecuteJob::error()), beside KAuth's own 1..9, so every one of
// them is >= 100. The numbers are API: the client maps each to a translated message
// and tests assert them; never renumber, only add.
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

// Which union a mount request asks for.
enum class Backend { Kernel, StrataFuse };

// The `backend` argument's spelling of each.
constexpr std::string_view backendName(Backend b)
{
    return b == Backend::Kernel ? "kernel" : "strata-fuse";
}

constexpr std::optional<Backend> backendFromName(std::string_view name)
{
    if (name == backendName(Backend::Kernel))
        return Backend::Kernel;
    if (name == backendName(Backend::StrataFuse))
        return Backend::StrataFuse;
    return std::nullopt;
}

namespace protocol {

// The KAuth helper id; each action's id is "<helper id>.<action>".
inline constexpr std::string_view kHelperId = "io.github.strata";

namespace action {
inline constexpr std::string_view kMount = "mount";
inline constexpr std::string_view kUnmount = "unmount";
inline constexpr std::string_view kReadPrivileged = "readprivileged";
} // namespace action

// Request arguments (QVariantMap keys). The caller is never an argument: the helper
// asks KAuth (HelperSupport::callerUid()).
namespace arg {
inline constexpr std::string_view kNonce = "nonce"; // 32 lowercase hex digits, every action
inline constexpr std::string_view kBackend = "backend"; // mount: backendName()
inline constexpr std::string_view kLower = "lower"; // mount, readprivileged: string list, top first
inline constexpr std::string_view kUpper = "upper"; // string; empty or absent: none
inline constexpr std::string_view kWork = "work"; // string; empty or absent: none
inline constexpr std::string_view kMountpoint = "mountpoint"; // mount, unmount
inline constexpr std::string_view kOptions = "options"; // mount: list of "key" / "key=value"
inline constexpr std::string_view kName = "name"; // mount: stack name, fsname strata:NAME
// Data-only layers: no action takes them yet. The client sends them anyway so that
// the helper refuses the request (unknown argument, BadRequest) rather than mount
// a stack without them.
inline constexpr std::string_view kData = "data";
} // namespace arg

// Reply data of a success. A failure carries no data (KAuth passes none with
// errors): its error description is "NONCE\nmessage".
namespace reply {
inline constexpr std::string_view kNonce = "nonce"; // the request's, checked by the client
inline constexpr std::string_view kMountpoint = "mountpoint"; // mount, unmount
inline constexpr std::string_view kBackend = "backend"; // mount
inline constexpr std::string_view kMessages = "messages"; // mount: the kernel's or engine's lines
inline constexpr std::string_view kJson = "json"; // readprivileged
} // namespace reply

inline constexpr int kNonceHexDigits = 32;

} // namespace protocol

} // namespace strata::helper
