// SPDX-License-Identifier: GPL-2.0-or-later
#include "outputoptions.h"

#include <cstdlib>
#include <unistd.h>

namespace strata::cli {

OutputOptions outputOptions(const ParsedArgs &args)
{
    OutputOptions o;
    o.json = args.has("json");
    o.exactBytes = args.has("bytes");
    if (o.json || args.has("no-color"))
        o.color = false;
    else if (args.has("color"))
        o.color = true;
    else
        o.color = std::getenv("NO_COLOR") == nullptr && ::isatty(STDOUT_FILENO) == 1;
    return o;
}

} // namespace strata::cli
