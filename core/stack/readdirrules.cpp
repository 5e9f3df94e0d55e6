// SPDX-License-Identifier: GPL-2.0-or-later
#include "readdirrules.h"

#include "ovl/mergerules.h"
#include "ovl/xattrs.h"

#include <algorithm>

namespace strata::stack {

ReaddirRules::ReaddirRules(const LayerStack &stack, const std::vector<OpenDir> &dirs, int topFd)
    : m_stack(stack)
    , m_dirs(dirs)
    , m_topFd(topFd)
{ }

bool ReaddirRules::mayHide(const ovl::LayerObject &o)
{
    return ovl::isChardevWhiteout(o.mode, o.rdev) || ovl::needsWhiteoutXattr(o.mode, o.size);
}

bool ReaddirRules::filtersWhiteouts() const
{
    if (m_filters)
        return *m_filters;
    // Only a dir of one layer needs its origin read: the root and merged dirs filter anyway.
    const bool isRoot = !m_dirs.empty() && m_dirs.front().path.empty();
    bool filters = ovl::readdirFiltersWhiteouts(m_dirs.size(), false, isRoot);
    if (!filters && !m_dirs.empty() && m_topFd >= 0 && m_stack.canReadOverlayXattrs()) {
        const auto origin = ovl::XattrReader(m_topFd, ".", m_stack.xattrNamespace()).raw(ovl::Attr::Origin);
        filters = ovl::readdirFiltersWhiteouts(m_dirs.size(), origin && origin->has_value(), isRoot);
    }
    m_filters = filters;
    return filters;
}

bool ReaddirRules::looksUp(size_t pos) const
{
    const bool inUpper = m_stack.hasUpper() && pos < m_dirs.size() && m_dirs[pos].layer == 0;
    if (!inUpper || !filtersWhiteouts())
        return false;
    if (!m_upperImpure) {
        m_upperImpure = false;
        if (m_topFd >= 0 && m_stack.canReadOverlayXattrs()) {
            const auto impure = ovl::XattrReader(m_topFd, ".", m_stack.xattrNamespace()).impure();
            m_upperImpure = impure && *impure;
        }
        const auto &layers = m_stack.layers();
        m_sameDev = std::all_of(layers.begin(), layers.end(),
                                [&](const Layer &l) { return l.fs.dev == layers.front().fs.dev; });
    }
    return ovl::readdirLooksUp(inUpper, true, *m_upperImpure, m_sameDev);
}

} // namespace strata::stack
