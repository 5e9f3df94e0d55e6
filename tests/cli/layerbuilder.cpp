// SPDX-License-Identifier: GPL-2.0-or-later
#include "layerbuilder.h"

#include "ovl/values.h"
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"
#include "util/uniquefd.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::test {

LayerBuilder::LayerBuilder(std::string root, ovl::Namespace ns)
    : m_root(std::move(root))
    , m_ns(ns)
{
    for (size_t i = 1; i <= m_root.size(); ++i)
        if (i == m_root.size() || m_root[i] == '/')
            ::mkdir(m_root.substr(0, i).c_str(), 0755);
}

std::string LayerBuilder::dir(const std::string &rel) const
{
    for (size_t i = 0; i <= rel.size(); ++i) {
        if (i < rel.size() && rel[i] != '/')
            continue;
        const std::string p = *this / rel.substr(0, i);
        if (::mkdir(p.c_str(), 0755) != 0 && errno != EEXIST)
            return p + ": " + std::strerror(errno);
    }
    return {};
}

std::string LayerBuilder::file(const std::string &rel, const std::string &content) const
{
    if (const size_t slash = rel.rfind('/'); slash != std::string::npos)
        if (auto e = dir(rel.substr(0, slash)); !e.empty())
            return e;
    const UniqueFd fd(::open((*this / rel).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd)
        return *this / rel + ": " + std::strerror(errno);
    if (::write(fd.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size()))
        return *this / rel + ": short write";
    return {};
}

template<class Fn>
std::string LayerBuilder::at(const std::string &rel, Fn fn) const
{
    const size_t slash = rel.rfind('/');
    const std::string parent = slash == std::string::npos ? "" : rel.substr(0, slash);
    if (auto e = dir(parent); !e.empty())
        return e;
    const UniqueFd fd(::open((*this / parent).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return *this / parent + ": " + std::strerror(errno);
    auto r = fn(fd.get(), slash == std::string::npos ? rel : rel.substr(slash + 1));
    return r ? std::string() : r.error().message();
}

std::string LayerBuilder::whiteout(const std::string &rel) const
{
    return at(rel, [](int fd, const std::string &name) { return ovl::makeWhiteout(fd, name); });
}

std::string LayerBuilder::xattrWhiteout(const std::string &rel) const
{
    return at(rel, [&](int fd, const std::string &name) { return ovl::makeXattrWhiteout(fd, name, m_ns); });
}

std::string LayerBuilder::opaque(const std::string &rel, bool xwhiteouts) const
{
    if (auto e = dir(rel); !e.empty())
        return e;
    return at(rel, [&](int fd, const std::string &name) {
        return ovl::setOpaque(fd, name, m_ns, xwhiteouts ? ovl::Opaque::XWhiteouts : ovl::Opaque::Yes);
    });
}

std::string LayerBuilder::redirect(const std::string &rel, const std::string &to) const
{
    if (auto e = dir(rel); !e.empty())
        return e;
    return at(rel, [&](int fd, const std::string &name) { return ovl::setRedirect(fd, name, m_ns, to); });
}

} // namespace strata::test
