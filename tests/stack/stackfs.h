// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Small file helpers shared by the stack test support (internal to tests/stack).

#include <cstdint>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace strata::test {

std::string join(const std::string &root, const std::string &rel); // root, or root/rel
std::string octal(uint32_t v);
std::vector<std::string> sortedNames(int dirfd); // without . and ..
char typeChar(mode_t m); // d f l c b p s
std::string digestAt(int dirfd, const std::string &name); // FNV-1a 64 of the content, or "ERR-..."
std::string linkAt(int dirfd, const std::string &name); // readlink, or "ERR-..."
// "type mode uid gid size [-> target] [#digest]": what the views compare.
std::string facts(const struct stat &st, const std::string &target, const std::string &digest);

} // namespace strata::test
