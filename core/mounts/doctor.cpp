// SPDX-License-Identifier: GPL-2.0-or-later
// The doctor's verdicts. Messages quoted as the kernel's are those of
// fs/overlayfs/params.c (ovl_mount_dir_check, ovl_fs_params_verify), super.c
// (ovl_fill_super, ovl_get_upper, ovl_get_workdir, ovl_make_workdir,
// ovl_report_in_use, ovl_get_layers), readdir.c (incompat features) and namei.c
// (redirect/metacopy refusals); tests compare them with a real try-mount.
#include "doctor.h"

#include "doctor_probes.h"
#include "util/displayname.h"
#include "util/xattrio.h"
#include "volatile.h"

#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>

namespace strata::mounts {

namespace {

// The kernel's limit on filesystem stacking (FILESYSTEM_MAX_STACK_DEPTH).
constexpr int kMaxStackDepth = 2;
// mount(2) copies one page of option data and cuts the rest (path_mount).
constexpr size_t kLegacyDataLimit = 4095;
// fsconfig(FSCONFIG_SET_STRING) takes strings of at most 255 bytes (strndup_user 256).
constexpr size_t kFsconfigStringLimit = 255;

std::optional<bool> moduleBool(const char *name)
{
    std::ifstream in(std::string("/sys/module/overlay/parameters/") + name);
    std::string v;
    if (!(in >> v))
        return std::nullopt;
    return v == "Y" || v == "y" || v == "1";
}

// An option's effective on/off: the explicit value, else the module default.
bool optionOn(const OverlayOptions &spec, std::string_view key, const char *moduleParam)
{
    if (auto v = spec.value(key))
        return *v == "on";
    return moduleBool(moduleParam).value_or(false);
}

bool redirectsFollowed(const OverlayOptions &spec)
{
    if (spec.has("userxattr") && !spec.value("redirect_dir"))
        return false; // userxattr silently sets redirect_dir=nofollow
    const auto v = spec.value("redirect_dir");
    if (v == "on" || v == "follow")
        return true;
    if (v == "nofollow")
        return false;
    if (v == "off" || !v)
        return (!v && moduleBool("redirect_dir").value_or(false))
            || moduleBool("redirect_always_follow").value_or(true);
    return true;
}

bool metacopyFollowed(const OverlayOptions &spec)
{
    if (spec.has("userxattr") && !spec.value("metacopy"))
        return false;
    return optionOn(spec, "metacopy", "metacopy") || spec.value("verity").has_value() || !spec.dataLayers.empty();
}

// Fills in code, messages, cause and fix for a preflight finding. The preflight's
// reasons are matched on their stable wording here, in one place, until the
// preflight carries codes of its own.
struct Known {
    const char *fragment;
    const char *code;
    bool fuseRefuses;
};
constexpr Known kKnown[] = {
    {"does not exist", "layer-missing", true},
    {"cannot be looked up", "layer-missing", true},
    {"is not a directory", "layer-not-directory", true},
    {"cannot be opened", "layer-unreadable", true},
    {"is on autofs", "layer-automount", false},
    {"no lower layer", "no-lower", true},
    {"data-only layers need", "no-lower", true},
    {"too many lower directories", "too-many-lowers", false},
    {"an upperdir needs a workdir", "upper-without-work", true},
    {"a workdir without upperdir", "work-without-upper", false},
    {"option ", "bad-option", false},
    {"remote filesystems as upper", "upper-remote", false},
    {"does not support an overlay as upperdir", "upper-overlay", false},
    {"read-only mount", "upper-readonly", true},
    {"does not report d_type", "upper-no-d-type", false},
    {"xattrs: the kernel mounts with", "upper-no-xattrs", false},
    {"on another mount than upperdir", "work-other-mount", false},
    {"holds work/incompat/volatile", "volatile-dirty", true},
    {"already in use by the overlay", "layer-in-use", false},
    {"must be separate subtrees", "layer-overlap", true},
    {"the kernel refuses overlapping layers", "layer-overlap", true},
    {"lies inside", "layer-nested", false},
    {"case-", "casefold-mismatch", false},
    {"is on an overlay: the kernel stacks", "lower-on-overlay", false},
};

class Doctor {
public:
    Doctor(const OverlayOptions &spec, const DoctorOptions &opts)
        : m_spec(spec)
        , m_opts(opts)
    { }

