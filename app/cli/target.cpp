// SPDX-License-Identifier: GPL-2.0-or-later
#include "target.h"

#include "lowerlist.h"
#include "mounts/overlayoptions.h"
#include "stack/layerlayout.h"

#include <cerrno>
#include <sys/stat.h>

namespace strata::cli {

using stack::LayerStack;
using stack::StackSpec;

const char *const kTargetHelp = R"(TARGET is one of
  MOUNTPOINT               a mounted kernel overlay
  STACKFILE                a stack file (written by `stratactl save`)
  --layout DIR             layers as they lie on disk, as the app opens them: a
                           Docker/Podman overlay layer dir (diff/ and its `lower`
                           file), a dir of lowerN/ upper/ work/, or one layer dir
  --lower A:B              lower layers, top first; write \: for a colon in a path,
                           or repeat --lower once per layer (each value verbatim)
  --upper DIR              the upper layer
  --work DIR               the work directory (needs --upper)
  --data D1:D2             data-only layers (reached only through metacopy redirects)
  --userxattr              as if mounted with userxattr: user.overlay.* xattrs, and
                           redirects and metacopy off as the kernel then has them
  --xattr-namespace NS     read overlay xattrs from NS (user or trusted) without the
                           implications of --userxattr; default: detect from the layers
  -o, --option KEY[=VAL]   a mount option the stack is meant for (redirect_dir=on, ...)
)";

namespace {

Result<std::optional<ovl::Namespace>> namespaceOption(const ParsedArgs &args)
{
    const std::string *ns = args.last("xattr-namespace");
    if (!ns)
        return std::nullopt;
    if (*ns == "user")
        return ovl::Namespace::User;
    if (*ns == "trusted")
        return ovl::Namespace::Trusted;
    return fail(makeError("--xattr-namespace", "'" + *ns + "' is not a namespace (user or trusted)"));
}

// --xattr-namespace, --userxattr and --option: they describe how the stack is meant
// to be mounted, for layer options and stack files alike.
Result<void> applyStackOptions(const ParsedArgs &args, StackSpec &spec)
{
    auto ns = namespaceOption(args);
    if (!ns)
        return fail(ns.error());
    if (*ns)
        spec.xattrNamespace = *ns;
    for (const auto &o : args.all("option")) {
        const size_t eq = o.find('=');
        const std::string key = o.substr(0, eq);
        if (key.empty())
            return fail(makeError("--option", "'" + o + "' has no option name"));
        if (key == "lowerdir" || key == "upperdir" || key == "workdir" || key == "lowerdir+" || key == "datadir+")
            return fail(makeError("--option", "give layers with --lower, --upper, --work and --data, not " + key));
        spec.options.emplace_back(key, eq == std::string::npos ? std::nullopt : std::optional(o.substr(eq + 1)));
    }
    if (args.has("userxattr")) {
        if (*ns == ovl::Namespace::Trusted)
            return fail(makeError("--userxattr", "contradicts --xattr-namespace trusted"));
        spec.options.emplace_back("userxattr", std::nullopt);
        spec.xattrNamespace = ovl::Namespace::User;
    }
    return {};
}

CommandError usage(Error e)
{
    return CommandError {ExitUsage, std::move(e)};
}

} // namespace

bool hasLayerOptions(const ParsedArgs &args)
{
    return args.has("lower") || args.has("upper") || args.has("work") || args.has("data") || args.has("layout");
}

namespace {

// --layout DIR: the same core code as the app's "Open Layer Directory". Usage errors
// (a malformed option) are told apart from a directory that cannot be read.
std::expected<StackSpec, CommandError> specFromLayout(const ParsedArgs &args)
{
    for (const char *other : {"lower", "upper", "work", "data"})
        if (args.has(other))
            return std::unexpected(
                usage(makeError("--layout", std::string("not with --") + other + ": the layout names every layer")));
    if (args.count("layout") > 1)
        return std::unexpected(usage(makeError("--layout", "given more than once")));
    const std::string &dir = *args.last("layout");
    if (dir.empty())
        return std::unexpected(usage(makeError("--layout", "empty path")));
    auto spec = stack::specFromLayerDirectory(dir);
    if (!spec)
        return std::unexpected(CommandError {ExitFailed, spec.error()});
    if (auto r = applyStackOptions(args, *spec); !r)
        return std::unexpected(usage(r.error()));
    return std::move(*spec);
}

} // namespace

