#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# House rule 1: core/ never includes Qt. Fails naming each offending line.
cd "$(dirname "$0")/.."
hits=$(grep -rnE '#\s*include\s*[<"](Q[A-Z]|qt|Qt)' core/ || true)
if [[ -n "$hits" ]]; then
    echo "core/ must not include Qt:"; echo "$hits"; exit 1
fi
echo "core/: no Qt includes in $(find core -name '*.h' -o -name '*.cpp' | wc -l) files"
