// SPDX-License-Identifier: GPL-2.0-or-later
// strata-render-icon SVG SIZE PNG [SIZE PNG]...: the PNG sizes of an icon, rendered
// at build time from its one scalable source so they never drift from it.
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <cstdio>

int main(int argc, char **argv)
{
    if (argc < 4 || argc % 2 != 0) {
        std::fprintf(stderr, "usage: %s SVG SIZE PNG [SIZE PNG]...\n", argv[0]);
        return 2;
    }
    QGuiApplication app(argc, argv);
    QSvgRenderer svg(QString::fromLocal8Bit(argv[1]));
    for (int i = 2; i + 1 < argc; i += 2) {
        const int size = QByteArray(argv[i]).toInt();
        const QString out = QString::fromLocal8Bit(argv[i + 1]);
        if (!svg.isValid() || size <= 0) {
            std::fprintf(stderr, "%s: cannot render %s at %s\n", argv[0], argv[1], argv[i]);
            return 1;
        }
        QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        svg.render(&painter);
        painter.end();
        if (!QDir().mkpath(QFileInfo(out).path()) || !image.save(out)) {
            std::fprintf(stderr, "%s: cannot write %s\n", argv[0], argv[i + 1]);
            return 1;
        }
    }
    return 0;
}
