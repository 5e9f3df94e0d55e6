// SPDX-License-Identifier: GPL-2.0-or-later
#include "entryfilter.h"

#include <algorithm>

namespace strata::stack {

FilterFacts FilterFacts::of(const MergedEntry &e)
{
    return FilterFacts {e.isWhiteout(), e.isDir(), e.layer, e.state, e.dirLayers};
}

bool EntryFilter::accepts(const FilterFacts &f, Dirs dirs) const
{
    if (f.whiteout && !showWhiteouts)
        return false;
    if (onlyLayer >= 0 && f.layer != onlyLayer)
        return false;
    if (layer >= 0 && f.layer != layer
        && !(f.dir && std::find(f.dirLayers.begin(), f.dirLayers.end(), layer) != f.dirLayers.end()))
        return false;
    if (!stateMask || (f.state & stateMask))
        return true;
    return dirs == Dirs::KeepOpen && f.dir;
}

} // namespace strata::stack
