// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "mounter/mounter.h"

#include <QTimer>

namespace strata::test {

// A Mounter that records requests and answers asynchronously with a set result.
class FakeMounter : public app::Mounter {
    Q_OBJECT
public:
    using app::Mounter::Mounter;
    QString name() const override { return QStringLiteral("fake"); }
    bool supports(app::Backend) const override { return true; }
    quint64 mount(const app::MountRequest &request) override
    {
        requests.append(request);
        return answer(request.mountpoint);
    }
    quint64 unmount(const QString &mountpoint) override
    {
        unmounts.append(mountpoint);
        return answer(mountpoint);
    }

    QList<app::MountRequest> requests;
    QStringList unmounts;
    bool succeed = true;
    QString message = QStringLiteral("fake result");

private:
    quint64 answer(const QString &mountpoint)
    {
        const quint64 id = ++m_next;
        const app::MountResult r {succeed, succeed ? 0 : 100, message, mountpoint};
        QTimer::singleShot(0, this, [this, id, r]() { Q_EMIT finished(id, r); });
        return id;
    }
    quint64 m_next = 0;
};

} // namespace strata::test