    Diagnosis run()
    {
        for (const auto &f : checkLayers(m_spec))
            fromPreflight(f);
        checkUpperFeatures();
        checkWriteback();
        checkDepth();
        checkLengths();
        checkLayerXattrs();
        checkFileHandles();
        if (m_opts.extraChecks)
            for (auto &f : m_opts.extraChecks(m_spec))
                m_out.findings.push_back(std::move(f));
        for (auto &f : m_out.findings)
            settle(f);
        return std::move(m_out);
    }

private:
    DoctorFinding &add(std::string code, Severity s, LayerRole role, size_t index, std::string layer)
    {
        DoctorFinding f;
        f.code = std::move(code);
        f.severity = s;
        f.role = role;
        f.index = index;
        f.layer = std::move(layer);
        f.kernelRefuses = s == Severity::Error;
        m_out.findings.push_back(std::move(f));
        return m_out.findings.back();
    }
    DoctorFinding *find(std::string_view code)
    {
        for (auto &f : m_out.findings)
            if (f.code == code)
                return &f;
        return nullptr;
    }
    void drop(std::string_view code)
    {
        std::erase_if(m_out.findings, [&](const DoctorFinding &f) { return f.code == code; });
    }
    // The severity shown is the asked backend's.
    void settle(DoctorFinding &f) const
    {
        const bool refuses = m_opts.backend == Backend::Kernel ? f.kernelRefuses : f.fuseRefuses;
        if (refuses)
            f.severity = Severity::Error;
        else if (f.severity == Severity::Error)
            f.severity = m_opts.backend == Backend::Fuse ? Severity::Info : Severity::Warning;
    }
    std::string upperPath() const { return m_spec.upper.value_or(""); }
    std::string workPath() const { return m_spec.work.value_or(""); }

    void fromPreflight(const LayerFinding &lf)
    {
        const Known *k = nullptr;
        for (const auto &c : kKnown)
            if (lf.reason.find(c.fragment) != std::string::npos) {
                k = &c;
                break;
            }
        DoctorFinding &f = add(k ? k->code : "preflight", lf.severity, lf.role, lf.index, lf.layer);
        f.cause = lf.describe();
        f.fuseRefuses = k ? k->fuseRefuses && lf.severity == Severity::Error
                          : !lf.engineAccepts && lf.severity == Severity::Error;
        explain(f);
    }

