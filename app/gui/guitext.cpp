// SPDX-License-Identifier: GPL-2.0-or-later
#include "guitext.h"

#include "stack/factformat.h"
#include "util/displayname.h"

#include <QByteArray>

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

// The facts themselves read as core formats them (stack/factformat.h), the same as in
// stratactl's output; only the words around them are translated.
static QString fact(const std::string &text)
{
    return QString::fromStdString(text);
}

QString sizeText(quint64 bytes)
{
    return fact(stack::formatSize(bytes));
}

QString modeText(mode_t mode)
{
    return fact(stack::formatMode(mode));
}

QString modeOctalText(mode_t mode)
{
    return fact(stack::formatModeOctal(mode));
}

QString ownerText(uid_t uid, gid_t gid)
{
    return fact(stack::formatOwner(uid, gid));
}

QString timeText(const timespec &ts)
{
    return fact(stack::formatTime(ts));
}

QString stateText(uint32_t state)
{
    return fact(stack::formatStates(state));
}

QString deviceText(dev_t dev)
{
    return fact(stack::formatDevice(dev));
}

QString hexText(const std::vector<uint8_t> &bytes)
{
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size())).toHex());
}

} // namespace strata::gui
