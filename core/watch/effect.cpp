// SPDX-License-Identifier: GPL-2.0-or-later
#include "effect.h"

#include <array>
#include <utility>

namespace strata::watch {

using namespace strata::stack;

namespace {

// splitmix64's finaliser: every input bit moves every output bit, so either half of
// the result is a fair 32-bit hash.
uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

} // namespace

EntryFacts EntryFacts::of(const MergedEntry &e)
{
    EntryFacts f;
    f.layer = e.layer;
    f.type = e.attrs.type;
    f.state = e.state;
    f.size = e.attrs.size;
    f.mode = e.attrs.mode;
    f.dataLayer = e.data ? e.data->layer : -1;
    const uint64_t object = mix(static_cast<uint64_t>(e.attrs.ino) ^ mix(static_cast<uint64_t>(e.attrs.dev)));
    const uint64_t mtime = mix(static_cast<uint64_t>(e.attrs.mtime.tv_sec) * 1'000'000'000ULL
                               + static_cast<uint64_t>(e.attrs.mtime.tv_nsec));
    f.fingerprint = (object & 0xffffffff00000000ULL) | (mtime & 0xffffffffULL);
    return f;
}

bool EntryFacts::operator==(const EntryFacts &o) const
{
    return layer == o.layer && type == o.type && state == o.state && size == o.size && mode == o.mode
        && dataLayer == o.dataLayer && fingerprint == o.fingerprint;
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
    const bool sameObject = before->objectTag() == after->objectTag();
    const bool mtimeMoved = before->mtimeTag() != after->mtimeTag();
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
