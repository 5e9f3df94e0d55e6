// SPDX-License-Identifier: GPL-2.0-or-later
#include "overlayoptions.h"

#include <array>
#include <cerrno>

namespace strata::mounts {

namespace {

// mount(2) copies one page of option data, NUL included.
constexpr size_t kLegacyDataMax = 4096 - 1;

bool isOctal(char c)
{
    return c >= '0' && c <= '7';
}

Error optionError(std::string_view option, std::string_view reason)
{
    return makeError(option, reason, EINVAL);
}

// One layer of lowerdir+=, datadir+=, upperdir=, workdir=: never empty.
Result<std::string> layerValue(const OverlayOption &opt, bool unescape)
{
    if (!opt.value || opt.value->empty())
        return fail(optionError(opt.key, "empty layer path"));
    std::string path = unescape ? unescapeLayerPath(*opt.value) : *opt.value;
    if (path.empty())
        return fail(optionError(opt.key, "empty layer path"));
    return path;
}

// Mirrors the order rules of ovl_mount_dir_check / ovl_parse_param_lowerdir.
Result<void> addPerLayer(OverlayOptions &out, const OverlayOption &opt, bool data)
{
    if (out.lowerSyntax == LowerSyntax::Legacy)
        return fail(optionError(opt.key, "lowerdir+ and datadir+ cannot follow lowerdir"));
    if (!data && !out.dataLayers.empty())
        return fail(optionError(opt.key, "regular lower layers cannot follow data layers"));
    if (out.lowers.size() + out.dataLayers.size() >= kMaxLowerLayers)
        return fail(optionError(opt.key, "too many lower directories, limit is 500"));
    // lowerdir+ and datadir+ are looked up verbatim (ovl_mount_dir_noesc).
    auto path = layerValue(opt, false);
    if (!path)
        return fail(path.error());
    (data ? out.dataLayers : out.lowers).push_back(std::move(*path));
    out.lowerSyntax = LowerSyntax::PerLayer;
    return {};
}

} // namespace

namespace {

struct KnownOption {
    std::string_view key;
    std::array<std::string_view, 4> values {}; // all empty: a flag without value
};

// fs/overlayfs/params.c ovl_parameter_spec, plus the generic superblock flags
// mountinfo shows first ("rw"/"ro").
const KnownOption kKnownOptions[] = {
    {"default_permissions", {}},
    {"userxattr", {}},
    {"volatile", {}},
    {"override_creds", {}},
    {"nooverride_creds", {}},
    {"ro", {}},
    {"rw", {}},
    {"redirect_dir", {"on", "follow", "nofollow", "off"}},
    {"index", {"on", "off"}},
    {"uuid", {"off", "null", "auto", "on"}},
    {"nfs_export", {"on", "off"}},
    {"xino", {"off", "auto", "on"}},
    {"metacopy", {"on", "off"}},
    {"verity", {"off", "on", "require"}},
    {"fsync", {"volatile", "auto", "strict"}},
};

} // namespace

Result<void> checkOverlayOption(const OverlayOption &option)
{
    for (const auto &known : kKnownOptions) {
        if (known.key != option.key)
            continue;
        if (known.values[0].empty()) {
            if (option.value)
                return fail(optionError(option.key, "is a flag and takes no value"));
            return {};
        }
        if (!option.value)
            return fail(optionError(option.key, "needs a value"));
        std::string allowed;
        for (auto v : known.values) {
            if (v.empty())
                continue;
            if (v == *option.value)
                return {};
            allowed += (allowed.empty() ? "" : ", ") + std::string(v);
        }
        return fail(optionError(option.key, "value '" + *option.value + "' is not one of " + allowed));
    }
    return fail(optionError(option.key, "not an overlay mount option Strata passes on"));
}

std::optional<std::string> OverlayOptions::value(std::string_view key) const
{
    for (auto it = others.rbegin(); it != others.rend(); ++it)
        if (it->key == key)
            return it->value;
    return std::nullopt;
}

bool OverlayOptions::has(std::string_view key) const
{
    for (const auto &o : others)
        if (o.key == key)
            return true;
    return false;
}

bool mountsVolatile(std::span<const OverlayOption> options)
{
    for (const auto &o : options)
        if ((o.key == "volatile" && !o.value) || (o.key == "fsync" && o.value == "volatile"))
            return true;
    return false;
}

std::string decodeOctalEscapes(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && isOctal(s[i + 1]) && isOctal(s[i + 2]) && isOctal(s[i + 3])) {
            out += static_cast<char>(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0'));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string unescapeLayerPath(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\') {
            if (++i == s.size())
                break; // a lone trailing backslash is dropped, as ovl_unescape does
        }
        out += s[i];
    }
    return out;
}

std::string escapeLayerPath(std::string_view path)
{
    std::string out;
    out.reserve(path.size());
    for (char c : path) {
        if (c == '\\' || c == ':' || c == ',')
            out += '\\';
        out += c;
    }
    return out;
}

