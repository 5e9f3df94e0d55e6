// SPDX-License-Identifier: GPL-2.0-or-later
#include "layerobject.h"

#include "ovl/whiteout.h"

namespace strata::engine {

OverlayXattrs::OverlayXattrs(int dirfd, const std::string &name, ovl::Namespace ns)
{
    if (auto set = ovl::presentAttrs(dirfd, name, ns)) {
        present = *set;
        presentKnown = true;
    }
}

ovl::LayerObject objectFacts(ovl::Namespace ns, int dirfd, const std::string &name, const struct stat &st,
                             const OverlayXattrs *ox)
{
    auto o = ovl::LayerObject::fromStat(st);
    if (ovl::needsWhiteoutXattr(o.mode, o.size) && (!ox || ox->maybe(ovl::Attr::Whiteout))) {
        auto w = ovl::hasXattrWhiteoutMarker(dirfd, name, ns);
        o.whiteoutXattr = w && *w;
    }
    return o;
}

std::optional<ovl::Opaque> opaqueOf(const ovl::XattrReader &rd)
{
    auto op = rd.opaque();
    return op ? *op : std::nullopt;
}

std::optional<ino_t> inoOf(const std::optional<ovl::FileHandle> &fh)
{
    if (fh)
        if (auto ig = fh->inoGen())
            return static_cast<ino_t>(ig->ino);
    return std::nullopt;
}

std::optional<ino_t> originIno(const ovl::XattrReader &rd)
{
    auto o = rd.origin();
    return o && *o ? inoOf(**o) : std::nullopt;
}

} // namespace strata::engine
