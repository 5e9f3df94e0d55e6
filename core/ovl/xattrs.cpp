// SPDX-License-Identifier: GPL-2.0-or-later
#include "xattrs.h"

#include "util/xattrio.h"

#include <cerrno>
#include <type_traits>

namespace strata::ovl {

namespace {

// Parsers report the attribute in their reason but know no path: add it here.
template<class T>
Result<std::optional<T>> withSubject(Result<T> r, const std::string &subject)
{
    if (!r) {
        Error e = std::move(r.error());
        e.subject = subject;
        return fail(std::move(e));
    }
    return std::optional<T>(std::move(*r));
}

// raw value -> absent, parsed, or the parser's error with this object as subject.
template<class Parse>
auto readParsed(const XattrReader &x, Attr a, const std::string &subject, Parse parse)
    -> Result<std::optional<typename std::invoke_result_t<Parse, const std::string &>::value_type>>
{
    using T = typename std::invoke_result_t<Parse, const std::string &>::value_type;
    auto v = x.raw(a);
    if (!v)
        return fail(v.error());
    if (!*v)
        return std::optional<T> {};
    return withSubject(parse(**v), subject);
}

Result<std::optional<FileHandle>> readHandle(const XattrReader &x, Attr a, const std::string &subject)
{
    auto raw = x.raw(a);
    if (!raw)
        return fail(raw.error());
    if (!*raw)
        return std::optional<FileHandle> {};
    const std::string label(suffix(a));
    // namei.c ovl_get_fh: a zero-size value means "copied up, origin unknown".
    if ((*raw)->empty())
        return fail(makeError(subject, label + ": empty value (copied up, origin unknown)", ENODATA));
    auto fh = decodeFileHandle(asBytes(**raw));
    if (!fh) {
        Error e = fh.error();
        e.subject = subject;
        e.reason = label + ": " + e.reason;
        return fail(std::move(e));
    }
    return std::optional<FileHandle>(std::move(*fh));
}

Result<void> set(int dirfd, const std::string &name, Namespace ns, Attr a, std::string_view value)
{
    return setXattrAt(dirfd, name, ovl::name(ns, a), value);
}

} // namespace

Result<AttrSet> presentAttrs(int dirfd, const std::string &name, Namespace ns)
{
    auto names = listXattrsAt(dirfd, name);
    if (!names)
        return fail(names.error());
    AttrSet set;
    for (const std::string &n : *names) {
        const auto parsed = parseName(n);
        if (parsed && parsed->ns == ns && parsed->escapeDepth == 0 && parsed->attr)
            set.add(*parsed->attr);
    }
    return set;
}

Result<std::optional<std::string>> XattrReader::raw(Attr a) const
{
    if (m_presentKnown && !m_present.has(a))
        return std::optional<std::string> {};
    return getXattrAt(m_dirfd, m_name, name(m_ns, a));
}

Result<std::optional<Opaque>> XattrReader::opaque() const
{
    return readParsed(*this, Attr::Opaque, m_name, [](const std::string &v) { return parseOpaque(v); });
}

Result<std::optional<Redirect>> XattrReader::redirect() const
{
    return readParsed(*this, Attr::Redirect, m_name, [](const std::string &v) { return parseRedirect(v); });
}

Result<std::optional<FileHandle>> XattrReader::origin() const
{
    return readHandle(*this, Attr::Origin, m_name);
}

Result<std::optional<FileHandle>> XattrReader::upper() const
{
    return readHandle(*this, Attr::Upper, m_name);
}

Result<std::optional<Metacopy>> XattrReader::metacopy() const
{
    return readParsed(*this, Attr::Metacopy, m_name, [](const std::string &v) { return parseMetacopy(asBytes(v)); });
}

Result<std::optional<Nlink>> XattrReader::nlink() const
{
    return readParsed(*this, Attr::Nlink, m_name, [](const std::string &v) { return parseNlink(v); });
}

Result<std::optional<Protattr>> XattrReader::protattr() const
{
    return readParsed(*this, Attr::Protattr, m_name, [](const std::string &v) { return parseProtattr(v); });
}

Result<bool> XattrReader::impure() const
{
    auto v = raw(Attr::Impure);
    if (!v)
        return fail(v.error());
    if (!*v)
        return false;
    if (auto r = parseImpure(**v); !r) {
        Error e = r.error();
        e.subject = m_name;
        return fail(std::move(e));
    }
    return true;
}

Result<bool> XattrReader::whiteoutMarker() const
{
    auto v = raw(Attr::Whiteout);
    if (!v)
        return fail(v.error());
    return v->has_value();
}

// dir.c ovl_set_opaque_xerr writes the single byte "y"; "x" is only ever written by
// layer composers (the kernel reads it, namei.c ovl_lookup_single).
Result<void> setOpaque(int dirfd, const std::string &name, Namespace ns, Opaque o)
{
    return set(dirfd, name, ns, Attr::Opaque, o == Opaque::Yes ? "y" : "x");
}

// dir.c ovl_set_redirect: strlen(redirect) bytes, no trailing NUL.
Result<void> setRedirect(int dirfd, const std::string &name, Namespace ns, std::string_view path)
{
    if (auto r = parseRedirect(path); !r) {
        Error e = r.error();
        e.subject = name;
        return fail(std::move(e));
    }
    return set(dirfd, name, ns, Attr::Redirect, path);
}

// copy_up.c ovl_set_origin_fh: fh->fb.len bytes of the wire form, or an empty value
// when the lower fs cannot decode handles.
Result<void> setOrigin(int dirfd, const std::string &name, Namespace ns, const FileHandle *fh)
{
    if (!fh)
        return set(dirfd, name, ns, Attr::Origin, {});
    const auto bytes = encodeFileHandle(*fh);
    return set(dirfd, name, ns, Attr::Origin,
               std::string_view(reinterpret_cast<const char *>(bytes.data()), bytes.size()));
}

// util.c ovl_set_impure: "y", 1 byte.
Result<void> setImpure(int dirfd, const std::string &name, Namespace ns)
{
    return set(dirfd, name, ns, Attr::Impure, "y");
}

// util.c ovl_set_metacopy_xattr (see encodeMetacopy for the empty fallback).
Result<void> setMetacopy(int dirfd, const std::string &name, Namespace ns, const Metacopy *m)
{
    const auto bytes = m ? encodeMetacopy(*m) : std::vector<uint8_t> {};
    return set(dirfd, name, ns, Attr::Metacopy,
               std::string_view(reinterpret_cast<const char *>(bytes.data()), bytes.size()));
}

// inode.c ovl_set_nlink_common: "U%+i" / "L%+i", no NUL.
Result<void> setNlink(int dirfd, const std::string &name, Namespace ns, Nlink n)
{
    return set(dirfd, name, ns, Attr::Nlink, encodeNlink(n));
}

} // namespace strata::ovl