Result<LowerLayers> splitLowerdir(std::string_view value)
{
    LowerLayers out;
    if (value.empty())
        return out; // "lowerdir=" drops all lower layers: valid, and empty
    if (value.front() == ':')
        return fail(optionError("lowerdir", "cannot append lower layer: the value starts with ':'"));

    // Segments between runs of unescaped colons; the run before a segment says
    // whether it is regular (":") or data-only ("::"). Escapes stay in the segment
    // until the segment is complete, exactly like the kernel's two passes.
    std::string segment;
    bool segmentIsData = false;
    auto finish = [&]() -> Result<void> {
        std::string path = unescapeLayerPath(segment);
        if (path.empty())
            return fail(optionError("lowerdir", "empty lowerdir"));
        if (segmentIsData) {
            out.dataLayers.push_back(std::move(path));
        } else {
            if (!out.dataLayers.empty())
                return fail(optionError("lowerdir", "regular lower layers cannot follow data lower layers"));
            out.lowers.push_back(std::move(path));
        }
        if (out.lowers.size() + out.dataLayers.size() > kMaxLowerLayers)
            return fail(optionError("lowerdir", "too many lower directories, limit is 500"));
        segment.clear();
        return {};
    };

    for (size_t i = 0; i < value.size();) {
        const char c = value[i];
        if (c == '\\') {
            // The kernel escapes the terminating NUL too; its colon count is then
            // still that of the run before, so "a:\\" fails as trailing colons.
            if (i + 1 == value.size() && segment.empty() && i > 0 && value[i - 1] == ':')
                return fail(optionError("lowerdir", "unescaped trailing colons in lowerdir"));
            segment += c;
            if (i + 1 < value.size())
                segment += value[i + 1];
            i += 2;
            continue;
        }
        if (c != ':') {
            segment += c;
            ++i;
            continue;
        }
        size_t run = 0;
        while (i + run < value.size() && value[i + run] == ':')
            ++run;
        if (run > 2)
            return fail(optionError(
                "lowerdir", "only single ':' or double '::' sequences of unescaped colons are allowed in lowerdir"));
        if (i + run == value.size())
            return fail(optionError("lowerdir", "unescaped trailing colons in lowerdir"));
        if (auto r = finish(); !r)
            return fail(r.error());
        segmentIsData = run == 2;
        i += run;
    }
    if (auto r = finish(); !r)
        return fail(r.error());
    return out;
}

Result<OverlayOptions> parseOverlayOptions(std::string_view mountinfoOptions)
{
    OverlayOptions out;
    std::string_view rest = mountinfoOptions;
    while (true) {
        const size_t comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        if (!item.empty()) {
            // seq_show_option escapes '=' in keys and ',' in both, so the first raw
            // '=' and every raw ',' are structure.
            OverlayOption opt;
            const size_t eq = item.find('=');
            opt.key = decodeOctalEscapes(item.substr(0, eq));
            if (eq != std::string_view::npos)
                opt.value = decodeOctalEscapes(item.substr(eq + 1));
            if (opt.key.empty())
                return fail(optionError(item, "option without a name"));

            if (opt.key == "lowerdir") {
                if (!opt.value)
                    return fail(optionError(opt.key, "lowerdir without a value"));
                auto layers = splitLowerdir(*opt.value);
                if (!layers)
                    return fail(layers.error());
                // A later lowerdir= replaces every earlier lower layer (ovl_reset_lowerdirs).
                out.lowers = std::move(layers->lowers);
                out.dataLayers = std::move(layers->dataLayers);
                out.lowerSyntax = out.lowers.empty() ? LowerSyntax::None : LowerSyntax::Legacy;
            } else if (opt.key == "lowerdir+" || opt.key == "datadir+") {
                if (auto r = addPerLayer(out, opt, opt.key == "datadir+"); !r)
                    return fail(r.error());
            } else if (opt.key == "upperdir" || opt.key == "workdir") {
                // The kernel stores the string it was given and unescapes it on lookup
                // (ovl_mount_dir), so the shown string carries overlayfs escapes.
                auto path = layerValue(opt, true);
                if (!path)
                    return fail(path.error());
                (opt.key == "upperdir" ? out.upper : out.work) = std::move(*path);
            } else {
                out.others.push_back(std::move(opt));
            }
        }
        if (comma == std::string_view::npos)
            break;
        rest.remove_prefix(comma + 1);
    }
    if (!out.dataLayers.empty() && out.lowers.empty())
        return fail(optionError("datadir+", "data-only layers need at least one regular lower layer"));
    return out;
}

Result<std::string> formatLowerdir(std::span<const std::string> lowers, std::span<const std::string> dataLayers)
{
    if (lowers.empty())
        return fail(optionError("lowerdir", "no regular lower layer"));
    if (lowers.size() + dataLayers.size() > kMaxLowerLayers)
        return fail(optionError("lowerdir", "too many lower directories, limit is 500"));
    std::string out;
    for (size_t i = 0; i < lowers.size(); ++i) {
        if (lowers[i].empty())
            return fail(optionError("lowerdir", "empty layer path"));
        if (i)
            out += ':';
        out += escapeLayerPath(lowers[i]);
    }
    for (const auto &d : dataLayers) {
        if (d.empty())
            return fail(optionError("lowerdir", "empty layer path"));
        out += "::";
        out += escapeLayerPath(d);
    }
    return out;
}

Result<std::string> formatLegacyMountData(const OverlayOptions &options, bool pageLimit)
{
    auto lower = formatLowerdir(options.lowers, options.dataLayers);
    if (!lower)
        return fail(lower.error());
    std::string out = "lowerdir=" + *lower;
    for (const auto &[key, path] : {std::pair {"upperdir", &options.upper}, std::pair {"workdir", &options.work}}) {
        if (!*path)
            continue;
        if ((*path)->empty())
            return fail(optionError(key, "empty layer path"));
        out += std::string(",") + key + "=" + escapeLayerPath(**path);
    }
    for (const auto &o : options.others) {
        if (o.key.find_first_of(",=") != std::string::npos || (o.value && o.value->find(',') != std::string::npos))
            return fail(optionError(o.key, "option name or value holds ',' or '='"));
        out += ',' + o.key;
        if (o.value)
            out += '=' + *o.value;
    }
    if (pageLimit && out.size() > kLegacyDataMax)
        return fail(optionError("mount data",
                                "longer than the one page mount(2) accepts (" + std::to_string(out.size())
                                    + " bytes); use the new mount API (lowerdir+)"));
    return out;
}

} // namespace strata::mounts
