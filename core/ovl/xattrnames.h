// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace strata::ovl {

// Which xattr namespace a stack's overlay metadata lives in: trusted.overlay.* by
// default, user.overlay.* when mounted with userxattr (fs/overlayfs/overlayfs.h,
// OVL_XATTR_TRUSTED_PREFIX / OVL_XATTR_USER_PREFIX).
enum class Namespace : uint8_t { Trusted, User };

// The kernel's enum ovl_xattr (fs/overlayfs/util.c ovl_xattr_table), plus the
// historical 6.7.0 "whiteouts" directory marker that may remain on old layers.
enum class Attr : uint8_t {
    Opaque,
    Redirect,
    Origin,
    Impure,
    Nlink,
    Upper,
    Uuid,
    Metacopy,
    Protattr,
    Whiteout,
    Whiteouts,
};

std::string_view prefix(Namespace ns); // "trusted.overlay." or "user.overlay."
std::string_view suffix(Attr a); // "opaque", "redirect", ...
std::string name(Namespace ns, Attr a); // "trusted.overlay.opaque"
std::string_view namespaceLabel(Namespace ns); // "trusted" / "user"

// An xattr name seen on a layer, classified. Escaped names carry one extra
// "overlay." per nesting level: trusted.overlay.overlay.opaque is the opaque marker
// of an inner overlay stored on this layer, presented through this overlay as
// trusted.overlay.opaque (kernel xattrs.c, "Nesting overlayfs mounts").
struct ParsedName {
    Namespace ns;
    int escapeDepth = 0; // 0: this overlay's own metadata; n: nested n levels
    std::string_view rest; // what follows the last "overlay." prefix
    std::optional<Attr> attr; // set when `rest` is a known attribute
};
std::optional<ParsedName> parseName(std::string_view xattr); // nullopt: not overlay.*

// trusted.overlay.X -> trusted.overlay.overlay.X (what a layer stores for a name
// set through an overlay); nullopt for names outside the overlay namespaces.
std::optional<std::string> escapeName(std::string_view xattr);
// trusted.overlay.overlay.X -> trusted.overlay.X; nullopt when not escaped.
std::optional<std::string> unescapeName(std::string_view xattr);

} // namespace strata::ovl