    // Kernel message and fix per code; the cause keeps the preflight's words.
    void explain(DoctorFinding &f)
    {
        const std::string shown = f.layer; // the kernel prints the path it was given
        const std::string &c = f.code;
        if (c == "layer-missing") {
            f.kernelMessage = "failed to resolve '" + shown + "'";
            f.fix = "create the directory or correct the path";
        } else if (c == "layer-not-directory") {
            f.kernelMessage = shown + " is not a directory";
            f.fix = "give a directory as layer";
        } else if (c == "layer-automount") {
            f.kernelMessage = "filesystem on " + shown + " not supported";
            f.fix = "trigger the automount first and give the mounted directory";
        } else if (c == "too-many-lowers") {
            f.kernelMessage = "too many lower directories, limit is 500";
            f.fix = "merge adjacent lower layers into one (or mount with strata-fuse, which has no such limit)";
        } else if (c == "upper-without-work") {
            f.kernelMessage = "missing 'workdir'";
            f.fix = "give a workdir on the same mount as the upper";
        } else if (c == "upper-overlay") {
            f.kernelMessage = "filesystem on " + shown + " not supported as upperdir";
            f.fix = "put upper and work on the overlay's own upper filesystem, or mount with strata-fuse "
                    "(--backend fuse), which takes an overlay upper";
        } else if (c == "upper-readonly") {
            f.kernelMessage = "filesystem on " + shown + " is read-only";
            f.fix = "remount the upper filesystem read-write, or mount the stack read-only without upper and work";
        } else if (c == "upper-remote") {
            f.kernelMessage = "upper fs missing required features";
            f.fix = "mount with strata-fuse (--backend fuse), or move upper and work to a local filesystem";
        } else if (c == "work-other-mount") {
            f.kernelMessage = "workdir and upperdir must reside under the same mount";
            f.fix = "create the workdir beside the upper, on the same mount (not through another bind mount)";
            struct stat us {}, ws {};
            f.fuseRefuses = ::stat(upperPath().c_str(), &us) == 0 && ::stat(workPath().c_str(), &ws) == 0
                && us.st_dev != ws.st_dev;
        } else if (c == "volatile-dirty") {
            f.kernelMessage = "overlay with incompat feature 'volatile' cannot be mounted";
            f.cause = "a volatile mount of this stack did not end with a sync: its writes may never have reached "
                      "the disk, so the kernel refuses to mount the upper again ("
                + displayName(workPath()) + "/work/incompat/volatile)";
            f.fix = "if the system did not crash since that mount, sync the upper filesystem and remove the marker; "
                    "otherwise discard the upper";
            f.repair = "stratactl repair TARGET --volatile";
        } else if (c == "layer-in-use") {
            const bool index = optionOn(m_spec, "index", "index");
            const std::string which = f.role == LayerRole::Work ? "workdir" : "upperdir";
            f.kernelMessage = index ? which
                    + " is in-use as upperdir/workdir of another mount, mount with '-o index=off' to override "
                      "exclusive upperdir protection"
                                    : which
                    + " is in-use as upperdir/workdir of another mount, accessing files from both mounts will "
                      "result in undefined behavior";
            f.kernelRefuses = index;
            f.severity = index ? Severity::Error : Severity::Warning;
            f.fuseRefuses = false;
            f.fix = "unmount the other overlay first, or give this stack its own upper and workdir";
        } else if (c == "layer-overlap") {
            f.kernelMessage = f.role == LayerRole::Work ? "workdir and upperdir must be separate subtrees"
                                                        : "conflicting lowerdir path";
            f.fix = "use layers that do not contain one another";
        } else if (c == "casefold-mismatch") {
            f.kernelMessage = "case-insensitive capable filesystem on " + shown + " not supported";
            f.fix = "use layers that agree on case sensitivity";
        } else if (c == "lower-on-overlay") {
            f.fix = "nothing to do now; an overlay over this one would exceed the kernel's stacking depth";
        } else if (c == "upper-no-d-type") {
            f.kernelMessage = "upper fs needs to support d_type";
            f.fix = "use an upper filesystem with d_type (xfs: mkfs.xfs -n ftype=1)";
        } else if (c == "upper-no-xattrs") {
            f.kernelMessage = "upper fs does not support xattr";
            f.fix = "use an upper filesystem with xattrs in the namespace the mount uses";
        } else if (c == "bad-option") {
            f.fix = "correct or drop the option";
        } else if (c == "no-lower" || c == "work-without-upper" || c == "layer-nested") {
            f.fix = c == "no-lower" ? "give at least one lower layer" : "see the cause";
        }
    }

