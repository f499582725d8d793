#!/usr/bin/env bash
# Checks the layout (tools/format.sh --check), clang-tidy's findings
# (tools/tidy.sh) and the layering (tools/check-layering.sh), then builds
# refactor-ledger and runs every test twice: a normal build, then a build with
# -Werror and AddressSanitizer + UndefinedBehaviorSanitizer. Each ends with
# CTest's summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
# Everything this script needs, with one apt-get update on a fresh machine.
bash tools/install-deps.sh format fuzz tidy
jobs=$(nproc)
bash tools/format.sh --check
# clang-tidy at zero findings (.clang-tidy), the whole of engine/.
bash tools/tidy.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$jobs"
bash tools/check-layering.sh
(cd build && ctest --output-on-failure -j "$jobs")

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DRL_WARNINGS_AS_ERRORS=ON -DRL_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j "$jobs")

# Fuzzing smoke run: every harness in tests/fuzz for 13 s (10 targets, about
# 2 minutes of fuzzing; the clang build comes on top). Exits non-zero on any
# crash, leak, timeout or out-of-memory; see tools/fuzz.sh --help.
bash tools/fuzz.sh all 13
