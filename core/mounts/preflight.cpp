// SPDX-License-Identifier: GPL-2.0-or-later
#include "preflight.h"

#include "fsfacts.h"
#include "layergeometry.h"
#include "mounttable.h"
#include "util/displayname.h"
#include "util/uniquefd.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>

namespace strata::mounts {

std::string_view layerKeyName(LayerRole r)
{
    switch (r) {
    case LayerRole::Lower:
        return "lowerdir";
    case LayerRole::Data:
        return "datadir";
    case LayerRole::Upper:
        return "upperdir";
    case LayerRole::Work:
        return "workdir";
    case LayerRole::Stack:
        break;
    }
    return "stack";
}

namespace {

struct Probe {
    LayerRole role;
    size_t index;
    std::string path;
    UniqueFd fd;
    DirId self {};
    uint64_t mntId = 0;
    FsFacts fs;
    std::optional<bool> casefold;
    std::vector<DirId> ancestors; // self first, then parents on the same filesystem
};

std::string layerLabel(LayerRole role, size_t index, const std::string &path)
{
    std::string n(layerKeyName(role));
    if (role == LayerRole::Lower || role == LayerRole::Data)
        n += " " + std::to_string(index + 1);
    return n + " " + displayName(path);
}

std::string nameOf(const Probe &p)
{
    return layerLabel(p.role, p.index, p.path);
}

class Checker {
public:
    explicit Checker(const OverlayOptions &spec)
        : m_spec(spec)
    { }

    std::vector<LayerFinding> run()
    {
        checkStack();
        // Probes are referred to by pointer (m_upper, m_work): no reallocation.
        m_probes.reserve(m_spec.lowers.size() + m_spec.dataLayers.size() + 2);
        for (size_t i = 0; i < m_spec.lowers.size(); ++i)
            probe(LayerRole::Lower, i, m_spec.lowers[i]);
        for (size_t i = 0; i < m_spec.dataLayers.size(); ++i)
            probe(LayerRole::Data, i, m_spec.dataLayers[i]);
        if (m_spec.upper)
            m_upper = probe(LayerRole::Upper, 0, *m_spec.upper);
        if (m_spec.work)
            m_work = probe(LayerRole::Work, 0, *m_spec.work);
        checkOverlaps();
        checkCasefold();
        if (m_upper)
            checkUpper(*m_upper);
        if (m_work)
            checkWork(*m_work);
        checkInUse();
        return std::move(m_out);
    }

private:
    void add(LayerRole role, size_t index, std::string layer, Severity s, std::string reason)
    {
        m_out.push_back(LayerFinding {role, index, std::move(layer), s, std::move(reason)});
    }
    void add(const Probe &p, Severity s, std::string reason) { add(p.role, p.index, p.path, s, std::move(reason)); }

    void checkStack()
    {
        if (m_spec.lowers.empty())
            add(LayerRole::Stack, 0, {}, Severity::Error,
                m_spec.dataLayers.empty() ? "no lower layer: an overlay needs at least one"
                                          : "data-only layers need at least one regular lower layer above them");
        if (m_spec.lowers.size() + m_spec.dataLayers.size() > kMaxLowerLayers)
            add(LayerRole::Stack, 0, {}, Severity::Error,
                "too many lower directories (" + std::to_string(m_spec.lowers.size() + m_spec.dataLayers.size())
                    + "): the kernel's limit is 500");
        if (m_spec.upper && !m_spec.work)
            add(LayerRole::Upper, 0, *m_spec.upper, Severity::Error, "an upperdir needs a workdir on the same mount");
        if (m_spec.work && !m_spec.upper)
            add(LayerRole::Work, 0, *m_spec.work, Severity::Warning,
                "a workdir without upperdir is ignored: the overlay is read-only");
        for (const auto &o : m_spec.others)
            if (auto ok = checkOverlayOption(o); !ok)
                add(LayerRole::Stack, 0, {}, Severity::Error, "option " + o.key + ": " + ok.error().reason);
    }