    // strata-fuse's verdict on the upper, from the decision its mount makes
    // (chooseUpperFormat): refused naming the missing feature, or served with xattr
    // whiteouts or staged renames where the upper lacks 0/0 devices or RENAME_WHITEOUT.
    void checkFuseFormat(const UpperFeatures &feats, bool user)
    {
        const std::string ns = user ? "user" : "trusted";
        const auto v = chooseUpperFormat(feats, ns);
        if (!v.format) {
            DoctorFinding &f = add("upper-fuse-format", Severity::Error, LayerRole::Upper, 0, upperPath());
            f.kernelRefuses = false; // the kernel's own findings say whether it does
            f.fuseRefuses = true;
            f.cause = "strata-fuse cannot store the overlay format on this upper filesystem (" + feats.fsType
                + "): missing " + v.missing;
            f.fix = feats.xattrs || user ? "use an upper filesystem that stores these (for FUSE: a server with xattr "
                                           "support)"
                                         : "mount with -o userxattr, or use an upper filesystem with trusted xattrs";
            return;
        }
        if (v.format->whiteout == WhiteoutForm::Chardev && v.format->renameWhiteout && feats.dType)
            return; // the kernel's own format, written as the kernel writes it
        DoctorFinding &f = add("upper-fuse-staged", Severity::Info, LayerRole::Upper, 0, upperPath());
        f.kernelRefuses = false;
        f.fuseRefuses = false;
        f.cause = v.format->whiteout == WhiteoutForm::Xattr ? "the upper filesystem (" + feats.fsType
                + ") cannot hold 0/0 whiteouts (mknod: " + feats.mknodError + "): strata-fuse writes xattr whiteouts ("
                + ns + ".overlay.whiteout, directories marked opaque=x) and renames in undoable steps"
            : v.format->renameWhiteout
            ? "the upper filesystem (" + feats.fsType + ") reports no d_type: strata-fuse stats what it lists"
            : "the upper filesystem (" + feats.fsType
                + ") has no RENAME_WHITEOUT: strata-fuse renames in undoable steps";
        f.fix = "nothing: strata-fuse serves it";
    }

    // What the kernel tries in work/work, tried for real. Remote uppers must pass
    // (d_type, RENAME_WHITEOUT, xattrs); local ones degrade with a warning.
    void checkUpperFeatures()
    {
        if (!m_spec.upper || !m_spec.work || !m_opts.probeWorkdir || find("layer-missing") || find("upper-readonly"))
            return;
        // strata-fuse writes in the namespace it can (user.overlay.* without CAP_SYS_ADMIN).
        const bool fuseUser = m_spec.has("userxattr") || !canReadTrustedXattrs();
        auto feats = probeUpperFeatures(*m_spec.work, m_spec.has("userxattr"));
        if (!feats)
            return; // the preflight's verdicts stand
        if (fuseUser != m_spec.has("userxattr")) {
            if (auto fuseFeats = probeUpperFeatures(*m_spec.work, fuseUser))
                checkFuseFormat(*fuseFeats, fuseUser);
        } else {
            checkFuseFormat(*feats, fuseUser);
        }
        if (find("upper-overlay"))
            return; // the kernel's verdict is given
        const bool remote = find("upper-remote") != nullptr;
        drop("upper-no-d-type");
        drop("upper-no-xattrs");
        const std::string ns = m_spec.has("userxattr") ? "user" : "trusted";
        std::vector<std::string> missing;
        auto degraded = [&](const char *code, const std::string &msg, const std::string &cause, const char *fix) {
            DoctorFinding &f = add(code, Severity::Warning, LayerRole::Upper, 0, upperPath());
            f.kernelMessage = msg;
            f.cause = cause;
            f.fix = fix;
            f.kernelRefuses = false;
        };
        if (!feats->dType) {
            missing.push_back("d_type");
            degraded("upper-no-d-type", "upper fs needs to support d_type",
                     "readdir on the upper filesystem does not report file types, so whiteouts cannot be told "
                     "from files",
                     "use an upper filesystem that reports d_type (xfs: mkfs.xfs -n ftype=1)");
        }
        if (!feats->renameWhiteout) {
            missing.push_back("RENAME_WHITEOUT");
            degraded("upper-no-rename-whiteout", "upper fs does not support RENAME_WHITEOUT",
                     "renameat2(RENAME_WHITEOUT) does not leave a whiteout on the upper filesystem; the kernel "
                     "then whiteouts with two steps, not atomically",
                     "use an upper filesystem that supports RENAME_WHITEOUT");
        }
        if (!feats->tmpfile)
            degraded("upper-no-tmpfile", "upper fs does not support tmpfile",
                     "O_TMPFILE fails on the upper filesystem; copy-up then stages named files in work/",
                     "nothing required: the kernel copes without it");
        if (!feats->xattrs) {
            missing.push_back(ns + ".overlay.* xattrs");
            degraded("upper-no-xattrs", "upper fs does not support xattr",
                     "setting " + ns + ".overlay.opaque in the workdir fails (" + feats->xattrError
                         + "): opaque directories, redirects, metacopy and the index cannot be recorded",
                     "use an upper filesystem that stores these xattrs (for FUSE: a server with xattr support)");
        }
        if (!remote)
            return;
        DoctorFinding *r = find("upper-remote");
        if (missing.empty()) {
            // Since 5.7 a remote (FUSE, virtiofs) upper with every feature mounts.
            r->severity = Severity::Info;
            r->kernelRefuses = false;
            r->fuseRefuses = false;
            r->kernelMessage.clear();
            r->cause = "the upper is on a remote filesystem (its dentries revalidate); it has d_type, "
                       "RENAME_WHITEOUT and "
                + ns + ".overlay.* xattrs, which is what the kernel requires of such an upper";
            r->fix = "nothing: the kernel accepts it";
            return;
        }
        std::string list;
        for (const auto &m : missing)
            list += (list.empty() ? "" : ", ") + m;
        r->code = "upper-missing-features";
        r->severity = Severity::Error;
        r->kernelRefuses = true;
        r->kernelMessage = "upper fs missing required features";
        r->cause = "the upper is on a remote filesystem, whose dentries revalidate: the kernel then requires "
                   "d_type, RENAME_WHITEOUT and working xattrs, and this one lacks: "
            + list;
        r->fix = find("upper-fuse-format") ? "give the upper filesystem the missing features"
                                           : "mount with strata-fuse (--backend fuse), which writes the overlay format "
                                             "in a form this upper holds, or give the upper filesystem the missing "
                                             "features";
    }

