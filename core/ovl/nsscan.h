// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Which overlay xattr namespace a layer's objects use, for stacks whose mount
// options do not say (the inspector) and for an upper strata-fuse resumes (the
// engine): the layer root and at most `budget` entries below it are listed, breadth
// first, and the objects carrying names of each prefix are counted. Bounded, so a
// huge layer costs little; no fd is held per queued directory.

#include <cstddef>

namespace strata::ovl {

struct NamespaceCount {
    int user = 0; // objects with user.overlay.* names
    int trusted = 0; // objects with trusted.overlay.* names
};

// `stopAtFirst`: end at the first object that carries either (its counts decide).
NamespaceCount countNamespaces(int rootfd, size_t budget, bool stopAtFirst);

} // namespace strata::ovl
