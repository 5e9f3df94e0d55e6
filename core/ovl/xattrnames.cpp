// SPDX-License-Identifier: GPL-2.0-or-later
#include "xattrnames.h"

#include <array>

namespace strata::ovl {

namespace {

constexpr std::string_view kTrustedPrefix = "trusted.overlay.";
constexpr std::string_view kUserPrefix = "user.overlay.";
// OVL_XATTR_ESCAPE_PREFIX (fs/overlayfs/overlayfs.h): one "overlay." per nesting level.
constexpr std::string_view kEscape = "overlay.";

// The postfixes of fs/overlayfs/util.c ovl_xattr_table, in enum ovl_xattr order,
// then the 6.7.0-era directory marker that was replaced by opaque=x.
constexpr std::array<std::string_view, 11> kSuffixes = {
    "opaque", "redirect", "origin", "impure", "nlink", "upper", "uuid", "metacopy", "protattr", "whiteout", "whiteouts",
};

std::optional<Attr> attrOf(std::string_view rest)
{
    for (size_t i = 0; i < kSuffixes.size(); ++i)
        if (kSuffixes[i] == rest)
            return static_cast<Attr>(i);
    return std::nullopt;
}

} // namespace

std::string_view prefix(Namespace ns)
{
    return ns == Namespace::Trusted ? kTrustedPrefix : kUserPrefix;
}

std::string_view suffix(Attr a)
{
    return kSuffixes[static_cast<size_t>(a)];
}

std::string name(Namespace ns, Attr a)
{
    std::string out(prefix(ns));
    out += suffix(a);
    return out;
}

std::string_view namespaceLabel(Namespace ns)
{
    return ns == Namespace::Trusted ? "trusted" : "user";
}

std::optional<ParsedName> parseName(std::string_view xattr)
{
    ParsedName p {};
    if (xattr.starts_with(kTrustedPrefix)) {
        p.ns = Namespace::Trusted;
        xattr.remove_prefix(kTrustedPrefix.size());
    } else if (xattr.starts_with(kUserPrefix)) {
        p.ns = Namespace::User;
        xattr.remove_prefix(kUserPrefix.size());
    } else {
        return std::nullopt;
    }
    // Kernel xattrs.c ovl_is_escaped_xattr: a name is escaped when "overlay." follows
    // the namespace prefix; each level of nesting adds one more.
    // (The trusted check there compares one byte short, so "trusted.overlay.overlayX"
    // also counts as escaped to the kernel; such names are not overlay metadata at any
    // level and are not treated as escaped here.)
    while (xattr.starts_with(kEscape)) {
        ++p.escapeDepth;
        xattr.remove_prefix(kEscape.size());
    }
    p.rest = xattr;
    p.attr = attrOf(xattr);
    return p;
}

std::optional<std::string> escapeName(std::string_view xattr)
{
    const auto p = parseName(xattr);
    if (!p)
        return std::nullopt;
    // ovl_xattr_escape_name: prefix + "overlay." + name.
    std::string out(prefix(p->ns));
    out += kEscape;
    out += xattr.substr(prefix(p->ns).size());
    return out;
}

std::optional<std::string> unescapeName(std::string_view xattr)
{
    const auto p = parseName(xattr);
    if (!p || p->escapeDepth == 0)
        return std::nullopt;
    // ovl_listxattr: one "overlay." is removed per listing through one overlay.
    std::string out(prefix(p->ns));
    out += xattr.substr(prefix(p->ns).size() + kEscape.size());
    return out;
}

} // namespace strata::ovl
