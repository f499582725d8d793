#!/usr/bin/env bash
# Usage: tools/tidy.sh [--fix] [PATH...]
#
# Runs clang-tidy-15 with the repository's .clang-tidy over the C++ sources of
# engine/, or only over those under the PATHs given (directories or .cpp
# files, e.g. `tools/tidy.sh engine/util engine/report/markdown.cpp`); the
# headers under engine/ are checked through the sources that include them
# (HeaderFilterRegex in .clang-tidy). tests/ is not checked. Prints every
# finding once, then one summary line (files, findings per check, time), and
# exits 1 on any finding: CI runs it so, in tools/ci.sh.
#
# --fix applies the fixes clang-tidy offers (not every check has one; the
# changed lines are formatted with .clang-format): review them with git diff
# and run tools/tidy.sh again for what is left.
#
# A finding that is a false positive (the code is right and the analyzer
# cannot see it) is silenced on its line with a reason:
#   // NOLINT(bugprone-unchecked-optional-access): checked by has_value() above
# but first try to restructure the code so that the check sees it.
#
# Configures build-tidy/ for its compile database only (nothing is built; the
# unit tests are left out) and installs clang-tidy-15 (Debian 12) when it is
# missing. Environment: TIDY_JOBS (clang-tidy processes at once, default
# nproc).
set -euo pipefail
case "${1:-}" in
-h | --help)
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
  exit 0
  ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
fix=0
if [[ ${1:-} == --fix ]]; then
  fix=1
  shift
fi
paths=()
for p in "$@"; do
  if [[ $p == -* ]]; then
    echo "tidy.sh: unknown option '$p' (--fix, then paths); see --help" >&2
    exit 2
  fi
  if [[ ! -e $p ]]; then
    echo "tidy.sh: no such file or directory: '$p'" >&2
    exit 2
  fi
  paths+=("$(realpath --relative-to="$root" "$p")")
done
if ((${#paths[@]} == 0)); then paths=(engine); fi
cd "$root"
# The sources to check: the .cpp files under the paths (tracked or new), as
# anchored regular expressions (run-clang-tidy selects files of the compile
# database so).
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- "${paths[@]}" | grep -E '^engine/.*\.cpp$' || true)
if ((${#files[@]} == 0)); then
  echo "tidy.sh: no C++ sources of engine/ under: ${paths[*]}" >&2
  exit 2
fi
patterns=()
for f in "${files[@]}"; do
  patterns+=("^$(sed 's/[].[\\*^$()+?{}|]/\\&/g' <<<"$root/$f")\$")
done

bash tools/install-deps.sh tidy
start=$SECONDS
build=build-tidy
# Debug: assert() stays in, and the checks see what it asserts.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DRL_BUILD_TESTS=OFF >/dev/null

log=$build/tidy.log
fix_args=()
if ((fix)); then fix_args=(-fix -format -style=file -clang-apply-replacements-binary clang-apply-replacements-15); fi
status=0
run-clang-tidy-15 -clang-tidy-binary clang-tidy-15 -p "$build" -quiet -j "${TIDY_JOBS:-$(nproc)}" \
  "${fix_args[@]}" "${patterns[@]}" >"$log" 2>&1 || status=$?

# Each finding once (one in a header comes from every source that includes
# it), without run-clang-tidy's command lines and clang's counts.
awk '
  /^clang-tidy-15 / || /^[0-9]+ (warning|error).*(generated|treated as errors)\.?$/ || /^Suppressed [0-9]+ warnings/ \
    || /^Use -header-filter=/ || /^Error while processing / || /^Applying fixes/ { keep = 0; next }
  /^[^ ].*:[0-9]+:[0-9]+: (warning|error): / { keep = !seen[$0]++ }
  keep' "$log" | sed "s|^$root/||"
# One line: the findings per check.
findings=0
per_check=$(grep -E '^[^ ].*:[0-9]+:[0-9]+: (warning|error): ' "$log" | sort -u \
  | sed -E 's/.*\[([^],]+)(,-warnings-as-errors)?\]$/\1/' | sort | uniq -c | sort -rn \
  | awk '{ printf "%s%s %d", (NR > 1 ? ", " : ""), $2, $1 }') || true
if [[ -n $per_check ]]; then
  findings=$(grep -E '^[^ ].*:[0-9]+:[0-9]+: (warning|error): ' "$log" | sort -u | wc -l)
fi
elapsed=$((SECONDS - start))
time=$(printf '%dm%02ds' $((elapsed / 60)) $((elapsed % 60)))
if ((findings == 0 && status != 0)); then
  # No finding, and still a failure: clang-tidy could not run (see the log).
  cat "$log" >&2
  echo "tidy.sh: clang-tidy failed without a finding (${#files[@]} sources, $time); log: $log" >&2
  exit 1
fi
echo "tidy.sh: $findings findings${per_check:+ ($per_check)} in ${#files[@]} sources, $time"
if ((findings > 0)); then
  if ((fix)); then
    echo "tidy.sh: fixes applied where clang-tidy had one; review them (git diff) and run tools/tidy.sh again" >&2
  fi
  exit 1
fi
