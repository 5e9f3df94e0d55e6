// SPDX-License-Identifier: GPL-2.0-or-later
#include "helpermounter.h"

#include "stack/mountoptions.h"

#include "helperprotocol.h"

#include <KAuth/Action>
#include <KAuth/ExecuteJob>

#include <QRandomGenerator>

namespace strata::app {

namespace proto = helper::protocol;

namespace {

QString key(std::string_view k)
{
    return QString::fromLatin1(k.data(), static_cast<qsizetype>(k.size()));
}

QString makeNonce()
{
    static_assert(proto::kNonceHexDigits == 32, "four 32-bit words, 8 hex digits each");
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    QString out;
    for (quint32 w : words)
        out += QStringLiteral("%1").arg(w, 8, 16, QLatin1Char('0'));
    return out;
}

QString fromBytes(const std::string &s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

void putLayers(QVariantMap &args, const stack::StackSpec &spec)
{
    QStringList lower;
    for (const auto &l : spec.lower)
        lower << fromBytes(l);
    args.insert(key(proto::arg::kLower), lower);
    if (spec.upper)
        args.insert(key(proto::arg::kUpper), fromBytes(*spec.upper));
    if (spec.work)
        args.insert(key(proto::arg::kWork), fromBytes(*spec.work));
    // The helper does not mount data-only layers yet; sent anyway so that it refuses
    // the request (unknown argument) instead of mounting a stack without them.
    if (!spec.data.empty()) {
        QStringList data;
        for (const auto &d : spec.data)
            data << fromBytes(d);
        args.insert(key(proto::arg::kData), data);
    }
}

} // namespace

HelperMounter::HelperMounter(QObject *parent)
    : Mounter(parent)
{
    m_watchdog.setSingleShot(true);
    connect(&m_watchdog, &QTimer::timeout, this, &HelperMounter::onWatchdog);
}

HelperMounter::~HelperMounter()
{
    if (m_job)
        m_job->kill(KJob::Quietly);
}

QString HelperMounter::helperId()
{
    return key(proto::kHelperId);
}

QString HelperMounter::name() const
{
    return tr("privileged helper");
}

bool HelperMounter::supports(Backend) const
{
    return true;
}

quint64 HelperMounter::mount(const MountRequest &request)
{
    QVariantMap args;
    putLayers(args, request.spec);
    // The stack's options as core's one rule gives them (userxattr for a stack in the
    // user namespace included); the layers travel separately, by role.
    QStringList options;
    for (const auto &o : stack::overlayOptionsFor(request.spec).others)
        options << fromBytes(o.value ? o.key + "=" + *o.value : o.key);
    args.insert(key(proto::arg::kOptions), options);
    args.insert(key(proto::arg::kMountpoint), request.mountpoint);
    args.insert(key(proto::arg::kBackend), key(helper::backendName(request.backend)));
    if (!request.spec.name.empty())
        args.insert(key(proto::arg::kName), fromBytes(request.spec.name));
    return enqueue(key(proto::action::kMount), args, request.mountpoint);
}

quint64 HelperMounter::unmount(const QString &mountpoint)
{
    return enqueue(key(proto::action::kUnmount), {{key(proto::arg::kMountpoint), mountpoint}}, mountpoint);
}

quint64 HelperMounter::readPrivileged(const stack::StackSpec &spec)
{
    QVariantMap args;
    putLayers(args, spec);
    return enqueue(key(proto::action::kReadPrivileged), args, {});
}

quint64 HelperMounter::enqueue(const QString &action, QVariantMap args, const QString &mountpoint)
{
    Pending p;
    p.id = m_nextId++;
    p.action = action;
    p.nonce = makeNonce();
    args.insert(key(proto::arg::kNonce), p.nonce);
    p.args = std::move(args);
    p.mountpoint = mountpoint;
    m_queue.enqueue(std::move(p));
    // Started from the event loop, so the caller has its id before any signal.
    QTimer::singleShot(0, this, &HelperMounter::startNext);
    return m_queue.back().id;
}

void HelperMounter::startNext()
{
    if (m_current || m_queue.isEmpty())
        return;
    m_current = m_queue.dequeue();
    KAuth::Action action(helperId() + QLatin1Char('.') + m_current->action);
    action.setHelperId(helperId());
    action.setArguments(m_current->args);
    action.setTimeout(m_timeoutMs);
    KAuth::ExecuteJob *job = action.execute();
    m_job = job;
    connect(job, &KJob::result, this, &HelperMounter::onResult);
    m_watchdog.start(m_timeoutMs + 2000);
    job->start();
}

void HelperMounter::onResult(KJob *kjob)
{
    if (kjob != m_job || !m_current)
        return;
    m_watchdog.stop();
    m_job = nullptr;
    auto *job = static_cast<KAuth::ExecuteJob *>(kjob);
    MountResult r;
    r.mountpoint = m_current->mountpoint;
    QString json;
    const int code = job->error();
    if (code == 0) {
        const QVariantMap data = job->data();
        if (data.value(key(proto::reply::kNonce)).toString() != m_current->nonce) {
            if (retryAfterMismatch())
                return;
            r.code = helper::ReplyMismatch;
            r.message = messageForCode(r.code);
        } else {
            r.ok = true;
            json = data.value(key(proto::reply::kJson)).toString();
        }
    } else if (code >= 100) {
        // "NONCE\nmessage": without our nonce it is some other request's answer.
        const QString text = job->errorText();
        const qsizetype nl = text.indexOf(QLatin1Char('\n'));
        if (nl < 0 || text.left(nl) != m_current->nonce) {
            if (retryAfterMismatch())
                return;
            r.code = helper::ReplyMismatch;
            r.message = messageForCode(r.code);
        } else {
            r.code = code;
            r.message = messageForCode(code, text.mid(nl + 1));
        }
    } else {
        // KAuth's own codes carry no data of ours; a crossed one can only be a
        // failure that is not ours, never someone else's result.
        r.code = code;
        r.message = messageForCode(code, job->errorText());
    }
    finish(r, json);
}

// Another client's reply ended our job (KAuth matches replies by action name only).
// Whether our request ran is unknown: the helper may have refused it as busy, or
// may still run it. Reading is idempotent, so it is sent again with a fresh nonce;
// a mount or unmount is not, so its caller learns the state is unknown (190).
bool HelperMounter::retryAfterMismatch()
{
    constexpr int kMaxAttempts = 3;
    if (m_current->action != key(proto::action::kReadPrivileged) || m_current->attempts + 1 >= kMaxAttempts)
        return false;
    Pending again = *m_current;
    ++again.attempts;
    again.nonce = makeNonce();
    again.args.insert(key(proto::arg::kNonce), again.nonce);
    m_current.reset();
    m_queue.prepend(std::move(again));
    QTimer::singleShot(0, this, &HelperMounter::startNext);
    return true;
}

void HelperMounter::onWatchdog()
{
    if (!m_current)
        return;
    if (m_job)
        m_job->kill(KJob::Quietly); // no result signal follows
    m_job = nullptr;
    MountResult r;
    r.code = helper::Timeout;
    r.message = messageForCode(r.code);
    r.mountpoint = m_current->mountpoint;
    finish(r);
}

void HelperMounter::finish(const MountResult &result, const QString &json)
{
    const Pending done = *m_current;
    m_current.reset();
    if (done.action == key(proto::action::kReadPrivileged))
        Q_EMIT readFinished(done.id, result, json);
    else
        Q_EMIT finished(done.id, result);
    QTimer::singleShot(0, this, &HelperMounter::startNext);
}

QString HelperMounter::messageForCode(int code, const QString &detail)
{
    using namespace helper;
    QString text;
    switch (code) {
    case 0:
        text = tr("Done.");
        break;
    case 1:
        text = tr("The privileged helper is not installed or could not be started.");
        break;
    case 2:
        text = tr("The system does not know this action; the helper's polkit policy is not installed.");
        break;
    case 3:
        text = tr("The action is not valid.");
        break;
    case 4:
        text = tr("Not authorized: the system's policy does not allow you to do this.");
        break;
    case 5:
        text = tr("Authorization was cancelled.");
        break;
    case 6:
        text = tr("The helper is busy with another request; try again.");
        break;
    case 7:
        text = tr("The request was already started.");
        break;
    case 8:
        text = tr("Could not contact the privileged helper (D-Bus).");
        break;
    case 9:
        text = tr("The authorization system failed.");
        break;
    case BadRequest:
        text = tr("The request is malformed.");
        break;
    case NotAbsolute:
        text = tr("A path is not absolute.");
        break;
    case NotCanonical:
        text = tr("A path is not canonical (it contains \".\", \"..\", \"//\" or a trailing slash).");
        break;
    case ControlCharacter:
        text = tr("A path contains a control character such as a newline.");
        break;
    case Separator:
        text = tr("A path contains ',', ':' or '\\', which separate mount options.");
        break;
    case PathTooLong:
        text = tr("A path is empty or too long.");
        break;
    case SymlinkComponent:
        text = tr("A path is or passes through a symbolic link.");
        break;
    case NotFound:
        text = tr("A directory does not exist.");
        break;
    case NotDirectory:
        text = tr("A path is not a directory.");
        break;
    case NotReadable:
        text = tr("You cannot read a layer directory.");
        break;
    case LowerNotReadableInside:
        text = tr("A lower layer holds a directory you cannot read, or a mount point; mounting it would show "
                  "you what it hides.");
        break;
    case NotOwner:
        text = tr("The upper directory, work directory and mount point must be your own.");
        break;
    case SystemDirectory:
        text = tr("The mount point is a system directory or inside one.");
        break;
    case OptionNotAllowed:
        text = tr("A mount option is not allowed.");
        break;
    case TooManyLayers:
        text = tr("The stack has more lower layers than allowed.");
        break;
    case NoLowerLayer:
        text = tr("The stack has too few lower layers.");
        break;
    case UpperInsideLower:
        text = tr("The upper or work directory is inside a lower layer.");
        break;
    case DifferentFilesystems:
        text = tr("The work directory must be on the same file system as the upper directory.");
        break;
    case OverlappingLayers:
        text = tr("Two layers overlap.");
        break;
    case UpperWithoutWork:
        text = tr("An upper directory needs a work directory, and the other way round.");
        break;
    case BadName:
        text = tr("The stack name may hold only letters, digits, '.', '_' and '-'.");
        break;
    case NotUtf8:
        text = tr("A path is not valid UTF-8.");
        break;
    case MountpointBusy:
        text = tr("The mount point cannot be used: it is inside a writable layer.");
        break;
    case KernelRefused:
        text = tr("The kernel refused the overlay mount.");
        break;
    case EngineMissing:
        text = tr("The Strata engine (strata-fuse) is not installed.");
        break;
    case EngineFailed:
        text = tr("The Strata engine could not mount the stack.");
        break;
    case EngineTimeout:
        text = tr("The Strata engine did not start in time.");
        break;
    case NotMounted:
        text = tr("Nothing is mounted there.");
        break;
    case NotAStrataMount:
        text = tr("That mount was not made by Strata's helper.");
        break;
    case NotMountOwner:
        text = tr("That mount belongs to another user.");
        break;
    case UnmountFailed:
        text = tr("The kernel refused to unmount (is it busy?).");
        break;
    case StateError:
        text = tr("The helper's record of mounts is damaged.");
        break;
    case InspectFailed:
        text = tr("The stack could not be read.");
        break;
    case ReplyMismatch:
        text = tr("The helper's answer belonged to another request and was discarded; whether yours ran is "
                  "unknown: check the mounts, then try again.");
        break;
    case Timeout:
        text = tr("The privileged helper did not answer in time.");
        break;
    default:
        text = tr("The privileged helper failed (code %1).").arg(code);
        break;
    }
    return detail.isEmpty() ? text : text + QLatin1Char(' ') + detail;
}

} // namespace strata::app
