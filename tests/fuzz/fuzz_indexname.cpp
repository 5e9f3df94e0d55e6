// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer: names in workdir/index (hex of an origin file handle), as the index
// reader and strata-fuse's index check decode them. A name that decodes names the
// handle it was made from.
#include "ovl/filehandle.h"

#include <cstdint>
#include <cstdlib>

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view name(reinterpret_cast<const char *>(data), size);
    auto fh = ovl::decodeIndexName(name);
    if (!fh)
        return 0;
    auto again = ovl::decodeIndexName(ovl::indexName(*fh));
    if (!again || again->fid != fh->fid || again->uuid != fh->uuid)
        std::abort();
    return 0;
}
