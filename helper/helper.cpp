// SPDX-License-Identifier: GPL-2.0-or-later
#include "helper.h"

#include "codes.h"
#include "inspect.h"
#include "rules/fdmount.h"
#include "rules/mountstate.h"
#include "rules/validation.h"

#include <KAuth/HelperSupport>

#include <QRegularExpression>
#include <QStringList>

using KAuth::ActionReply;

namespace strata::helper {

namespace {

const QRegularExpression kNonce(QStringLiteral("^[0-9a-f]{32}$"));

// Errors carry no data in KAuth (only code and description), so the nonce leads
// the description: "NONCE\nmessage". The client checks it before trusting either.
ActionReply failure(const QString &nonce, const Refusal &r)
{
    ActionReply reply = ActionReply::HelperErrorReply(r.code);
    reply.setErrorDescription(nonce + QLatin1Char('\n') + QString::fromStdString(r.message()));
    return reply;
}

ActionReply success(const QString &nonce, QVariantMap data)
{
    ActionReply reply = ActionReply::SuccessReply();
    data.insert(QStringLiteral("nonce"), nonce);
    reply.setData(data);
    return reply;
}

std::optional<Refusal> stringArg(const QVariantMap &args, const char *key, bool required,
                                 std::optional<std::string> &out)
{
    const auto it = args.constFind(QLatin1String(key));
    if (it == args.cend()) {
        if (required)
            return Refusal {BadRequest, key, "missing"};
        return std::nullopt;
    }
    if (it->typeId() != QMetaType::QString)
        return Refusal {BadRequest, key, "must be a string"};
    out = it->toString().toStdString();
    return std::nullopt;
}

std::optional<Refusal> listArg(const QVariantMap &args, const char *key, std::vector<std::string> &out)
{
    const auto it = args.constFind(QLatin1String(key));
    if (it == args.cend())
        return std::nullopt;
    if (it->typeId() != QMetaType::QStringList)
        return Refusal {BadRequest, key, "must be a list of strings"};
    for (const auto &s : it->toStringList())
        out.push_back(s.toStdString());
    return std::nullopt;
}

// An argument the action does not know is refused, not ignored: a client that
// sends data-only layers or a uid must learn that they were not honoured.
std::optional<Refusal> unknownArg(const QVariantMap &args, std::initializer_list<const char *> known)
{
    for (auto it = args.cbegin(); it != args.cend(); ++it) {
        bool ok = false;
        for (const char *k : known)
            ok = ok || it.key() == QLatin1String(k);
        if (!ok)
            return Refusal {BadRequest, it.key().left(64).toStdString(), "is not an argument of this action"};
    }
    return std::nullopt;
}

// The nonce, or an empty string when the request has none (then refused).
QString nonceOf(const QVariantMap &args)
{
    const QString n = args.value(QStringLiteral("nonce")).toString();
    return kNonce.match(n).hasMatch() ? n : QString();
}

Caller caller()
{
    return Caller::fromUid(static_cast<uid_t>(KAuth::HelperSupport::callerUid()));
}

} // namespace

ActionReply StrataHelper::mount(const QVariantMap &args)
{
    const QString nonce = nonceOf(args);
    if (nonce.isEmpty())
        return failure(nonce, {BadRequest, "nonce", "missing or not 32 lowercase hex digits"});
    if (auto bad = unknownArg(args, {"nonce", "backend", "lower", "upper", "work", "mountpoint", "options", "name"}))
        return failure(nonce, *bad);
    MountRequest r;
    std::optional<std::string> backend, mountpoint, name;
    for (auto bad :
         {stringArg(args, "backend", true, backend), stringArg(args, "mountpoint", true, mountpoint),
          stringArg(args, "upper", false, r.upper), stringArg(args, "work", false, r.work),
          stringArg(args, "name", false, name), listArg(args, "lower", r.lowers), listArg(args, "options", r.options)})
        if (bad)
            return failure(nonce, *bad);
    if (*backend == "kernel")
        r.backend = Backend::Kernel;
    else if (*backend == "strata-fuse")
        r.backend = Backend::StrataFuse;
    else
        return failure(nonce, {BadRequest, "backend", "must be \"kernel\" or \"strata-fuse\""});
    r.mountpoint = *mountpoint;
    r.name = name.value_or(std::string());
    // An empty upper/work string means none (QVariantMap has no null string).
    if (r.upper && r.upper->empty())
        r.upper.reset();
    if (r.work && r.work->empty())
        r.work.reset();

    const Caller who = caller();
    auto v = validateMount(r, who);
    if (!v)
        return failure(nonce, v.error());
    // The records must be writable before anything is mounted: a mount that no one
    // may unmount through the helper is worse than none.
    MountState state;
    if (auto ok = state.load(); !ok)
        return failure(nonce, ok.error());
    Checked<MountDone> done = std::unexpected(Refusal {Internal, "mount", "not attempted"});
    if (v->backend == Backend::Kernel) {
        done = mountKernelByFd(*v);
    } else {
        auto engine = findEngine(STRATA_FUSE_INSTALLED);
        if (!engine)
            return failure(nonce, engine.error());
        done = mountEngine(*v, *engine);
    }
    if (!done)
        return failure(nonce, done.error());
    if (auto ok = state.add({done->mountId, who.uid, *backend, r.mountpoint, r.name}); !ok) {
        // Unrecorded, the caller could never unmount it through the helper: undo it.
        Refusal why = ok.error();
        if (auto undone = unmountByFd(done->root.get(), v->mountpoint.subject()); undone)
            why.rule += "; the new mount was undone";
        else
            why.rule += "; the new mount could not be undone either: " + undone.error().rule;
        return failure(nonce, why);
    }
    QStringList messages;
    for (const auto &m : done->kernelMessages)
        messages << QString::fromStdString(m);
    return success(nonce,
                   {{QStringLiteral("mountpoint"), QString::fromStdString(r.mountpoint)},
                    {QStringLiteral("backend"), QString::fromStdString(*backend)},
                    {QStringLiteral("messages"), messages}});
}

ActionReply StrataHelper::unmount(const QVariantMap &args)
{
    const QString nonce = nonceOf(args);
    if (nonce.isEmpty())
        return failure(nonce, {BadRequest, "nonce", "missing or not 32 lowercase hex digits"});
    if (auto bad = unknownArg(args, {"nonce", "mountpoint"}))
        return failure(nonce, *bad);
    std::optional<std::string> mountpoint;
    if (auto bad = stringArg(args, "mountpoint", true, mountpoint))
        return failure(nonce, *bad);
    const Caller who = caller();
    auto root = resolveMountRoot(*mountpoint, who);
    if (!root)
        return failure(nonce, root.error());
    MountState state;
    auto record = state.find(root->mountId);
    if (!record)
        return failure(nonce, record.error());
    if (!*record)
        return failure(nonce, {NotAStrataMount, root->subject(), "was not mounted by strata-helper"});
    if (!who.isRoot() && (*record)->owner != who.uid)
        return failure(nonce,
                       {NotMountOwner, root->subject(),
                        "was mounted for uid " + std::to_string((*record)->owner)
                            + "; only that user or root "
                              "may unmount it"});
    if (auto ok = unmountByFd(*root); !ok)
        return failure(nonce, ok.error());
    if (auto ok = state.remove(root->mountId); !ok)
        return failure(nonce, ok.error());
    return success(nonce, {{QStringLiteral("mountpoint"), QString::fromStdString(*mountpoint)}});
}

ActionReply StrataHelper::readprivileged(const QVariantMap &args)
{
    const QString nonce = nonceOf(args);
    if (nonce.isEmpty())
        return failure(nonce, {BadRequest, "nonce", "missing or not 32 lowercase hex digits"});
    if (auto bad = unknownArg(args, {"nonce", "lower", "upper", "work"}))
        return failure(nonce, *bad);
    ReadRequest r;
    for (auto bad : {listArg(args, "lower", r.lowers), stringArg(args, "upper", false, r.upper),
                     stringArg(args, "work", false, r.work)})
        if (bad)
            return failure(nonce, *bad);
    if (r.upper && r.upper->empty())
        r.upper.reset();
    if (r.work && r.work->empty())
        r.work.reset();
    auto v = validateRead(r, caller());
    if (!v)
        return failure(nonce, v.error());
    auto json = inspectPrivileged(*v);
    if (!json)
        return failure(nonce, json.error());
    return success(nonce, {{QStringLiteral("json"), QString::fromStdString(*json)}});
}

} // namespace strata::helper

KAUTH_HELPER_MAIN("io.github.strata", strata::helper::StrataHelper)
