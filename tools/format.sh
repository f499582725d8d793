#!/usr/bin/env bash
# Usage: tools/format.sh [--check]
#
# Formats every C++ source the repository tracks (engine/, tests/) with
# clang-format-15 and the repository's .clang-format; with --check it changes
# nothing and exits 1 when a file is not formatted (CI runs it so, in
# tools/ci.sh), listing the files and the first lines that differ.
# Installs clang-format-15 (Debian 12) when it is missing.
set -euo pipefail
case "${1:-}" in
-h | --help)
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
  exit 0
  ;;
--check | "") ;;
*)
  echo "format.sh: unknown argument '$1' (--check or nothing); see --help" >&2
  exit 2
  ;;
esac
cd "$(dirname "$0")/.."
bash tools/install-deps.sh format
mapfile -t files < <(git ls-files -- 'engine/*.cpp' 'engine/*.hpp' 'engine/*.hpp.in' 'tests/*.cpp' 'tests/*.hpp')
if [[ ${1:-} == --check ]]; then
  status=0
  for f in "${files[@]}"; do
    if ! clang-format-15 --style=file "$f" | diff -q "$f" - >/dev/null; then
      echo "not formatted: $f" >&2
      clang-format-15 --style=file "$f" | diff -u "$f" - | sed -n '3,12p' >&2 || true
      status=1
    fi
  done
  if ((status != 0)); then
    echo "format.sh: run 'bash tools/format.sh' to format the files above" >&2
  fi
  exit $status
fi
clang-format-15 --style=file -i "${files[@]}"