    void checkWriteback()
    {
        if (!m_spec.upper || !m_opts.checkWriteback || find("layer-missing"))
            return;
        auto err = syncfsError(*m_spec.upper);
        if (!err || *err == 0)
            return;
        // This syncfs marked the error seen; a volatile upper's checkpoint keeps it.
        if (m_spec.work)
            (void)recordWritebackError(*m_spec.work, *err);
        const bool vol = m_spec.isVolatile();
        DoctorFinding &f
            = add("writeback-error", vol ? Severity::Error : Severity::Warning, LayerRole::Upper, 0, upperPath());
        f.kernelMessage = "Cannot mount volatile when upperdir has an unseen error. Sync upperdir fs to clear state";
        f.kernelRefuses = vol;
        f.cause = std::string("the upper filesystem had a writeback error nobody had seen (syncfs: ")
            + std::strerror(*err)
            + "): data written to it earlier may never have reached the disk. This check has now marked the "
              "error seen, so the kernel will not report it again";
        f.fix = "check the upper's device and what was written last; a volatile upper from before the error "
                "must be discarded";
        f.repair = find("volatile-dirty") ? "stratactl repair TARGET --volatile --discard-upper" : "";
        if (auto *v = find("volatile-dirty"))
            v->repair = f.repair;
    }

    void checkDepth()
    {
        int deepest = 0;
        std::string via;
        auto consider = [&](const std::string &p) {
            const int d = stackDepthOf(p);
            if (d > deepest) {
                deepest = d;
                via = p;
            }
        };
        for (const auto &l : m_spec.lowers)
            consider(l);
        for (const auto &l : m_spec.dataLayers)
            consider(l);
        if (m_spec.upper)
            consider(*m_spec.upper);
        if (deepest + 1 <= kMaxStackDepth)
            return;
        DoctorFinding &f = add("stack-depth", Severity::Error, LayerRole::Stack, 0, {});
        f.kernelMessage = "maximum fs stacking depth exceeded";
        f.cause = "the layer " + displayName(via) + " is already " + std::to_string(deepest)
            + " overlay(s) deep; this overlay would be " + std::to_string(deepest + 1)
            + " and the kernel stacks at most " + std::to_string(kMaxStackDepth);
        f.fix = "give the layers of the overlay underneath directly (flatten the stack), or mount with strata-fuse";
        f.fuseRefuses = false;
    }

