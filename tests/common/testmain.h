// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <QCoreApplication>
#include <QTest>
#include <cstdio>
#include <string>

// Like QTEST_GUILESS_MAIN, but first asks `check` (a callable returning an empty
// string when the suite can run, else the reason it cannot). A suite that cannot
// run prints why and exits 77, which ctest reports as skipped, never as passed.
#define STRATA_TEST_MAIN_REQUIRES(TestObject, check)                                                                   \
    int main(int argc, char *argv[])                                                                                   \
    {                                                                                                                  \
        QCoreApplication app(argc, argv);                                                                              \
        if (const std::string why = (check)(); !why.empty()) {                                                         \
            std::printf("SKIPPED %s: %s\n", #TestObject, why.c_str());                                                 \
            return 77;                                                                                                 \
        }                                                                                                              \
        TestObject tc;                                                                                                 \
        QTEST_SET_MAIN_SOURCE_PATH                                                                                     \
        return QTest::qExec(&tc, argc, argv);                                                                          \
    }
