// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The Mounter for an ordinary user: starts strata-fuse as the user (it mounts
// through fusermount3 and daemonizes once the mount is live) and unmounts with
// `fusermount3 -u`. Kernel overlayfs needs privileges it does not have: that is the
// helper's Mounter.

#include "mounter.h"

#include "engine/config.h"

#include <QHash>

class QProcess;

namespace strata::app {

class UserMounter : public Mounter {
    Q_OBJECT
public:
    // `enginePath` empty: look beside this executable (the build's bin/), then PATH.
    explicit UserMounter(QObject *parent = nullptr, QString enginePath = {});

    QString name() const override;
    bool supports(Backend backend) const override;
    quint64 mount(const MountRequest &request) override;
    quint64 unmount(const QString &mountpoint) override;

    QString enginePath() const { return m_engine; }
    static QString findEngine();
    // strata-fuse's configuration for `request`: the stack's layers and, of its
    // options, what engine::fateOf carries over (uuid, xino and nfs_export are
    // kernel-only and dropped; the rest strata-fuse implements or refuses by name,
    // and a refusal fails here, naming the option).
    static Result<engine::Config> engineConfig(const MountRequest &request);
    // Its command line (engine::formatArgs): -o lowerdir=...,upperdir=...,workdir=... MOUNTPOINT;
    // empty when engineConfig fails.
    static QStringList mountArguments(const MountRequest &request);

private:
    quint64 run(const QString &program, const QStringList &args, const QString &mountpoint, const QString &what);
    void finishLater(quint64 id, MountResult result);

    QString m_engine;
    quint64 m_next = 1;
};

} // namespace strata::app
