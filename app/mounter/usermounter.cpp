// SPDX-License-Identifier: GPL-2.0-or-later
#include "usermounter.h"

#include "stack/mountoptions.h"

#include "mounts/overlayoptions.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

namespace strata::app {

namespace {
constexpr int kProcessTimeoutMs = 60000;
}

UserMounter::UserMounter(QObject *parent, QString enginePath)
    : Mounter(parent)
    , m_engine(enginePath.isEmpty() ? findEngine() : std::move(enginePath))
{ }

QString UserMounter::name() const
{
    return tr("user (strata-fuse through fusermount3)");
}

bool UserMounter::supports(Backend backend) const
{
    return backend == Backend::StrataFuse;
}

QString UserMounter::findEngine()
{
    const QString beside = QCoreApplication::applicationDirPath() + QStringLiteral("/strata-fuse");
    if (QFileInfo(beside).isExecutable())
        return beside;
    return QStandardPaths::findExecutable(QStringLiteral("strata-fuse"));
}

static QString enc(const std::string &bytes)
{
    return QFile::decodeName(QByteArray::fromStdString(bytes));
}

Result<engine::Config> UserMounter::engineConfig(const MountRequest &request)
{
    const auto &spec = request.spec;
    engine::Config c;
    c.lowerdirs = spec.lower;
    c.datadirs = spec.data;
    c.upperdir = spec.upper.value_or(std::string());
    c.workdir = spec.work.value_or(std::string());
    c.mountpoint = QFile::encodeName(request.mountpoint).toStdString();
    // The stack's own options (core's one rule: userxattr for a user-namespace stack),
    // as the engine's rule says (engine::fateOf): the kernel-only ones dropped, the
    // rest applied or refused by strata-fuse's parser.
    for (const auto &o : stack::overlayOptionsFor(spec).others) {
        if (engine::fateOf(o) == engine::OptionFate::Drop)
            continue;
        if (auto ok = engine::applyOption(c, o); !ok)
            return fail(ok.error());
    }
    return c;
}

QStringList UserMounter::mountArguments(const MountRequest &request)
{
    auto c = engineConfig(request);
    if (!c)
        return {};
    QStringList out;
    for (const auto &a : engine::formatArgs(*c))
        out << enc(a);
    return out;
}

void UserMounter::finishLater(quint64 id, MountResult result)
{
    // Asynchronous even when refused at once: callers connect after calling.
    QTimer::singleShot(0, this, [this, id, result]() { Q_EMIT finished(id, result); });
}

quint64 UserMounter::mount(const MountRequest &request)
{
    const quint64 id = m_next++;
    if (request.backend != Backend::StrataFuse) {
        finishLater(id,
                    {false, 0,
                     tr("Mounting with kernel overlayfs needs the privileged helper, which this build does not "
                        "use; mount with strata-fuse instead."),
                     request.mountpoint});
        return id;
    }
    if (m_engine.isEmpty() || !QFileInfo(m_engine).isExecutable()) {
        finishLater(id,
                    {false, 0,
                     tr("strata-fuse is not built or not installed (looked beside %1 and in PATH); build the "
                        "strata-fuse target first.")
                         .arg(QCoreApplication::applicationDirPath()),
                     request.mountpoint});
        return id;
    }
    if (request.spec.lower.empty()) {
        finishLater(id, {false, 0, tr("A stack needs at least one lower layer."), request.mountpoint});
        return id;
    }
    if (auto c = engineConfig(request); !c) {
        finishLater(id,
                    {false, 0, tr("strata-fuse cannot mount this stack: %1").arg(enc(c.error().message())),
                     request.mountpoint});
        return id;
    }
    return run(m_engine, mountArguments(request), request.mountpoint, tr("mount"));
}

quint64 UserMounter::unmount(const QString &mountpoint)
{
    QString fusermount = QStandardPaths::findExecutable(QStringLiteral("fusermount3"));
    if (fusermount.isEmpty()) {
        const quint64 id = m_next++;
        finishLater(id, {false, 0, tr("fusermount3 was not found in PATH (package fuse3)."), mountpoint});
        return id;
    }
    return run(fusermount, {QStringLiteral("-u"), mountpoint}, mountpoint, tr("unmount"));
}

quint64 UserMounter::run(const QString &program, const QStringList &args, const QString &mountpoint,
                         const QString &what)
{
    const quint64 id = m_next++;
    auto *proc = new QProcess(this);
    proc->setProcessChannelMode(QProcess::MergedChannels);
    connect(proc, &QProcess::finished, this, [this, proc, id, mountpoint, what](int code, QProcess::ExitStatus status) {
        proc->deleteLater();
        const QString output = QString::fromLocal8Bit(proc->readAll()).trimmed();
        MountResult r;
        r.mountpoint = mountpoint;
        r.ok = status == QProcess::NormalExit && code == 0;
        r.code = code;
        if (proc->property("strataTimedOut").toBool()) {
            r.message = tr("%1 of %2 did not finish within %3 s and was stopped")
                            .arg(what, mountpoint)
                            .arg(kProcessTimeoutMs / 1000);
            Q_EMIT finished(id, r);
            return;
        }
        r.message = r.ok
            ? tr("%1 of %2 done").arg(what, mountpoint)
            : tr("%1 of %2 failed: %3").arg(what, mountpoint, output.isEmpty() ? tr("exit code %1").arg(code) : output);
        Q_EMIT finished(id, r);
    });
    connect(proc, &QProcess::errorOccurred, this, [this, proc, id, mountpoint, program](QProcess::ProcessError err) {
        if (err != QProcess::FailedToStart)
            return;
        proc->deleteLater();
        Q_EMIT finished(id, {false, 0, tr("could not start %1: %2").arg(program, proc->errorString()), mountpoint});
    });
    // strata-fuse returns once the mount is live, fusermount3 at once: a process
    // that does neither is stuck, and the request must still end.
    QTimer::singleShot(kProcessTimeoutMs, proc, [proc] {
        proc->setProperty("strataTimedOut", true);
        proc->kill();
    });
    proc->start(program, args);
    return id;
}

} // namespace strata::app
