#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fails, listing the files, when any C++ source differs from .clang-format's layout.
# Fix with: ./dev format
set -uo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.h')
[[ ${#files[@]} -gt 0 ]] || { echo "no C++ sources found"; exit 1; }
bad=()
for f in "${files[@]}"; do
    [[ -f "$f" ]] || continue
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [[ ${#bad[@]} -gt 0 ]]; then
    echo "clang-format: ${#bad[@]} of ${#files[@]} files need formatting (run ./dev format):"
    printf '  %s\n' "${bad[@]}"
    exit 1
fi
echo "clang-format: ${#files[@]} files formatted correctly"
