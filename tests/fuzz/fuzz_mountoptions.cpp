// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer: overlay superblock options as mountinfo prints them (parseOverlayOptions,
// with its octal and overlayfs escapes and lowerdir= split), and one lowerdir= value.
// Layers that parse must survive being escaped into mount(2) data and parsed again.
#include "mounts/overlayoptions.h"

#include <cstdint>
#include <cstdlib>

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    (void)mounts::decodeOctalEscapes(text);
    (void)mounts::unescapeLayerPath(text);
    if (auto split = mounts::splitLowerdir(text); split && !split->lowers.empty()) {
        auto formatted = mounts::formatLowerdir(split->lowers, split->dataLayers);
        if (!formatted)
            std::abort();
        auto again = mounts::splitLowerdir(*formatted);
        if (!again || again->lowers != split->lowers || again->dataLayers != split->dataLayers)
            std::abort();
    }
    if (auto parsed = mounts::parseOverlayOptions(text)) {
        for (const auto &o : parsed->others)
            (void)mounts::checkOverlayOption(o);
        (void)mounts::formatLegacyMountData(*parsed);
    }
    return 0;
}
