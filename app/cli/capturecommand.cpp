// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl capture: every overlay and strata-fuse mount (or the ones named), each
// layer by filesystem uuid and root file handle, into a capture file
// (docs/capture-file.md) that `stratactl restore` rebuilds the mounts from.
#include "commands.h"
#include "json.h"
#include "mounts/capturefile.h"
#include "report.h"
#include "util/displayname.h"

namespace strata::cli {

const CommandInfo kCaptureCommand {
    "capture",
    "capture [MOUNTPOINT...] FILE [--json]",
    "Record overlay and strata-fuse mounts (all in this mount namespace, or the ones\n"
    "named) with every layer's filesystem uuid and root file handle, into FILE (a\n"
    "capture file, JSON) for `stratactl restore`. The file is replaced atomically.",
    "Layer paths are resolved at capture (Docker's l/ links, relative paths, the\n"
    "engine's /proc/self/fd paths); a layer that cannot be found fails the capture,\n"
    "naming the mount and the layer. docs/capture-file.md describes the format.\n",
    {},
    false,
};

int runCapture(std::span<const std::string> argv)
{
    const CommandInfo &info = kCaptureCommand;
    auto inv = parseInvocation(info, argv);
    if (!inv)
        return inv.error();
    if (inv->positionals.empty())
        return usageError(info, makeError("FILE", "missing: where to write the capture file"));
    const std::string file = inv->positionals.back();
    const std::vector<std::string> mountPoints(inv->positionals.begin(), inv->positionals.end() - 1);

    auto capture = mounts::captureMounts(mountPoints);
    if (!capture)
        return commandFailed(info, inv->out, capture.error());
    if (auto r = mounts::writeCaptureFile(file, *capture); !r)
        return commandFailed(info, inv->out, r.error());

    Report report(std::string(info.name));
    Json payload;
    payload["file"] = pathJson(file);
    payload["capture"] = Json::parse(mounts::captureToJson(*capture), nullptr, false);
    return report.print(inv->out.json, payload, [&] {
        for (const auto &m : capture->mounts)
            std::printf("%s  %s, %zu layers%s\n", displayName(m.mountPoint).c_str(), m.backend.c_str(), m.layers.size(),
                        m.upper && m.upper->index ? ", index=on" : "");
        const size_t n = capture->mounts.size();
        std::printf("captured %zu mount%s to %s\n", n, n == 1 ? "" : "s", displayName(file).c_str());
    });
}

} // namespace strata::cli
