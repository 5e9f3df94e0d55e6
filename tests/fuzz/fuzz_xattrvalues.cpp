// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer: every overlay xattr value decoder (core/ovl/values.h), the first byte
// choosing which; and displayName, which every decoded name passes through. Values
// that decode and have an encoder must come back unchanged.
#include "ovl/values.h"
#include "util/displayname.h"

#include <cstdint>
#include <cstdlib>

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const uint8_t which = data[0];
    const std::span<const uint8_t> bytes(data + 1, size - 1);
    const std::string_view text(reinterpret_cast<const char *>(bytes.data()), bytes.size());
    switch (which % 8) {
    case 0:
        (void)ovl::parseOpaque(text);
        break;
    case 1:
        if (auto r = ovl::parseRedirect(text)) {
            if (r->components.empty())
                std::abort();
            for (const auto &c : r->components)
                if (c.empty())
                    std::abort();
        }
        break;
    case 2:
        if (auto m = ovl::parseMetacopy(bytes)) {
            (void)m->digestAlgoName();
            // The writer puts a metacopy without a digest algorithm as the empty
            // (legacy) value, as the kernel does; with one it must come back whole.
            const std::vector<uint8_t> encoded = ovl::encodeMetacopy(*m);
            auto again = ovl::parseMetacopy(encoded);
            if (!again || (!encoded.empty() && (again->digest != m->digest || again->digestAlgo != m->digestAlgo)))
                std::abort();
        }
        break;
    case 3:
        if (auto n = ovl::parseNlink(text)) {
            (void)n->apply(1);
            auto again = ovl::parseNlink(ovl::encodeNlink(*n));
            if (!again || again->delta != n->delta || again->base != n->base)
                std::abort();
        }
        break;
    case 4:
        (void)ovl::parseProtattr(text);
        break;
    case 5:
        if (auto u = ovl::parseUuid(bytes))
            (void)ovl::formatUuid(*u);
        break;
    case 6:
        (void)ovl::parseImpure(text);
        break;
    default:
        (void)displayName(text);
        break;
    }
    return 0;
}
