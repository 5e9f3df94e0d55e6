// SPDX-License-Identifier: GPL-2.0-or-later
#include "identitycheck.h"

#include "dirreader.h"

#include "ovl/values.h"
#include "ovl/xattrs.h"
#include "util/hex.h"
#include "util/uniquefd.h"

#include <algorithm>
#include <dirent.h>
#include <fcntl.h>

namespace strata::stack {

std::string uuidString(const Uuid &u)
{
    return ovl::formatUuid(u);
}

std::string_view identityStateName(IdentityState s)
{
    switch (s) {
    case IdentityState::Consistent:
        return "consistent";
    case IdentityState::Drifted:
        return "drifted";
    case IdentityState::Unknown:
        return "unknown";
    }
    return "unknown";
}

namespace {

Uuid uuidOf(const ovl::FileHandle &fh)
{
    Uuid u {};
    std::copy(fh.uuid.begin(), fh.uuid.end(), u.begin());
    return u;
}

// A recorded handle against the handle the object has now: same fid (the same inode
// of the same filesystem image) and, unless recorded with the null uuid (uuid=off),
// the same uuid.
IdentityFinding compare(std::string subject, const ovl::FileHandle &recorded, const ovl::FileHandle &now)
{
    IdentityFinding f;
    f.subject = std::move(subject);
    f.recorded = uuidOf(recorded);
    f.current = uuidOf(now);
    const bool sameFid = recorded.type == now.type && recorded.fid == now.fid;
    f.onlyUuidDiffers = sameFid;
    if (!sameFid)
        f.what = "records a different object (fid type " + std::to_string(recorded.type) + " " + toHex(recorded.fid)
            + ", the directory now has type " + std::to_string(now.type) + " " + toHex(now.fid)
            + "): the layer was replaced, not only renamed";
    else
        f.what = "records filesystem uuid " + uuidString(f.recorded) + ", the filesystem now has "
            + uuidString(*f.current);
    return f;
}

std::vector<std::string> indexNames(int indexFd)
{
    std::vector<std::string> out;
    auto dir = openLayerDir(indexFd, "", true);
    if (!dir)
        return out;
    auto names = readLayerDirNames(dir->get(), "index");
    if (!names)
        return out;
    for (size_t i = 0; i < names->size(); ++i)
        if (const std::string n = names->name(i); !n.starts_with('#'))
            out.push_back(n);
    return out;
}

void addWaysOut(IdentityVerdict &v)
{
    v.waysOut.push_back({WayOut::Kind::IndexOff, "mount with index=off",
                         "mounts at once and changes nothing on disk; copied-up files no longer keep their lower inode "
                         "numbers (st_ino/d_ino change), hard links broken by copy-up are not joined again, and "
                         "nfs_export is unavailable",
                         true});
    v.waysOut.push_back({WayOut::Kind::UuidOff, "mount with uuid=off",
                         v.createdWithUuidOff
                             ? "the stack was created with uuid=off (its origins carry the null "
                               "uuid), so the uuid is not compared"
                             : "does not help this stack: its origins carry a real uuid, and uuid=off "
                               "only accepts origins written with the null uuid from the first mount on",
                         v.createdWithUuidOff});
    v.waysOut.push_back(
        {WayOut::Kind::Restamp, "stratactl restamp --to-uuid " + (v.currentUuid ? uuidString(*v.currentUuid) : "NEW"),
         v.restampable ? "rewrites, offline and journaled, the uuid in every origin and upper handle and "
                         "renames the index entries; afterwards index=on mounts as before"
                       : "not possible: more than the uuid differs (the layer is another directory)",
         v.restampable});
    v.waysOut.push_back({WayOut::Kind::DeleteIndex,
                         "delete workdir/index and the upper root's overlay.origin (the kernel's hint)",
                         "the next index=on mount starts a new index: hard-link and inode-number records of the old "
                         "one are lost",
                         true});
}

} // namespace

IdentityVerdict checkIdentity(const LayerStack &stack)
{
    IdentityVerdict v;
    const Layer *upper = stack.upper();
    if (!upper) {
        v.reason = "no upper layer: nothing records the layers' identity";
        return v;
    }
    if (stack.mergedLayerCount() < 2) {
        v.reason = "no lower layer";
        return v;
    }
    if (!stack.canReadOverlayXattrs()) {
        v.reason = "the overlay xattrs (trusted.*) cannot be read without CAP_SYS_ADMIN";
        return v;
    }
    const auto ns = stack.xattrNamespace();
    const Layer &lower1 = stack.layers()[1];
    if (const auto *idx = stack.spec().option("index"))
        v.indexOn = *idx == std::optional<std::string>("on");

    auto lowerNow = ovl::handleOfFd(lower1.fd.get());
    auto upperNow = ovl::handleOfFd(upper->fd.get());
    if (lower1.fs.uuid)
        v.currentUuid = *lower1.fs.uuid;
    else if (lowerNow)
        v.currentUuid = uuidOf(*lowerNow);

    bool anyDrift = false;
    bool allPure = true;
    std::optional<Uuid> oldUuid;
    auto note = [&](IdentityFinding f) {
        if (f.current && f.recorded == *f.current && f.onlyUuidDiffers)
            return; // consistent
        anyDrift = true;
        allPure = allPure && f.onlyUuidDiffers;
        if (oldUuid && *oldUuid != f.recorded)
            allPure = false; // records of two different old uuids: not one restamp
        oldUuid = f.recorded;
        v.findings.push_back(std::move(f));
    };

    ovl::XattrReader root(upper->fd.get(), "", ns);
    if (auto origin = root.origin(); origin && *origin && lowerNow) {
        v.createdWithUuidOff = (*origin)->nullUuid();
        if (v.createdWithUuidOff) {
            // uuid=off: only the fid is compared.
            if ((*origin)->fid != lowerNow->fid || (*origin)->type != lowerNow->type)
                note(compare("upper root overlay.origin", **origin, *lowerNow));
        } else {
            note(compare("upper root overlay.origin", **origin, *lowerNow));
        }
    }

    // index/ binds the index to this upper root (overlay.upper; older kernels wrote
    // overlay.origin there).
    std::vector<std::string> entries;
    if (stack.workdir()) {
        UniqueFd index(::open((*stack.workdir() + "/index").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (index) {
            v.indexOn = true;
            ovl::XattrReader ix(index.get(), "", ns);
            auto binding = ix.upper();
            if (binding && !*binding)
                binding = ix.origin();
            if (binding && *binding && upperNow && !(*binding)->nullUuid())
                note(compare("index/ overlay.upper (binding to the upper root)", **binding, *upperNow));
            entries = indexNames(index.get());
        }
    }
    // Index entries: named by a lower object's handle, which carries its fs uuid.
    std::vector<Uuid> layerUuids;
    for (const auto &l : stack.layers())
        if (l.fs.uuid)
            layerUuids.push_back(*l.fs.uuid);
    for (const auto &name : entries) {
        auto fh = ovl::decodeIndexName(name);
        if (!fh || fh->nullUuid())
            continue;
        const Uuid u = uuidOf(*fh);
        if (std::ranges::find(layerUuids, u) != layerUuids.end())
            continue;
        ++v.staleIndexEntries;
        if (v.staleIndexEntries <= 5) {
            IdentityFinding f;
            f.subject = "index/" + name;
            f.recorded = u;
            // Whether the fid is still right can only be told by decoding it with the
            // new uuid; restamp does, here an entry of the old root uuid counts as pure.
            f.onlyUuidDiffers = oldUuid && *oldUuid == u;
            f.what = "names filesystem uuid " + uuidString(u) + ", which no layer's filesystem has";
            anyDrift = true;
            allPure = allPure && f.onlyUuidDiffers;
            v.findings.push_back(std::move(f));
        } else if (!(oldUuid && *oldUuid == u)) {
            allPure = false;
        }
    }

    v.recordedUuid = oldUuid;
    if (!anyDrift) {
        v.state = IdentityState::Consistent;
        v.kernelWill = v.indexOn ? "index=on mounts pass the upper root origin and index checks" : "";
        return v;
    }
    v.state = IdentityState::Drifted;
    v.restampable = allPure && oldUuid.has_value();
    const bool rootDrift
        = std::ranges::any_of(v.findings, [](const IdentityFinding &f) { return f.subject.starts_with("upper root"); });
    const bool bindingDrift = std::ranges::any_of(
        v.findings, [](const IdentityFinding &f) { return f.subject.starts_with("index/ overlay.upper"); });
    v.outcome = rootDrift ? IdentityVerdict::Outcome::RootOriginEstale
        : bindingDrift    ? IdentityVerdict::Outcome::IndexBindingEstale
                          : IdentityVerdict::Outcome::StaleEntriesDeleted;
    if (rootDrift)
        v.kernelWill = "an index=on mount fails with ESTALE (Stale file handle); dmesg: \"overlayfs: failed to verify "
                       "upper root origin\"";
    else if (bindingDrift)
        v.kernelWill = "an index=on mount fails with ESTALE; dmesg: \"overlayfs: failed to verify index dir 'upper' "
                       "xattr\" and \"overlayfs: try deleting index dir or mounting with '-o index=off' to disable "
                       "inodes index.\"";
    else
        v.kernelWill = "an index=on mount deletes the " + std::to_string(v.staleIndexEntries)
            + " index entries that no longer decode (stale): their hard-link records are lost";
    v.kernelWill += "; with index=off, copied-up files' origins are ignored (origin unknown: lower inode numbers "
                    "are not kept)";
    addWaysOut(v);
    return v;
}

} // namespace strata::stack
