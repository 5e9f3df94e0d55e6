// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer: the privileged helper's checks of a caller's strings before any file is
// opened: path syntax, the system-directory table, stack names and mount options
// (the allow-list), each on the whole input; the first byte chooses which.
#include "mounts/overlayoptions.h"
#include "rules/pathrules.h"

#include <cstdint>

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const std::string_view text(reinterpret_cast<const char *>(data + 1), size - 1);
    switch (data[0] % 4) {
    case 0:
        (void)helper::checkPathSyntax("lowerdir", text);
        break;
    case 1:
        (void)helper::systemDirectoryOf(text);
        (void)helper::shownPath(text);
        break;
    case 2:
        (void)helper::checkStackName(text);
        break;
    default: {
        // "key" or "key=value", split as the helper splits its options list.
        const size_t eq = text.find('=');
        mounts::OverlayOption o {std::string(text.substr(0, eq)),
                                 eq == std::string_view::npos ? std::nullopt
                                                              : std::optional(std::string(text.substr(eq + 1)))};
        (void)mounts::checkOverlayOption(o);
        break;
    }
    }
    return 0;
}
