// SPDX-License-Identifier: GPL-2.0-or-later
#include "effect.h"

#include <array>
#include <utility>

namespace strata::watch {

using namespace strata::stack;

EntryFacts EntryFacts::of(const MergedEntry &e)
{
    EntryFacts f;
    f.layer = e.layer;
    f.type = e.attrs.type;
    f.state = e.state;
    f.size = e.attrs.size;
    f.mode = e.attrs.mode;
    f.ino = e.attrs.ino;
    f.dev = e.attrs.dev;
    f.mtime = e.attrs.mtime;
    f.dataLayer = e.data ? e.data->layer : -1;
    return f;
}

bool EntryFacts::operator==(const EntryFacts &o) const
{
    return layer == o.layer && type == o.type && state == o.state && size == o.size && mode == o.mode && ino == o.ino
        && dev == o.dev && mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec
        && ctime.tv_sec == o.ctime.tv_sec && ctime.tv_nsec == o.ctime.tv_nsec && dataLayer == o.dataLayer;
}

std::vector<std::string_view> effectKindNames(uint32_t kinds)
{
    static constexpr std::array<std::pair<uint32_t, std::string_view>, 11> kNames {{
        {EffectAppeared, "appeared"},
        {EffectVanished, "vanished"},
        {EffectHidden, "hidden"},
        {EffectRevealed, "revealed"},
        {EffectOriginChanged, "origin-changed"},
        {EffectTypeChanged, "type-changed"},
        {EffectSizeChanged, "size-changed"},
        {EffectModeChanged, "mode-changed"},
        {EffectContentChanged, "content-changed"},
        {EffectStateChanged, "state-changed"},
        {EffectOwnerChanged, "owner-changed"},
    }};
    std::vector<std::string_view> out;
    for (const auto &[bit, name] : kNames)
        if (kinds & bit)
            out.push_back(name);
    return out;
}

uint32_t classify(const std::optional<EntryFacts> &before, const std::optional<EntryFacts> &after, bool contentWritten)
{
    const bool wasShown = before && before->visible();
    const bool isShown = after && after->visible();
    if (!wasShown && !isShown)
        return 0; // absent or deleted on both sides: the view shows nothing either way
    if (!wasShown)
        return before ? EffectRevealed : EffectAppeared; // a whiteout was there: revealed
    if (!isShown)
        return after ? EffectHidden : EffectVanished;

    uint32_t k = 0;
    if (before->layer != after->layer)
        k |= EffectOriginChanged;
    if (before->type != after->type)
        k |= EffectTypeChanged;
    if (before->type == after->type && after->type != FileType::Directory && before->size != after->size)
        k |= EffectSizeChanged;
    if ((before->mode & 07777) != (after->mode & 07777))
        k |= EffectModeChanged;
    // Without a write event, a new mtime on the same object still means new content.
    const bool sameObject = before->ino == after->ino && before->dev == after->dev;
    const bool mtimeMoved
        = before->mtime.tv_sec != after->mtime.tv_sec || before->mtime.tv_nsec != after->mtime.tv_nsec;
    if (after->type == FileType::Regular && (contentWritten || (sameObject && mtimeMoved)))
        k |= EffectContentChanged;
    constexpr uint32_t kViewStates = StateOpaque | StateXWhiteoutsDir | StateMerged | StateRedirected | StateCopiedUp
        | StateMetacopy | StateImpure | StateUpperOnly;
    if ((before->state & kViewStates) != (after->state & kViewStates))
        k |= EffectStateChanged;
    if (before->dataLayer != after->dataLayer)
        k |= EffectOriginChanged;
    return k;
}

} // namespace strata::watch
