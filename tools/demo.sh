#!/usr/bin/env bash
# Builds refactor-ledger and runs its main job on the shipped example program:
# load the YAML, print the program status, and render REFACTOR.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DRL_BUILD_TESTS=OFF >/dev/null
cmake --build build
./build/engine/refactor-ledger -C . load
./build/engine/refactor-ledger -C . status
./build/engine/refactor-ledger -C . render
