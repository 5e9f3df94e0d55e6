// SPDX-License-Identifier: GPL-2.0-or-later
#include "mounttable.h"

#include <QFile>
#include <QStringList>

namespace strata::test {

QList<MountLine> mountTable()
{
    QList<MountLine> out;
    QFile f(QStringLiteral("/proc/self/mountinfo"));
    if (!f.open(QIODevice::ReadOnly))
        return out;
    for (const QByteArray &raw : f.readAll().split('\n')) {
        const QString line = QString::fromUtf8(raw);
        const qsizetype dash = line.indexOf(QLatin1String(" - "));
        if (dash < 0)
            continue;
        const QStringList a = line.left(dash).split(QLatin1Char(' '));
        const QStringList b = line.mid(dash + 3).split(QLatin1Char(' '));
        if (a.size() < 6 || b.size() < 2)
            continue;
        out.push_back({a[4], b[0], b[1], a[5]});
    }
    return out;
}

std::optional<MountLine> mountAt(const std::string &path)
{
    std::optional<MountLine> found;
    for (const auto &m : mountTable())
        if (m.mountpoint == QString::fromStdString(path))
            found = m; // the last one is the top
    return found;
}

} // namespace strata::test
