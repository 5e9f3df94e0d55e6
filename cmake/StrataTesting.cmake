# SPDX-License-Identifier: GPL-2.0-or-later
# strata_add_test(NAME SOURCES a.cpp ... LIBS x y TIER unit|mount|system [TIMEOUT s])
# One Qt Test executable per unit. Exit code 77 means "could not run here" and is
# reported by ctest as skipped, with the reason the test printed.
function(strata_add_test)
    # Accepts "strata_add_test(NAME x ...)" and the positional "strata_add_test(x ...)".
    cmake_parse_arguments(T "" "NAME;TIER;TIMEOUT" "SOURCES;LIBS" ${ARGN})
    if(T_NAME)
        set(name ${T_NAME})
    else()
        list(GET ARGN 0 name)
        list(REMOVE_AT ARGN 0)
        cmake_parse_arguments(T "" "TIER;TIMEOUT" "SOURCES;LIBS" ${ARGN})
    endif()
    if(NOT T_TIER)
        set(T_TIER unit)
    endif()
    add_executable(${name} ${T_SOURCES})
    target_link_libraries(${name} PRIVATE strata_testsupport Qt6::Test ${T_LIBS})
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES
        SKIP_RETURN_CODE 77
        LABELS ${T_TIER}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;STRATA_BINARY_DIR=${CMAKE_BINARY_DIR}/bin;STRATA_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
    if(T_TIMEOUT)
        set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT})
    endif()
endfunction()
