// SPDX-License-Identifier: GPL-2.0-or-later
#include "mountsequence.h"

#include "volatile.h"

// glibc >= 2.36 declares fsopen/fsconfig/fsmount/move_mount and their constants here;
// <linux/mount.h> redefines the same enums and must not be included with it.
#include <sys/mount.h>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace strata::mounts {

// The fs_context keeps a queue of messages ("e overlay: ..."); each read() returns
// one and ENODATA ends the queue.
std::vector<std::string> readFsContextMessages(int fsfd)
{
    std::vector<std::string> out;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fsfd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        std::string line(buf, static_cast<size_t>(n));
        while (!line.empty() && line.back() == '\n')
            line.pop_back();
        out.push_back(std::move(line));
    }
    return out;
}

namespace {

// A path naming the layer for plain file operations (its magic link when by fd).
std::string layerPath(const LayerRef &layer)
{
    return layer.fd >= 0 ? "/proc/self/fd/" + std::to_string(layer.fd) : layer.path;
}

class Context {
public:
    Context(const std::function<std::string()> &whenSilent, MountTrace *trace)
        : m_whenSilent(whenSilent)
        , m_trace(trace)
    { }

    // The kernel's messages queued so far, kept in the trace too.
    std::vector<std::string> messages()
    {
        auto out = readFsContextMessages(fd.get());
        if (m_trace)
            m_trace->messages.insert(m_trace->messages.end(), out.begin(), out.end());
        return out;
    }

    // The reason of a failed step (`traceStep` names it in the trace): the kernel's
    // messages if it gave any, else what the caller's explanation finds, else only
    // the step (and errno).
    Error failed(int err, const std::string &subject, const std::string &step, const std::string &traceStep)
    {
        if (m_trace)
            m_trace->step = traceStep;
        std::string reason = step;
        std::string said;
        for (const auto &l : messages())
            said += (said.empty() ? "" : "; ") + l;
        if (!said.empty()) {
            reason += ": " + said;
        } else {
            const std::string why = m_whenSilent ? m_whenSilent() : std::string();
            reason += why.empty() ? ": the kernel gave no message (its log may say more)"
                                  : ": the kernel gave no message; " + why;
        }
        return makeError(subject, reason, err);
    }

    // upperdir/workdir strings go through ovl_unescape in the kernel even with
    // fsconfig, so a backslash in such a path is escaped; lowerdir+/datadir+ take
    // the path verbatim. By fd nothing is parsed. A kernel before 6.13 knows no fd
    // for these keys (EINVAL): the same directory is then named by its magic link.
    int set(const char *key, const LayerRef &layer, bool escaped)
    {
        if (layer.fd >= 0) {
            if (::fsconfig(fd.get(), FSCONFIG_SET_FD, key, nullptr, layer.fd) == 0)
                return 0;
            if (errno != EINVAL)
                return -1;
            readFsContextMessages(fd.get());
            return ::fsconfig(fd.get(), FSCONFIG_SET_STRING, key, layerPath(layer).c_str(), 0);
        }
        const std::string value = escaped ? escapeLayerPath(layer.path) : layer.path;
        return ::fsconfig(fd.get(), FSCONFIG_SET_STRING, key, value.c_str(), 0);
    }

    UniqueFd fd;

private:
    const std::function<std::string()> &m_whenSilent;
    MountTrace *m_trace;
};

} // namespace

OverlayLayers layersByPath(const OverlayOptions &spec)
{
    OverlayLayers layers;
    for (const auto &l : spec.lowers)
        layers.lowers.push_back(LayerRef::byPath(l));
    for (const auto &d : spec.dataLayers)
        layers.dataLayers.push_back(LayerRef::byPath(d));
    if (spec.upper)
        layers.upper = LayerRef::byPath(*spec.upper);
    if (spec.work)
        layers.work = LayerRef::byPath(*spec.work);
    layers.options = spec.others;
    return layers;
}

Result<DetachedMount> createOverlay(const OverlayLayers &layers, unsigned mountAttrs,
                                    const std::function<std::string()> &whenSilent)
{
    if (layers.lowers.empty())
        return fail(makeError(layers.subject, "an overlay needs at least one regular lower layer", EINVAL));
    Context ctx(whenSilent, layers.trace);
    ctx.fd.reset(::fsopen("overlay", FSOPEN_CLOEXEC));
    if (!ctx.fd) {
        if (layers.trace)
            layers.trace->step = "fsopen overlay";
        return fail(sysError(errno, layers.subject, "fsopen(\"overlay\") failed; is overlayfs available?"));
    }

    for (const auto &[key, list] :
         {std::pair {"lowerdir+", &layers.lowers}, std::pair {"datadir+", &layers.dataLayers}})
        for (const auto &layer : *list)
            if (ctx.set(key, layer, false) != 0)
                return fail(ctx.failed(errno, layer.named(), std::string("the kernel refused ") + key,
                                       std::string("fsconfig ") + key));
    for (const auto &[key, layer] : {std::pair {"upperdir", &layers.upper}, std::pair {"workdir", &layers.work}})
        if (*layer && ctx.set(key, **layer, true) != 0)
            return fail(ctx.failed(errno, (*layer)->named(), std::string("the kernel refused ") + key,
                                   std::string("fsconfig ") + key));
    for (const auto &o : layers.options) {
        const int rc = o.value ? ::fsconfig(ctx.fd.get(), FSCONFIG_SET_STRING, o.key.c_str(), o.value->c_str(), 0)
                               : ::fsconfig(ctx.fd.get(), FSCONFIG_SET_FLAG, o.key.c_str(), nullptr, 0);
        if (rc != 0)
            return fail(ctx.failed(errno, "option " + o.key, "the kernel refused the option", "fsconfig " + o.key));
    }
    if (::fsconfig(ctx.fd.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0)
        return fail(
            ctx.failed(errno, layers.subject, "the kernel refused to create the overlay", "FSCONFIG_CMD_CREATE"));

    // The kernel has put its dirty marker in the workdir: record what
    // `stratactl repair --volatile` will need to tell whether the upper is intact. A
    // checkpoint that cannot be written leaves that repair refusing (no checkpoint),
    // never wrongly accepting, so the mount goes on.
    if (layers.recordVolatile && layers.upper && layers.work && mountsVolatile(layers.options))
        (void)recordVolatileMount(layerPath(*layers.upper), layerPath(*layers.work), "kernel");

    DetachedMount out;
    out.kernelMessages = ctx.messages();
    out.mount.reset(::fsmount(ctx.fd.get(), FSMOUNT_CLOEXEC, mountAttrs));
    if (!out.mount) {
        if (layers.trace)
            layers.trace->step = "fsmount";
        return fail(sysError(errno, layers.subject, "fsmount failed"));
    }
    return out;
}

Result<void> attachMount(int mountFd, int dirFd, const std::string &path, const std::string &subject)
{
    const unsigned flags = MOVE_MOUNT_F_EMPTY_PATH | (path.empty() ? MOVE_MOUNT_T_EMPTY_PATH : 0);
    if (::move_mount(mountFd, "", dirFd, path.c_str(), flags) != 0)
        return fail(sysError(errno, subject, "cannot attach the overlay here (move_mount)"));
    return {};
}

} // namespace strata::mounts
