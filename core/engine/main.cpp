// SPDX-License-Identifier: GPL-2.0-or-later
// strata-fuse: Strata's overlayfs-compatible union filesystem daemon. See
// docs/ENGINE.md for what it does and why it is built the way it is.
#include "config.h"
#include "session.h"

#include <cstdio>

int main(int argc, char *argv[])
{
    using namespace strata::engine;
    auto config = parseArgs(argc, argv);
    if (!config) {
        std::fprintf(stderr, "strata-fuse: %s\n%s", config.error().message().c_str(), usage(argv[0]).c_str());
        return 2;
    }
    if (config->help) {
        std::fputs(usage(argv[0]).c_str(), stdout);
        return 0;
    }
    if (config->version) {
        std::puts("strata-fuse 0.1.0");
        return 0;
    }
    return run(std::move(*config));
}
