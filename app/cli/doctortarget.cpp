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
    auto source = resolveTarget(args, positionals);
    if (!source)
        return std::unexpected(source.error());
    auto failed = [](Error e) { return std::unexpected(CommandError {ExitFailed, std::move(e)}); };
    if (source->spec)
        return DoctorTarget {source->kind, source->name, stack::overlayOptionsFor(*source->spec), *source};
    // A path: a mounted overlay as it was mounted, else layers as they lie on disk.
    const std::string &target = source->name;
    struct stat st {};
    if (::stat(target.c_str(), &st) != 0)
        return failed(sysError(errno, target, "cannot be looked up"));
    if (auto m = mounts::findMount(target); m && m->fstype == "overlay") {
        auto opts = mounts::parseOverlayOptions(m->fsOptions);
        if (!opts)
            return failed(opts.error());
        source->kind = "mount";
        return DoctorTarget {"mount", target, std::move(*opts), *source};
    }
    auto spec = stack::specFromLayerDirectory(target);
    if (!spec)
        return failed(spec.error());
    source->kind = "layer-directory";
    return DoctorTarget {"layer-directory", target, stack::overlayOptionsFor(*spec), *source};
}

std::string withTarget(std::string hint, const DoctorTarget &target)
{
    static constexpr std::string_view kPlaceholder = "TARGET";
    if (const size_t at = hint.find(kPlaceholder); at != std::string::npos)
        hint.replace(at, kPlaceholder.size(), targetArgs(target.source));
    return hint;
}

std::function<std::vector<mounts::DoctorFinding>(const mounts::OverlayOptions &)> stackChecks()
{
    return &stack::identityFindings;
}

} // namespace strata::cli
