// SPDX-License-Identifier: GPL-2.0-or-later
// strata-facts-dialog: the GUI's "Overlay Facts as Administrator" dialog
// (app/gui/privilegedfacts.*) driven through the real strata-helper, for the system
// test, which runs it offscreen as the test users:
//
//   strata-facts-dialog --lower L1 [--lower L2] [--upper U --work W]
//
// It opens the dialog, asks, and when the answer is shown prints what the dialog
// shows as one JSON line: {"ok", "status", "index", "rows": [[cell, ...], ...]}.
// Exit 0 once printed, 2 on bad usage, 3 when its own deadline passed (never hangs).
#include "privilegedfacts.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QTableWidget>
#include <QTimer>

#include <cstdio>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QCommandLineParser p;
    const QCommandLineOption lower(QStringLiteral("lower"), QStringLiteral("lower layer, top first"),
                                   QStringLiteral("dir"));
    const QCommandLineOption upper(QStringLiteral("upper"), QStringLiteral("upper layer"), QStringLiteral("dir"));
    const QCommandLineOption work(QStringLiteral("work"), QStringLiteral("work dir"), QStringLiteral("dir"));
    p.addOptions({lower, upper, work});
    p.process(app);
    if (!p.isSet(lower)) {
        std::fprintf(stderr, "strata-facts-dialog: at least one --lower\n");
        return 2;
    }
    strata::stack::StackSpec spec;
    for (const auto &l : p.values(lower))
        spec.lower.push_back(l.toStdString());
    if (p.isSet(upper))
        spec.upper = p.value(upper).toStdString();
    if (p.isSet(work))
        spec.work = p.value(work).toStdString();

    QTimer::singleShot(90000, [] {
        std::fputs("{\"error\": \"deadline passed\"}\n", stdout);
        std::_Exit(3);
    });
    strata::gui::PrivilegedFactsDialog dialog(spec, QStringLiteral("system test"));
    QObject::connect(&dialog, &strata::gui::PrivilegedFactsDialog::answered, [&](bool ok) {
        QJsonArray rows;
        const QTableWidget *t = dialog.table();
        for (int r = 0; r < t->rowCount(); ++r) {
            QJsonArray cells;
            for (int c = 0; c < t->columnCount(); ++c)
                cells.append(t->item(r, c) ? t->item(r, c)->text() : QString());
            rows.append(cells);
        }
        const QJsonObject line {{QStringLiteral("ok"), ok},
                                {QStringLiteral("status"), dialog.statusLabel()->text()},
                                {QStringLiteral("index"), dialog.indexLabel()->text()},
                                {QStringLiteral("rows"), rows}};
        std::fputs(QJsonDocument(line).toJson(QJsonDocument::Compact).constData(), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
        QApplication::exit(0);
    });
    dialog.show();
    dialog.ask();
    return QApplication::exec();
}
