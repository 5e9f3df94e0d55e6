// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl mounts: every overlay and FUSE union mount this process can see.
#include "commands.h"
#include "mounts/mounttable.h"
#include "mounts/overlayoptions.h"
#include "report.h"
#include "table.h"
#include "textformat.h"
#include "util/displayname.h"

namespace strata::cli {

namespace {

Json pathsJson(const std::vector<std::string> &paths)
{
    Json arr = Json::array();
    for (const auto &p : paths)
        arr.push_back(pathJson(p));
    return arr;
}

struct Described {
    Json json;
    std::string layersText;
};

// Only kernel overlayfs publishes its layers in the mount table; FUSE unions keep
// them in their own command line or configuration.
Described describe(const mounts::MountEntry &m, Report &report)
{
    Described d;
    Json &j = d.json;
    j["id"] = m.id;
    j["fstype"] = m.fstype;
    j["target"] = pathJson(m.target);
    j["source"] = pathJson(m.source);
    j["device"] = std::to_string(m.devMajor) + ":" + std::to_string(m.devMinor);
    j["mount_options"] = m.vfsOptions;
    j["fs_options"] = pathJson(m.fsOptions);
    j["layers"] = nullptr;
    j["options"] = nullptr;
    j["problem"] = nullptr;
    if (m.fstype != "overlay") {
        d.layersText = "-";
        return d;
    }
    auto opts = mounts::parseOverlayOptions(m.fsOptions);
    if (!opts) {
        Error e = makeError(m.target, "cannot read its overlay options: " + opts.error().reason, opts.error().code);
        j["problem"] = errorJson(e);
        report.add(e);
        d.layersText = "?";
        return d;
    }
    j["layers"] = Json {{"lower", pathsJson(opts->lowers)},
                        {"data", pathsJson(opts->dataLayers)},
                        {"upper", opts->upper ? pathJson(*opts->upper) : Json(nullptr)},
                        {"work", opts->work ? pathJson(*opts->work) : Json(nullptr)}};
    Json options = Json::array();
    for (const auto &o : opts->others)
        options.push_back(Json {{"key", o.key}, {"value", o.value ? pathJson(*o.value) : Json(nullptr)}});
    j["options"] = std::move(options);
    d.layersText = std::to_string(opts->lowers.size()) + " lower";
    if (!opts->dataLayers.empty())
        d.layersText += " + " + std::to_string(opts->dataLayers.size()) + " data";
    d.layersText += opts->upper ? " + upper" : " (read-only)";
    return d;
}

} // namespace

const CommandInfo kMountsCommand {
    "mounts",
    "mounts [--json]",
    "Every overlay and FUSE union mount this process sees, with the layers of kernel\n"
    "overlay mounts as the mount table records them.",
    {},
    {},
    false,
};

int runMounts(std::span<const std::string> argv)
{
    const CommandInfo &info = kMountsCommand;
    auto inv = parseInvocation(info, argv);
    if (!inv)
        return inv.error();
    int exitCode = ExitOk;
    if (!checkPositionals(info, *inv, 0, exitCode))
        return exitCode;
    auto table = mounts::readUnionMounts();
    if (!table)
        return commandFailed(info, inv->out, table.error());

    Report report(std::string(info.name));
    Json list = Json::array();
    using A = Table::Align;
    Table text({{"ID", A::Right}, {"FSTYPE"}, {"LAYERS"}, {"SOURCE"}, {"TARGET"}});
    for (const auto &m : *table) {
        Described d = describe(m, report);
        list.push_back(std::move(d.json));
        text.addRow({{std::to_string(m.id)},
                     {m.fstype},
                     {d.layersText},
                     {displayName(m.source)},
                     {displayName(m.target), kColorBold}});
    }
    Json payload;
    payload["mounts"] = std::move(list);
    return report.print(inv->out.json, payload, [&] {
        if (text.empty())
            std::printf("no overlay or FUSE union mounts\n");
        else
            text.print(stdout, inv->out.color);
    });
}

} // namespace strata::cli
