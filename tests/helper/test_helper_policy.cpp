// SPDX-License-Identifier: GPL-2.0-or-later
// What a person sees in the polkit prompt comes from the generated .policy: check
// that every action has a description and a message, in English and in German.
#include "testenv.h"
#include "testmain.h"

#include <QFile>
#include <QTest>
#include <QXmlStreamReader>

class TestHelperPolicy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyActionHasItsTexts()
    {
        QFile f(QStringLiteral(STRATA_POLICY_FILE));
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
        QXmlStreamReader xml(&f);
        QString action;
        QSet<QString> seen; // "action|element|lang"
        QStringList actions;
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement())
                continue;
            if (xml.name() == QLatin1String("action")) {
                action = xml.attributes().value(QLatin1String("id")).toString();
                actions << action;
            } else if (xml.name() == QLatin1String("description") || xml.name() == QLatin1String("message")) {
                const QString element = xml.name().toString();
                const QString lang = xml.attributes().value(QLatin1String("xml:lang")).toString();
                const QString text = xml.readElementText().trimmed();
                QVERIFY2(!text.isEmpty(), qPrintable(action + QLatin1Char(' ') + element + QLatin1Char(' ') + lang));
                seen.insert(action + QLatin1Char('|') + element + QLatin1Char('|') + lang);
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QCOMPARE(actions.size(), 3); // mount, unmount, readprivileged
        for (const QString &a : actions)
            for (const char *element : {"description", "message"})
                for (const char *lang : {"", "de"})
                    QVERIFY2(seen.contains(a + QLatin1Char('|') + QLatin1String(element) + QLatin1Char('|')
                                           + QLatin1String(lang)),
                             qPrintable(a + QLatin1Char(' ') + QLatin1String(element) + QLatin1Char(' ')
                                        + QLatin1String(lang)));
    }
};

STRATA_TEST_MAIN_REQUIRES(TestHelperPolicy, strata::test::requireNothing)
#include "test_helper_policy.moc"
