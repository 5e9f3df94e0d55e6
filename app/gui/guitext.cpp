// SPDX-License-Identifier: GPL-2.0-or-later
#include "guitext.h"

#include "util/displayname.h"

#include <QDateTime>
#include <QLocale>
#include <QStringList>
#include <sys/sysmacros.h>

namespace strata::gui {

QString displayText(std::string_view bytes)
{
    return QString::fromStdString(displayName(bytes));
}

QString pathText(std::string_view mergedPath)
{
    return mergedPath.empty() ? QStringLiteral("/") : QLatin1Char('/') + displayText(mergedPath);
}

QString errorText(const Error &error)
{
    return QString::fromStdString(error.message());
}

QString sizeText(quint64 bytes)
{
    if (bytes < 1024)
        return QLocale().toString(bytes) + QStringLiteral(" B");
    return QLocale().formattedDataSize(qint64(bytes), 1, QLocale::DataSizeIecFormat);
}

QString modeText(mode_t mode)
{
    QString s(10, QLatin1Char('-'));
    switch (mode & S_IFMT) {
    case S_IFDIR:
        s[0] = QLatin1Char('d');
        break;
    case S_IFLNK:
        s[0] = QLatin1Char('l');
        break;
    case S_IFCHR:
        s[0] = QLatin1Char('c');
        break;
    case S_IFBLK:
        s[0] = QLatin1Char('b');
        break;
    case S_IFIFO:
        s[0] = QLatin1Char('p');
        break;
    case S_IFSOCK:
        s[0] = QLatin1Char('s');
        break;
    default:
        break;
    }
    const char *rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; ++i)
        if (mode & (0400 >> i))
            s[i + 1] = QLatin1Char(rwx[i]);
    if (mode & S_ISUID)
        s[3] = (mode & S_IXUSR) ? QLatin1Char('s') : QLatin1Char('S');
    if (mode & S_ISGID)
        s[6] = (mode & S_IXGRP) ? QLatin1Char('s') : QLatin1Char('S');
    if (mode & S_ISVTX)
        s[9] = (mode & S_IXOTH) ? QLatin1Char('t') : QLatin1Char('T');
    return s;
}

QString ownerText(uid_t uid, gid_t gid)
{
    return QStringLiteral("%1:%2").arg(uid).arg(gid);
}

QString timeText(const timespec &ts)
{
    return QDateTime::fromSecsSinceEpoch(ts.tv_sec).toString(Qt::ISODate);
}

QString stateText(uint32_t state)
{
    QStringList names;
    for (std::string_view n : stack::stateNames(state))
        names << QString::fromUtf8(n.data(), qsizetype(n.size()));
    return names.join(QStringLiteral(", "));
}

QString deviceText(dev_t dev)
{
    return QStringLiteral("%1:%2").arg(major(dev)).arg(minor(dev));
}

QString hexText(const std::vector<uint8_t> &bytes)
{
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size())).toHex());
}

} // namespace strata::gui
