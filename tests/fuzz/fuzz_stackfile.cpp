// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer: stack files (docs/stack-file.md) as stratactl and the app read them. A
// spec that parses must be written and read back to the same layers.
#include "stack/stackspec.h"

#include <cstdint>
#include <cstdlib>

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view json(reinterpret_cast<const char *>(data), size);
    auto spec = stack::stackSpecFromJson(json, "fuzz.json");
    if (!spec)
        return 0;
    auto again = stack::stackSpecFromJson(stack::toJson(*spec), "fuzz.json");
    if (!again || again->lower != spec->lower || again->upper != spec->upper || again->work != spec->work
        || again->data != spec->data || again->options != spec->options)
        std::abort();
    return 0;
}
