// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer: strata-fuse's command line (core/engine/config), both forms: the input is
// split at NUL bytes into arguments after "strata-fuse".
#include "engine/config.h"

#include <cstdint>
#include <string>
#include <vector>

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::vector<std::string> args {"strata-fuse"};
    std::string cur;
    for (size_t i = 0; i < size && args.size() < 64; ++i) {
        if (data[i] == 0) {
            args.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += static_cast<char>(data[i]);
        }
    }
    args.push_back(std::move(cur));
    std::vector<char *> argv;
    for (auto &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    (void)engine::parseArgs(static_cast<int>(args.size()), argv.data());
    return 0;
}
