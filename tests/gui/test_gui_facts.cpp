// SPDX-License-Identifier: GPL-2.0-or-later
// Unit: the two faces show every fact the same way. The demo stack is opened by the
// app's tree model and details pane, and by the real `stratactl tree --layout DIR`
// (the layer-directory reading the app's "Open Layer Directory" uses); for every
// entry both list, the state, size, mode, owner and modification time read
// identically (core's stack/factformat.h formats them for both).
#include "clirunner.h"
#include "details.h"
#include "guitesthelpers.h"
#include "guitestmain.h"
#include "mergedtreemodel.h"
#include "stack/mergedtree.h"
#include "testenv.h"

#include <QRegularExpression>
#include <QTest>
#include <map>

using namespace strata;
using namespace strata::gui;

namespace {

struct Facts {
    QString state, size, mode, owner, mtime;
};

// `stratactl tree` text: LAYER STATE TYPE SIZE MODE OWNER MTIME PATH, columns apart
// by two or more spaces (no fact holds two spaces in a row); "-" is an empty cell.
std::map<QString, Facts> cliFacts(const QByteArray &out, QString &error)
{
    std::map<QString, Facts> facts;
    const QStringList lines = QString::fromUtf8(out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    const QRegularExpression gap(QStringLiteral(" {2,}"));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QStringList cells = lines[i].trimmed().split(gap);
        if (cells.size() != 8) {
            error = QStringLiteral("line %1 has %2 columns: %3").arg(i).arg(cells.size()).arg(lines[i]);
            return {};
        }
        if (i == 0)
            continue; // the header
        auto cell = [&](int c) { return cells[c] == QLatin1String("-") ? QString() : cells[c]; };
        QString path = cells[7];
        if (path.endsWith(QLatin1Char('/')))
            path.chop(1);
        facts[path] = Facts {cell(1), cell(3), cell(4), cell(5), cell(6)};
    }
    return facts;
}

QString detailValue(const QList<DetailSection> &sections, const QString &key)
{
    for (const auto &s : sections)
        for (const auto &l : s.lines)
            if (l.key == key)
                return l.value;
    return {};
}

} // namespace

class TestGuiFacts : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cliAndAppShowTheSameFacts()
    {
        test::DemoStack demo;
        QVERIFY2(demo.stack, demo.error.c_str());

        const test::CliRun run = test::runCli({QStringLiteral("tree"), QStringLiteral("--layout"),
                                               test::qpath(demo.dir.path()), QStringLiteral("--no-color")});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QString error;
        const auto cli = cliFacts(run.out, error);
        QVERIFY2(error.isEmpty(), qPrintable(error));

        MergedTreeModel model;
        auto tree = std::make_shared<stack::MergedTree>(demo.stack);
        model.setTree(tree);
        QVERIFY(test::fetchAll(model, model));

        int compared = 0;
        for (const auto &[path, f] : cli) {
            const QModelIndex idx = model.indexForPath(path.toStdString());
            QVERIFY2(idx.isValid(), qPrintable(QStringLiteral("%1: listed by stratactl, not by the app").arg(path)));
            auto column = [&](int c) { return idx.siblingAtColumn(c).data(Qt::DisplayRole).toString(); };
            QCOMPARE(column(MergedTreeModel::StateColumn), f.state);
            QCOMPARE(column(MergedTreeModel::SizeColumn), f.size);
            QCOMPARE(column(MergedTreeModel::ModeColumn), f.mode);
            QCOMPARE(column(MergedTreeModel::OwnerColumn), f.owner);
            QCOMPARE(column(MergedTreeModel::MtimeColumn), f.mtime);

            // The details pane says the same, with the words around the facts.
            auto entry = tree->lookup(path.toStdString());
            QVERIFY2(entry, entry ? "" : entry.error().message().c_str());
            const auto details = entryDetails(*demo.stack, path.toStdString(), *entry);
            QVERIFY(detailValue(details, QStringLiteral("Mode")).startsWith(f.mode + QLatin1String(" (")));
            QCOMPARE(detailValue(details, QStringLiteral("Owner")), f.owner);
            QCOMPARE(detailValue(details, QStringLiteral("Modified")), f.mtime);
            if (!f.state.isEmpty())
                QCOMPARE(detailValue(details, QStringLiteral("State")), f.state);
            if (entry->attrs.type == stack::FileType::Regular)
                QVERIFY(detailValue(details, QStringLiteral("Size")).startsWith(f.size + QLatin1String(" (")));
            ++compared;
        }
        // The demo shows every state; a handful of rows would mean the parse lost some.
        QVERIFY2(compared >= 15, qPrintable(QStringLiteral("only %1 entries compared").arg(compared)));
    }
};

STRATA_GUI_TEST_MAIN_REQUIRES(TestGuiFacts, strata::test::requireNothing)
#include "test_gui_facts.moc"
