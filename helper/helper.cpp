// SPDX-License-Identifier: GPL-2.0-or-later
#include "helper.h"

#include "helperprotocol.h"
#include "inspect.h"
#include "rules/fdmount.h"
#include "rules/mountstate.h"
#include "rules/validation.h"

#include <KAuth/HelperSupport>

#include <QRegularExpression>
#include <QStringList>

using KAuth::ActionReply;

namespace strata::helper {

using namespace protocol;

namespace {

QString key(std::string_view k)
{
    return QString::fromLatin1(k.data(), static_cast<qsizetype>(k.size()));
}

const QRegularExpression kNonce(QStringLiteral("^[0-9a-f]{%1}$").arg(protocol::kNonceHexDigits));

// Errors carry no data in KAuth (only code and description), so the nonce leads
// the description: "NONCE\nmessage". The client checks it before trusting either.
ActionReply failure(const QString &nonce, const Refusal &r)
{
    ActionReply answer = ActionReply::HelperErrorReply(r.code);
    answer.setErrorDescription(nonce + QLatin1Char('\n') + QString::fromStdString(r.message()));
    return answer;
}

ActionReply success(const QString &nonce, QVariantMap data)
{
    ActionReply answer = ActionReply::SuccessReply();
    data.insert(key(reply::kNonce), nonce);
    answer.setData(data);
    return answer;
}

std::optional<Refusal> stringArg(const QVariantMap &args, std::string_view name, bool required,
                                 std::optional<std::string> &out)
{
    const auto it = args.constFind(key(name));
    if (it == args.cend()) {
        if (required)
            return Refusal {BadRequest, std::string(name), "missing"};
        return std::nullopt;
    }
    if (it->typeId() != QMetaType::QString)
        return Refusal {BadRequest, std::string(name), "must be a string"};
    out = it->toString().toStdString();
    return std::nullopt;
}

std::optional<Refusal> listArg(const QVariantMap &args, std::string_view name, std::vector<std::string> &out)
{
    const auto it = args.constFind(key(name));
    if (it == args.cend())
        return std::nullopt;
    if (it->typeId() != QMetaType::QStringList)
        return Refusal {BadRequest, std::string(name), "must be a list of strings"};
    for (const auto &s : it->toStringList())
        out.push_back(s.toStdString());
    return std::nullopt;
}

// An argument the action does not know is refused, not ignored: a client that
// sends data-only layers or a uid must learn that they were not honoured.
std::optional<Refusal> unknownArg(const QVariantMap &args, std::initializer_list<std::string_view> known)
{
    for (auto it = args.cbegin(); it != args.cend(); ++it) {
        bool ok = false;
        for (const auto k : known)
            ok = ok || it.key() == key(k);
        if (!ok)
            return Refusal {BadRequest, it.key().left(64).toStdString(), "is not an argument of this action"};
    }
    return std::nullopt;
}

// The nonce, or an empty string when the request has none (then refused).
QString nonceOf(const QVariantMap &args)
{
    const QString n = args.value(key(arg::kNonce)).toString();
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
        return failure(nonce, {BadRequest, std::string(arg::kNonce), "missing or not 32 lowercase hex digits"});
    if (auto bad = unknownArg(args,
                              {arg::kNonce, arg::kBackend, arg::kLower, arg::kUpper, arg::kWork, arg::kMountpoint,
                               arg::kOptions, arg::kName}))
        return failure(nonce, *bad);
    MountRequest r;
    std::optional<std::string> backend, mountpoint, name;
    for (auto bad : {stringArg(args, arg::kBackend, true, backend), stringArg(args, arg::kMountpoint, true, mountpoint),
                     stringArg(args, arg::kUpper, false, r.upper), stringArg(args, arg::kWork, false, r.work),
                     stringArg(args, arg::kName, false, name), listArg(args, arg::kLower, r.lowers),
                     listArg(args, arg::kOptions, r.options)})
        if (bad)
            return failure(nonce, *bad);
    if (const auto b = backendFromName(*backend))
        r.backend = *b;
    else
        return failure(nonce, {BadRequest, std::string(arg::kBackend), "must be \"kernel\" or \"strata-fuse\""});
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
                   {{key(reply::kMountpoint), QString::fromStdString(r.mountpoint)},
                    {key(reply::kBackend), QString::fromStdString(*backend)},
                    {key(reply::kMessages), messages}});
}

ActionReply StrataHelper::unmount(const QVariantMap &args)
{
    const QString nonce = nonceOf(args);
    if (nonce.isEmpty())
        return failure(nonce, {BadRequest, std::string(arg::kNonce), "missing or not 32 lowercase hex digits"});
    if (auto bad = unknownArg(args, {arg::kNonce, arg::kMountpoint}))
        return failure(nonce, *bad);
    std::optional<std::string> mountpoint;
    if (auto bad = stringArg(args, arg::kMountpoint, true, mountpoint))
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
    return success(nonce, {{key(reply::kMountpoint), QString::fromStdString(*mountpoint)}});
}

ActionReply StrataHelper::readprivileged(const QVariantMap &args)
{
    const QString nonce = nonceOf(args);
    if (nonce.isEmpty())
        return failure(nonce, {BadRequest, std::string(arg::kNonce), "missing or not 32 lowercase hex digits"});
    if (auto bad = unknownArg(args, {arg::kNonce, arg::kLower, arg::kUpper, arg::kWork}))
        return failure(nonce, *bad);
    ReadRequest r;
    for (auto bad : {listArg(args, arg::kLower, r.lowers), stringArg(args, arg::kUpper, false, r.upper),
                     stringArg(args, arg::kWork, false, r.work)})
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
    return success(nonce, {{key(reply::kJson), QString::fromStdString(*json)}});
}

} // namespace strata::helper

KAUTH_HELPER_MAIN("io.github.strata", strata::helper::StrataHelper)
