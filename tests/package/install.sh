#!/usr/bin/env bash
# Usage: tests/package/install.sh BUILD_DIR REPO_ROOT (CTest: package.install)
# `cmake --install BUILD_DIR --prefix <tmp>`, then checks the installed tree (lib.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
build=$1 root=$2
require_tools help2man groff man gzip
work=$(mktemp -d "${TMPDIR:-/tmp}/rl-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null || fail "cmake --install exited $?"
check_tree "$work/prefix" "$root"
