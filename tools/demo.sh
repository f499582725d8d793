#!/usr/bin/env bash
# Builds refactor-ledger and runs its main job on the shipped example program:
# load the YAML, print the program status, and render REFACTOR.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DRL_BUILD_TESTS=OFF >/dev/null
cmake --build build
rl=./build/engine/refactor-ledger
$rl -C . load
bash tools/example-evidence.sh "$rl" "$PWD"   # M01's tests, CI runs and metrics
$rl -C . status
$rl -C . why INV-050
$rl -C . check
$rl -C . render