    Probe *probe(LayerRole role, size_t index, const std::string &path)
    {
        Probe p {role, index, path, {}, {}, 0, {}, std::nullopt, {}};
        struct statx stx;
        // Layers are looked up following symlinks (kern_path LOOKUP_FOLLOW).
        if (::statx(AT_FDCWD, path.c_str(), 0, STATX_TYPE, &stx) != 0) {
            add(p, Severity::Error,
                errno == ENOENT ? std::string("does not exist")
                                : std::string("cannot be looked up: ") + std::strerror(errno));
            return nullptr;
        }
        if (!S_ISDIR(stx.stx_mode)) {
            add(p, Severity::Error, "is not a directory");
            return nullptr;
        }
        p.fd.reset(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (p.fd)
            p.ancestors = ancestryOf(p.fd.get(), Walk::SameFilesystem);
        if (!p.fd || p.ancestors.empty() || !fsFactsOf(p.fd.get(), p.fs)) {
            add(p, Severity::Error, std::string("cannot be opened: ") + std::strerror(errno));
            return nullptr;
        }
        p.self = p.ancestors.front();
        p.mntId = mountIdOf(p.fd.get()); // the helper's kind of id (fsfacts.h)
        if (int flags = 0; ::ioctl(p.fd.get(), FS_IOC_GETFLAGS, &flags) == 0)
            p.casefold = (flags & FS_CASEFOLD_FL) != 0;

        if (isAutofs(p.fs.kind.magic))
            add(p, Severity::Error, "is on autofs: the kernel does not support automount points as layers");
        if ((role == LayerRole::Lower || role == LayerRole::Data) && p.fs.kind.overlay)
            add(p, Severity::Info,
                "is on an overlay: the kernel stacks filesystems at most two deep, so this overlay cannot itself be "
                "used as a lower layer again");
        m_probes.push_back(std::move(p));
        return &m_probes.back();
    }

    void checkOverlaps()
    {
        std::vector<PlacedDir> placed;
        for (const auto &p : m_probes)
            placed.push_back({p.ancestors, 0});
        for (const Overlap &o : overlapsOf(placed)) {
            const Probe &inner = m_probes[o.inner], &outer = m_probes[o.outer];
            const bool workAndUpper = (inner.role == LayerRole::Upper && outer.role == LayerRole::Work)
                || (inner.role == LayerRole::Work && outer.role == LayerRole::Upper);
            if (workAndUpper) {
                add(m_probes[std::max(o.inner, o.outer)], Severity::Error,
                    "workdir and upperdir must be separate subtrees; they overlap");
                continue;
            }
            // The kernel makes every layer root a trap, then walks the ancestors
            // of lowers and of the workdir looking for traps; the upper's walk
            // looks only for other overlays. Same directory twice is always refused.
            const bool same = o.same;
            const bool outerIsLower = outer.role == LayerRole::Lower || outer.role == LayerRole::Data;
            if (!same && outerIsLower && (inner.role == LayerRole::Upper || inner.role == LayerRole::Work)) {
                add(inner, Severity::Warning,
                    "lies inside " + nameOf(outer)
                        + ": the kernel accepts it, but the overlay then changes that lower layer while "
                          "mounted, which overlayfs leaves undefined");
                continue;
            }
            add(inner, Severity::Error,
                (same ? "is the same directory as " : "lies inside ") + nameOf(outer)
                    + ": the kernel refuses overlapping layers (ELOOP)");
        }
    }

    void checkCasefold()
    {
        std::optional<bool> first;
        for (const auto &p : m_probes) {
            if (!p.casefold)
                continue;
            if (!first)
                first = p.casefold;
            else if (*first != *p.casefold)
                add(p, Severity::Error,
                    std::string("is case-") + (*p.casefold ? "in" : "")
                        + "sensitive unlike the layers before it: the kernel needs all layers to agree");
        }
    }

    void checkUpper(const Probe &up)
    {
        if (up.fs.kind.remote) {
            add(up, Severity::Error,
                std::string("is on ") + std::string(up.fs.kind.label)
                    + ": the kernel refuses remote filesystems as upper (revalidating dentries, no "
                      "RENAME_WHITEOUT or trusted xattrs); mount with the Strata engine instead");
            m_out.back().engineAccepts = true;
        }
        if (up.fs.kind.overlay) {
            add(up, Severity::Error,
                "is on an overlay: the kernel does not support an overlay as upperdir; use a directory on the "
                "overlay's own upper filesystem, or the Strata engine");
            m_out.back().engineAccepts = true;
        }
        if (up.fs.readOnly)
            add(up, Severity::Error, "is on a read-only mount: the kernel needs a writable upper");

        // d_type: without it whiteouts cannot be told from files.
        if (up.fs.kind.dType == Support::No || probeDType(up.fd.get()) == Support::No)
            add(up, Severity::Warning,
                "its filesystem does not report d_type: the kernel mounts, but whiteouts would show as "
                "character devices (xfs: mkfs with ftype=1)");
        const bool user = m_spec.has("userxattr");
        const char *probeName = user ? "user.overlay.opaque" : "trusted.overlay.opaque";
        if (probeXattrs(up.fd.get(), probeName) == Support::No)
            add(up, Severity::Warning,
                std::string("its filesystem does not support ") + (user ? "user" : "trusted")
                    + " xattrs: the kernel mounts with redirect_dir=nofollow, metacopy=off, index=off, xino=off, "
                      "and opaque directories and redirects cannot be recorded");
    }

    void checkWork(const Probe &work)
    {
        if (work.fs.readOnly && !(m_upper && m_upper->fs.readOnly))
            add(work, Severity::Error, "is on a read-only mount: the kernel needs a writable workdir");
        if (m_upper && work.mntId && m_upper->mntId && work.mntId != m_upper->mntId)
            add(work, Severity::Error,
                "is on another mount than upperdir (mount id " + std::to_string(work.mntId) + " vs "
                    + std::to_string(m_upper->mntId) + "): the kernel needs both on the same mount");
        struct stat st;
        if (::fstatat(work.fd.get(), "work/incompat/volatile", &st, AT_SYMLINK_NOFOLLOW) == 0)
            add(work, Severity::Error,
                "holds work/incompat/volatile: a volatile mount did not end cleanly, so the kernel refuses to "
                "reuse it; the upper may be inconsistent. Remove that directory only if the upper is known good");
    }

    // An upper or workdir already used by a mounted overlay: EBUSY with index=on,
    // otherwise a kernel warning and two overlays changing one upper.
    void checkInUse()
    {
        if (!m_upper && !m_work)
            return;
        auto mounts = readUnionMounts();
        if (!mounts)
            return;
        for (const auto &m : *mounts) {
            if (m.fstype != "overlay")
                continue;
            auto opts = parseOverlayOptions(m.fsOptions);
            if (!opts)
                continue;
            for (const Probe *mine : {m_upper, m_work}) {
                if (!mine)
                    continue;
                for (const auto &theirs : {opts->upper, opts->work}) {
                    struct stat st;
                    if (theirs && ::stat(theirs->c_str(), &st) == 0 && DirId {st.st_dev, st.st_ino} == mine->self)
                        add(*mine, Severity::Warning,
                            "is already in use by the overlay mounted at " + displayName(m.target)
                                + ": the kernel refuses it with index=on (EBUSY) and otherwise only warns");
                }
            }
        }
    }

    const OverlayOptions &m_spec;
    std::vector<Probe> m_probes;
    Probe *m_upper = nullptr;
    Probe *m_work = nullptr;
    std::vector<LayerFinding> m_out;
};

} // namespace

std::string LayerFinding::describe() const
{
    if (role == LayerRole::Stack)
        return reason;
    return layerLabel(role, index, layer) + ": " + reason;
}

std::vector<LayerFinding> checkLayers(const OverlayOptions &spec)
{
    return Checker(spec).run();
}

bool hasErrors(const std::vector<LayerFinding> &findings)
{
    for (const auto &f : findings)
        if (f.severity == Severity::Error)
            return true;
    return false;
}

} // namespace strata::mounts
