// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The one interface through which the GUI and stratactl mount and unmount stacks.
// Implementations: the user-level one (strata-fuse started as the user through
// fusermount3), the privileged one (the KAuth helper, polkit-authorized), and a fake
// for GUI tests. Calls are asynchronous: they return a request id at once and report
// through the signals; nothing blocks the caller's thread.

#include "helperprotocol.h"
#include "stack/stackspec.h"

#include <QObject>
#include <QString>
#include <QStringList>

namespace strata::app {

// Kernel overlayfs or strata-fuse: the helper protocol's enum, so that what the app
// asks for and what the helper reads are one type.
using Backend = helper::Backend;

struct MountRequest {
    stack::StackSpec spec; // layers, upper, work, options
    QString mountpoint;
    Backend backend = Backend::StrataFuse;
};

struct MountResult {
    bool ok = false;
    int code = 0; // 0, a KAuth error, or a helper refusal code >= 100
    QString message; // translated, names the path and the rule
    QString mountpoint;
};

class Mounter : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~Mounter() override = default;

    virtual QString name() const = 0; // "user (fusermount3)", "privileged helper", ...
    virtual bool supports(Backend backend) const = 0;
    virtual quint64 mount(const MountRequest &request) = 0;
    virtual quint64 unmount(const QString &mountpoint) = 0;

Q_SIGNALS:
    void finished(quint64 requestId, const strata::app::MountResult &result);
};

} // namespace strata::app

Q_DECLARE_METATYPE(strata::app::MountResult)
