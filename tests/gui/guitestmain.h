// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "testmain.h"

#include <QApplication>
#include <QStandardPaths>
#include <QTest>
#include <cstdio>
#include <string>

// STRATA_TEST_MAIN_REQUIRES for suites that need widgets: a QApplication (offscreen
// under ctest), QSettings and QStandardPaths in test mode, and the same "exit 77 with
// the reason" when `check` says the suite cannot run here or a test function skipped.
#define STRATA_GUI_TEST_MAIN_REQUIRES(TestObject, check)                                                               \
    int main(int argc, char *argv[])                                                                                   \
    {                                                                                                                  \
        QStandardPaths::setTestModeEnabled(true);                                                                      \
        QApplication app(argc, argv);                                                                                  \
        QCoreApplication::setApplicationName(QStringLiteral("strata-test"));                                           \
        QCoreApplication::setOrganizationName(QStringLiteral("strata-test"));                                          \
        app.setAttribute(Qt::AA_Use96Dpi, true);                                                                       \
        if (const std::string why = (check)(); !why.empty()) {                                                         \
            std::printf("SKIPPED %s: %s\n", #TestObject, why.c_str());                                                 \
            return 77;                                                                                                 \
        }                                                                                                              \
        TestObject tc;                                                                                                 \
        QTEST_SET_MAIN_SOURCE_PATH                                                                                     \
        return strata::test::execTests(tc, argc, argv, #TestObject);                                                   \
    }
