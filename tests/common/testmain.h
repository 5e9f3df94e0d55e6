// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <QCoreApplication>
#include <QTest>
#include <cstdio>
#include <string>

namespace strata::test {
// QTest::qExec, except that a run in which any test function was skipped (QSKIP,
// anywhere) and none failed exits 77, which ctest reports as skipped, naming each
// skipped function and its reason: qExec alone returns 0 for it, "Passed".
int execTests(QObject &testObject, int argc, char *argv[], const char *suite);
} // namespace strata::test

// Like QTEST_GUILESS_MAIN, but first asks `check` (a callable returning an empty
// string when the suite can run, else the reason it cannot). A suite that cannot
// run prints why and exits 77, which ctest reports as skipped, never as passed; so
// does a suite in which a test function skipped (execTests).
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
        return strata::test::execTests(tc, argc, argv, #TestObject);                                                   \
    }