    void checkLengths()
    {
        for (size_t i = 0; i < m_spec.lowers.size() + m_spec.dataLayers.size(); ++i) {
            const bool data = i >= m_spec.lowers.size();
            const std::string &p = data ? m_spec.dataLayers[i - m_spec.lowers.size()] : m_spec.lowers[i];
            if (p.size() > kFsconfigStringLimit)
                longPath(data ? LayerRole::Data : LayerRole::Lower, data ? i - m_spec.lowers.size() : i, p);
        }
        if (m_spec.upper && m_spec.upper->size() > kFsconfigStringLimit)
            longPath(LayerRole::Upper, 0, *m_spec.upper);
        if (m_spec.work && m_spec.work->size() > kFsconfigStringLimit)
            longPath(LayerRole::Work, 0, *m_spec.work);
        if (m_spec.lowers.empty())
            return;
        if (auto data = formatLegacyMountData(m_spec); data)
            return;
        size_t len = 0;
        for (const auto &l : m_spec.lowers)
            len += escapeLayerPath(l).size() + 1;
        DoctorFinding &f = add("options-too-long", Severity::Warning, LayerRole::Stack, 0, {});
        f.kernelRefuses = false;
        f.cause = "the options as one mount(2) string take more than " + std::to_string(kLegacyDataLimit)
            + " bytes (lowerdir= alone about " + std::to_string(len)
            + "): mount(2) copies one page and cuts the rest, so tools that mount with one string (older "
              "util-linux, runc, scripts calling mount -t overlay on kernels before 6.8) fail or mount the wrong "
              "layers. Strata passes every layer through fsconfig, which has no such limit";
        f.fix = "mount with Strata (stratactl mount), or shorten the paths (short symlinks to the layers)";
    }

    void longPath(LayerRole role, size_t index, const std::string &p)
    {
        DoctorFinding &f = add("path-too-long-for-fsconfig", Severity::Error, role, index, p);
        f.cause = "the path is " + std::to_string(p.size()) + " bytes; fsconfig(2) takes strings of at most "
            + std::to_string(kFsconfigStringLimit) + " bytes and answers EINVAL before overlayfs sees it";
        f.fix = "give the layer through a shorter path (a symlink or bind mount), or mount with strata-fuse";
        f.fuseRefuses = false;
    }

