// SPDX-License-Identifier: GPL-2.0-or-later
#include "layerstack.h"

#include "fsidentity.h"
#include "nsdetect.h"
#include "util/xattrio.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::stack {

std::string_view roleName(Role r)
{
    switch (r) {
    case Role::Upper:
        return "upper";
    case Role::Lower:
        return "lower";
    case Role::DataOnly:
        return "data";
    }
    return "lower";
}

namespace {

std::string layerLabel(Role role, size_t n)
{
    switch (role) {
    case Role::Upper:
        return "upper layer";
    case Role::DataOnly:
        return "data-only layer " + std::to_string(n + 1);
    case Role::Lower:
        break;
    }
    return "lower layer " + std::to_string(n + 1);
}

Result<Layer> openLayer(const std::string &path, Role role, size_t n)
{
    const std::string label = layerLabel(role, n);
    if (path.empty())
        return fail(makeError(label, "empty path"));
    Layer layer;
    layer.role = role;
    layer.path = path;
    layer.fd.reset(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!layer.fd) {
        const int err = errno;
        if (err == ENOTDIR)
            return fail(makeError(path, label + " is not a directory", err));
        if (err == ENOENT)
            return fail(makeError(path, label + " does not exist", err));
        return fail(sysError(err, path, "cannot open " + label));
    }
    // O_PATH succeeds on unreadable dirs; the inspector needs to list them.
    const int probe = ::openat(layer.fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (probe < 0)
        return fail(sysError(errno, path, label + " is not readable"));
    ::close(probe);
    struct stat st {};
    if (::fstat(layer.fd.get(), &st) != 0)
        return fail(sysError(errno, path, "cannot stat " + label));
    layer.rootIno = st.st_ino;
    char real[PATH_MAX];
    layer.realPath = ::realpath(path.c_str(), real) ? std::string(real) : path;
    auto fs = fsIdentityOf(layer.fd.get());
    if (!fs)
        return fail(makeError(path, fs.error().reason, fs.error().code));
    layer.fs = std::move(*fs);
    return layer;
}

bool optionIs(const StackSpec &spec, std::string_view key, std::initializer_list<std::string_view> values)
{
    const auto *v = spec.option(key);
    if (!v)
        return false;
    for (const auto value : values)
        if (v->has_value() && **v == value)
            return true;
    return false;
}

} // namespace

Result<std::shared_ptr<LayerStack>> LayerStack::build(StackSpec spec)
{
    if (spec.lower.empty() && !spec.upper)
        return fail(makeError("stack", "no layers: give at least one lower layer"));
    if (spec.work && !spec.upper)
        return fail(makeError(*spec.work, "a work directory was given without an upper layer"));

    auto stack = std::shared_ptr<LayerStack>(new LayerStack());
    if (spec.upper) {
        auto layer = openLayer(*spec.upper, Role::Upper, 0);
        if (!layer)
            return fail(layer.error());
        stack->m_layers.push_back(std::move(*layer));
    }
    for (size_t i = 0; i < spec.lower.size(); ++i) {
        auto layer = openLayer(spec.lower[i], Role::Lower, i);
        if (!layer)
            return fail(layer.error());
        stack->m_layers.push_back(std::move(*layer));
    }
    stack->m_mergedCount = stack->m_layers.size();
    for (size_t i = 0; i < spec.data.size(); ++i) {
        auto layer = openLayer(spec.data[i], Role::DataOnly, i);
        if (!layer)
            return fail(layer.error());
        stack->m_layers.push_back(std::move(*layer));
    }
    for (size_t i = 0; i < stack->m_layers.size(); ++i)
        stack->m_layers[i].index = static_cast<int>(i);

    if (spec.xattrNamespace) {
        stack->m_ns = *spec.xattrNamespace;
    } else if (spec.option("userxattr")) {
        stack->m_ns = ovl::Namespace::User;
    } else {
        stack->m_ns = detectNamespace(stack->m_layers);
    }
    spec.xattrNamespace = stack->m_ns;
    stack->m_canReadXattrs = stack->m_ns == ovl::Namespace::User || canReadTrustedXattrs();

    // redirect_dir=off/nofollow: the kernel refuses to follow redirects (EPERM on
    // lookup) unless the redirect_always_follow module parameter says otherwise.
    if (optionIs(spec, "redirect_dir", {"nofollow"}))
        stack->m_redirectFollow = false;
    if (optionIs(spec, "redirect_dir", {"off"}))
        stack->m_redirectFollow = readModuleBool("redirect_always_follow").value_or(true);
    // metacopy=off makes the kernel refuse metacopy files (EPERM); without the
    // option a mount follows the module default, and a stack of directories is
    // taken as meant to be mounted with metacopy=on when it holds metacopy files.
    if (optionIs(spec, "metacopy", {"off"}))
        stack->m_metacopy = false;
    else if (!spec.option("metacopy") && spec.sourceKind == "mount")
        stack->m_metacopy = readModuleBool("metacopy").value_or(false);

    // params.c ovl_fs_params_verify(): with userxattr the kernel "silently disables
    // default setting of redirect and metacopy" (explicit values are refused at mount).
    if (spec.option("userxattr")) {
        stack->m_redirectFollow = false;
        stack->m_metacopy = false;
    }
    stack->m_spec = std::move(spec);
    return stack;
}

Result<std::shared_ptr<const LayerStack>> LayerStack::fromSpec(const StackSpec &spec)
{
    StackSpec copy = spec;
    if (copy.sourceKind.empty())
        copy.sourceKind = "directories";
    auto built = build(std::move(copy));
    if (!built)
        return fail(built.error());
    return std::shared_ptr<const LayerStack>(std::move(*built));
}

Result<std::shared_ptr<const LayerStack>> LayerStack::fromStackFile(const std::string &path)
{
    auto spec = readStackFile(path);
    if (!spec)
        return fail(spec.error());
    spec->sourceKind = "file";
    auto built = build(std::move(*spec));
    if (!built)
        return fail(built.error());
    return std::shared_ptr<const LayerStack>(std::move(*built));
}

} // namespace strata::stack
