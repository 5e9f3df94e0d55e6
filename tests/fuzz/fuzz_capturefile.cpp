// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer: capture files (docs/capture-file.md) as `stratactl restore` and the
// app's "open as stack" read them: the strict reader, then what restore does next
// with a file that parsed (the dependency order, each layer's name in errors). A
// capture that parses must be written and read back to the same file: the written
// form is a fixed point.
#include "mounts/capturefile.h"

#include <cstdint>
#include <cstdlib>

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view json(reinterpret_cast<const char *>(data), size);
    (void)mounts::looksLikeCapture(json);
    auto capture = mounts::captureFromJson(json, "fuzz.json");
    if (!capture)
        return 0;
    const std::string written = mounts::captureToJson(*capture);
    auto again = mounts::captureFromJson(written, "fuzz.json");
    if (!again || mounts::captureToJson(*again) != written)
        std::abort();
    for (const auto &m : capture->mounts)
        for (size_t i = 0; i < m.layers.size(); ++i)
            (void)m.describeLayer(i);
    (void)mounts::sortByDependencies(capture->mounts);
    return 0;
}