    void checkLayerXattrs()
    {
        const bool redirectsOn = redirectsFollowed(m_spec), metacopyOn = metacopyFollowed(m_spec);
        const bool user = m_spec.has("userxattr");
        std::vector<std::pair<LayerRole, std::pair<size_t, std::string>>> layers;
        for (size_t i = 0; i < m_spec.lowers.size(); ++i)
            layers.push_back({LayerRole::Lower, {i, m_spec.lowers[i]}});
        for (size_t i = 0; i < m_spec.dataLayers.size(); ++i)
            layers.push_back({LayerRole::Data, {i, m_spec.dataLayers[i]}});
        if (m_spec.upper)
            layers.push_back({LayerRole::Upper, {0, *m_spec.upper}});
        for (const auto &[role, at] : layers) {
            const auto &[index, path] = at;
            const LayerXattrs x = scanLayerXattrs(path, m_opts.scanBudget);
            if (x.redirects && !redirectsOn) {
                DoctorFinding &f = add("redirect-not-followed", Severity::Warning, role, index, path);
                f.kernelMessage = "refusing to follow redirect for (";
                f.atMount = false;
                f.cause = std::to_string(x.redirects) + " director" + (x.redirects == 1 ? "y" : "ies")
                    + " carry overlay.redirect (first: " + displayName(x.firstRedirect)
                    + ") but the options turn redirects off: the kernel mounts, then refuses those directories "
                      "with EPERM on lookup";
                f.fix = user ? "mount without userxattr in the trusted namespace, or with redirect_dir=follow"
                             : "mount with redirect_dir=on (or follow)";
                f.kernelRefuses = false;
            }
            if (x.metacopies && !metacopyOn) {
                DoctorFinding &f = add("metacopy-not-followed", Severity::Warning, role, index, path);
                f.kernelMessage = "refusing to follow metacopy origin for (";
                f.atMount = false;
                f.cause = std::to_string(x.metacopies)
                    + " file(s) are metacopy-only (first: " + displayName(x.firstMetacopy)
                    + ") but the options turn metacopy off: their data is in a lower layer the kernel will not "
                      "follow, so lookups fail with EPERM";
                f.fix = "mount with metacopy=on (and redirect_dir=on)";
                f.kernelRefuses = false;
            }
            const size_t own = user ? x.user : x.trusted, other = user ? x.trusted : x.user;
            if (other > 0 && own == 0 && (user || x.trustedReadable)) {
                DoctorFinding &f = add("xattr-namespace-mismatch", Severity::Warning, role, index, path);
                f.cause = std::string("the layer's overlay metadata is in ") + (user ? "trusted" : "user")
                    + ".overlay.* but the mount reads " + (user ? "user" : "trusted")
                    + ".overlay.*: opaque directories, redirects and origins are ignored and the merged view "
                      "differs from the one the layer was written for";
                f.fix = user ? "mount without userxattr (as root)" : "mount with userxattr";
                f.kernelRefuses = false;
            }
        }
    }

    void checkFileHandles()
    {
        // The kernel's condition (ovl_lower_dir): nfs_export, or index=on with an upper.
        const bool nfsExport = m_spec.value("nfs_export") == "on";
        const bool index = optionOn(m_spec, "index", "index") && m_spec.upper;
        if (!index && !nfsExport)
            return;
        for (size_t i = 0; i < m_spec.lowers.size(); ++i) {
            if (supportsFileHandles(m_spec.lowers[i]))
                continue;
            DoctorFinding &f = add("index-no-file-handles", Severity::Warning, LayerRole::Lower, i, m_spec.lowers[i]);
            f.kernelMessage = "fs on '" + m_spec.lowers[i]
                + "' does not support file handles, falling back to index=off,nfs_export=off";
            f.cause = "index=on and nfs_export need file handles they can decode on every layer, and this layer's "
                      "filesystem cannot decode them (an overlay without nfs_export gives identify-only ones): the "
                      "kernel mounts with index=off,nfs_export=off (hard links break on copy-up)";
            f.fix = "mount with index=off, or use a lower filesystem with export support";
            f.kernelRefuses = false;
        }
        if (index && !find("layer-missing") && !supportsFileHandles(*m_spec.upper)) {
            DoctorFinding &f = add("index-no-file-handles", Severity::Warning, LayerRole::Upper, 0, *m_spec.upper);
            f.kernelMessage = "upper fs does not support file handles, falling back to index=off";
            f.cause = "index=on needs file handles on the upper filesystem, which it cannot decode";
            f.fix = "mount with index=off";
            f.kernelRefuses = false;
        }
    }

    const OverlayOptions &m_spec;
    const DoctorOptions &m_opts;
    Diagnosis m_out;
};

} // namespace

bool Diagnosis::refused(Backend b) const
{
    return std::ranges::any_of(
        findings, [&](const DoctorFinding &f) { return b == Backend::Kernel ? f.kernelRefuses : f.fuseRefuses; });
}

Diagnosis diagnose(const OverlayOptions &spec, const DoctorOptions &opts)
{
    return Doctor(spec, opts).run();
}

std::string_view backendName(Backend b)
{
    return b == Backend::Kernel ? "kernel" : "fuse";
}

std::string_view severityName(Severity s)
{
    switch (s) {
    case Severity::Info:
        return "info";
    case Severity::Warning:
        return "warning";
    case Severity::Error:
        break;
    }
    return "error";
}

} // namespace strata::mounts
