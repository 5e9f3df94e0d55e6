// SPDX-License-Identifier: GPL-2.0-or-later
#include "doctortarget.h"

#include "mounts/mounttable.h"
#include "stack/identitydoctor.h"
#include "stack/layerlayout.h"
#include "stack/mountoptions.h"

#include <sys/stat.h>

namespace strata::cli {

std::expected<DoctorTarget, CommandError> doctorTarget(const ParsedArgs &args, std::vector<std::string> &positionals)
{
    auto usage = [](Error e) { return std::unexpected(CommandError {ExitUsage, std::move(e)}); };
    auto failed = [](Error e) { return std::unexpected(CommandError {ExitFailed, std::move(e)}); };
    if (hasLayerOptions(args)) {
        auto spec = specFromOptions(args);
        if (!spec)
            return usage(spec.error());
        return DoctorTarget {"directories", {}, stack::overlayOptionsFor(*spec)};
    }
    if (positionals.empty())
        return usage(makeError("TARGET",
                               "missing: give a mount point, a stack file, a layer directory, or the "
                               "layers with --lower"));
    const std::string target = positionals.front();
    positionals.erase(positionals.begin());
    struct stat st {};
    if (target.empty() || ::stat(target.c_str(), &st) != 0)
        return failed(sysError(target.empty() ? ENOENT : errno, target, "cannot be looked up"));
    if (S_ISREG(st.st_mode)) {
        auto spec = stack::readStackFile(target);
        if (!spec)
            return failed(spec.error());
        return DoctorTarget {"file", target, stack::overlayOptionsFor(*spec)};
    }
    if (auto m = mounts::findMount(target); m && m->fstype == "overlay") {
        auto opts = mounts::parseOverlayOptions(m->fsOptions);
        if (!opts)
            return failed(opts.error());
        return DoctorTarget {"mount", target, std::move(*opts)};
    }
    auto spec = stack::specFromLayerDirectory(target);
    if (!spec)
        return failed(spec.error());
    return DoctorTarget {"layer-directory", target, stack::overlayOptionsFor(*spec)};
}

std::function<std::vector<mounts::DoctorFinding>(const mounts::OverlayOptions &)> stackChecks()
{
    return &stack::identityFindings;
}

} // namespace strata::cli
