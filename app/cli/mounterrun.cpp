// SPDX-License-Identifier: GPL-2.0-or-later
#include "mounterrun.h"

#include <QCoreApplication>
#include <QDBusConnection>

#include <unistd.h>

namespace strata::cli {

bool useHelper()
{
    return ::geteuid() != 0 || QDBusConnection::systemBus().isConnected();
}

app::MountResult runOne(app::Mounter &mounter, const std::function<quint64()> &start)
{
    app::MountResult result;
    quint64 id = 0;
    QObject::connect(&mounter, &app::Mounter::finished, [&](quint64 done, const app::MountResult &r) {
        if (done != id)
            return;
        result = r;
        QCoreApplication::exit(0);
    });
    id = start();
    QCoreApplication::exec();
    return result;
}

} // namespace strata::cli
