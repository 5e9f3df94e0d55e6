// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer: struct ovl_fb file handles (overlay.origin, overlay.upper, index names).
// A handle that decodes must survive its own encoding and index name unchanged.
#include "ovl/filehandle.h"

#include <cstdint>
#include <cstdlib>

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    auto fh = ovl::decodeFileHandle(std::span<const uint8_t>(data, size));
    if (!fh)
        return 0;
    (void)fh->fidTypeName();
    (void)fh->inoGen();
    const std::vector<uint8_t> bytes = ovl::encodeFileHandle(*fh);
    auto again = ovl::decodeFileHandle(bytes);
    if (!again || again->fid != fh->fid || again->flags != fh->flags || again->type != fh->type)
        std::abort();
    auto named = ovl::decodeIndexName(ovl::indexName(*fh));
    if (!named || named->fid != fh->fid)
        std::abort();
    return 0;
}