Result<StackSpec> specFromOptions(const ParsedArgs &args)
{
    StackSpec spec;
    spec.sourceKind = "directories";
    if (args.has("lower")) {
        auto lowers = layerPaths(args.all("lower"), "lower");
        if (!lowers)
            return fail(lowers.error());
        spec.lower = std::move(*lowers);
    }
    if (args.has("data")) {
        auto data = layerPaths(args.all("data"), "data");
        if (!data)
            return fail(data.error());
        spec.data = std::move(*data);
    }
    for (const char *single : {"upper", "work"}) {
        if (args.count(single) > 1)
            return fail(makeError(std::string("--") + single, "given more than once"));
        if (const std::string *v = args.last(single); v && v->empty())
            return fail(makeError(std::string("--") + single, "empty path"));
    }
    if (const std::string *u = args.last("upper"))
        spec.upper = *u;
    if (const std::string *w = args.last("work"))
        spec.work = *w;
    if (spec.work && !spec.upper)
        return fail(makeError("--work", "a work directory needs --upper"));
    if (spec.lower.empty() && !spec.upper)
        return fail(makeError("--lower", "no layers: give at least one --lower (or an --upper)"));
    if (!spec.data.empty() && spec.lower.empty())
        return fail(makeError("--data", "data-only layers need at least one --lower"));

    if (auto r = applyStackOptions(args, spec); !r)
        return fail(r.error());
    return spec;
}

std::expected<TargetSource, CommandError> resolveTarget(const ParsedArgs &args, std::vector<std::string> &positionals)
{
    if (args.has("layout")) {
        auto spec = specFromLayout(args);
        if (!spec)
            return std::unexpected(spec.error());
        return TargetSource {"layer-directory", *args.last("layout"), std::move(*spec)};
    }
    if (hasLayerOptions(args)) {
        auto spec = specFromOptions(args);
        if (!spec)
            return std::unexpected(usage(spec.error()));
        return TargetSource {"directories", {}, std::move(*spec)};
    }
    if (positionals.empty())
        return std::unexpected(usage(
            makeError("TARGET", "missing: give a mount point, a stack file, or the layers with --lower or --layout")));
    const std::string target = positionals.front();
    positionals.erase(positionals.begin());
    if (target.empty())
        return std::unexpected(usage(makeError("TARGET", "empty path")));
    struct stat st {};
    const bool file = ::stat(target.c_str(), &st) == 0 && S_ISREG(st.st_mode);
    if (!file) {
        // A stack file may leave the namespace to detection; a mount records its own.
        if (args.has("userxattr") || args.has("xattr-namespace") || args.has("option"))
            return std::unexpected(usage(makeError(target,
                                                   "--userxattr, --xattr-namespace and --option apply to "
                                                   "--lower/--upper stacks and stack files, not to mounts")));
        return TargetSource {"path", target, std::nullopt};
    }
    auto spec = stack::readStackFile(target);
    if (!spec)
        return std::unexpected(CommandError {ExitFailed, spec.error()});
    if (auto r = applyStackOptions(args, *spec); !r)
        return std::unexpected(usage(r.error()));
    spec->sourceKind = "file";
    return TargetSource {"file", target, std::move(*spec)};
}

namespace {

std::string shellQuoted(const std::string &s)
{
    const bool plain = !s.empty()
        && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                               "/._-+=:,@%")
            == std::string::npos;
    if (plain)
        return s;
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

} // namespace

std::string targetArgs(const TargetSource &source)
{
    if (source.kind == "layer-directory")
        return "--layout " + shellQuoted(source.name);
    if (source.kind != "directories" || !source.spec)
        return shellQuoted(source.name);
    std::string out;
    auto add = [&](const char *option, const std::string &value) {
        out += (out.empty() ? "" : " ") + std::string(option) + " " + shellQuoted(value);
    };
    // Repeated, each --lower value is one path verbatim; alone, a colon list (layerPaths).
    auto addLayers = [&](const char *option, const std::vector<std::string> &paths) {
        for (const auto &p : paths)
            add(option, paths.size() == 1 ? mounts::escapeLayerPath(p) : p);
    };
    addLayers("--lower", source.spec->lower);
    addLayers("--data", source.spec->data);
    if (source.spec->upper)
        add("--upper", *source.spec->upper);
    if (source.spec->work)
        add("--work", *source.spec->work);
    for (const auto &[key, value] : source.spec->options)
        add("-o", value ? key + "=" + *value : key);
    return out;
}

std::expected<std::shared_ptr<const LayerStack>, CommandError> openTarget(const ParsedArgs &args,
                                                                          std::vector<std::string> &positionals)
{
    auto source = resolveTarget(args, positionals);
    if (!source)
        return std::unexpected(source.error());
    auto stack = source->spec ? LayerStack::fromSpec(*source->spec) : LayerStack::open(source->name);
    if (!stack)
        return std::unexpected(CommandError {ExitFailed, stack.error()});
    return *stack;
}

} // namespace strata::cli
