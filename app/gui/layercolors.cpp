// SPDX-License-Identifier: GPL-2.0-or-later
#include "layercolors.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPixmap>

namespace strata::gui {

QColor layerColor(int layer)
{
    // Golden-angle hue steps keep neighbouring layers apart however many there are.
    const int hue = int((layer * 137.508) + 210) % 360;
    return QColor::fromHsv(hue, 150, 215);
}

QIcon layerChip(int layer)
{
    QIcon icon;
    // Drawn for the common small sizes at ratios 1 to 3: QIcon picks the bitmap
    // with the pixels the screen needs instead of stretching a small one.
    for (int size : {16, 22, 24, 32, 44, 48, 64, 72, 96}) {
        QPixmap pm(size, size);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(layerColor(layer).darker(140), size / 16.0));
        p.setBrush(layerColor(layer));
        const qreal m = size / 8.0;
        p.drawRoundedRect(QRectF(m, m, size - 2 * m, size - 2 * m), size / 6.0, size / 6.0);
        icon.addPixmap(pm);
    }
    return icon;
}

QString layerLabel(int layer, bool isUpper)
{
    if (isUpper && layer == 0)
        return QCoreApplication::translate("strata::gui", "upper");
    return QCoreApplication::translate("strata::gui", "L%1").arg(layer);
}

QColor addedColor()
{
    return QColor(0x2e, 0x9d, 0x4a);
}
QColor modifiedColor()
{
    return QColor(0xc7, 0x8a, 0x00);
}
QColor deletedColor()
{
    return QColor(0xd0, 0x3b, 0x3b);
}

} // namespace strata::gui
