#!/usr/bin/env bash
# JUnit ingestion benchmark, side by side with the peer baselines of
# ../shared/bench: py_ingest.py (ElementTree + sqlite3) and sqlite3 .import of
# the same rows as CSV. Prints wall time / peak RSS of each and the ratios.
# Usage: RL=build-release/engine/refactor-ledger tools/bench/ingest.sh [FILES CASES]
# Each step runs REPEAT times (default 3) from the same starting state; the
# median time and the largest peak memory are reported.
# With SINGLE_FILE_CASES=N it also ingests one JUnit file of N test cases into
# a fresh ledger (6800000 cases is about 1 GB: the streaming path's time and
# peak memory).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${SHARED:-$repo/../shared}
rl=${RL:-$repo/build/engine/refactor-ledger}
files=${1:-500}
cases=${2:-2000}
work=$(mktemp -d "${TMPDIR:-/tmp}/rl-ingest-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
repeat=${REPEAT:-3}
runs=$repeat
# measure LABEL PREP COMMAND...: runs PREP (a function resetting the state the
# step starts from) then COMMAND, $repeat times; prints "label median_seconds
# max_peak_kib" (the machine is shared: a median of several runs is steadier).
measure() {
  local label=$1 prep=$2 times=() peak=0 i
  shift 2
  for ((i = 0; i < repeat; i++)); do
    "$prep"
    /usr/bin/time -o "$work/time.out" -f '%e %M' "$@" >/dev/null 2>"$work/stderr.out" || {
      echo "benchmark step $label failed:" >&2; cat "$work/stderr.out" >&2; exit 1; }
    read -r t m < <(tail -1 "$work/time.out")
    times+=("$t")
    if (( m > peak )); then peak=$m; fi
  done
  echo "$label $(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') $peak"
}
nothing() { :; }
fresh_import() { rm -f "$work/imp.db"; }
fresh_ledger() { rm -rf "$work/program/.ledger"; sync; }
first_ingest_done() { rm -rf "$work/program/.ledger"; cp -a "$work/after_first" "$work/program/.ledger"; sync; }
single_cases=${SINGLE_FILE_CASES:-}
echo "command: RL=$rl${single_cases:+ SINGLE_FILE_CASES=$single_cases} REPEAT=$repeat $0 $files $cases"
python3 "$shared/bench/gen_junit.py" "$work/run1" "$files" "$cases" 1 | sed 's/^/generated run1: files tests failures errors skipped bytes = /'
# The everyday case: the same suite at another commit (same identities, new results).
python3 - "$work/run1" "$work/run2" <<'PY'
import os, sys, re
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst)
for name in sorted(os.listdir(src)):
    text = open(os.path.join(src, name)).read()
    # new durations: same test identities, different results payload
    text = re.sub(r'time="([0-9.]+)"', lambda m: 'time="%.3f"' % (float(m.group(1)) * 1.1 + 0.001), text)
    open(os.path.join(dst, name), "w").write(text)
PY
mkdir -p "$work/program"
cp -r "$repo/milestones" "$repo/invariants" "$work/program/"
results=()
results+=("$(measure py_ingest nothing python3 "$shared/bench/py_ingest.py" "$work/py.db" "$work/run1")")
python3 - "$work/py.db" "$work/rows.csv" <<'PY'
import sqlite3, csv, sys
con = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w", newline="") as f:
    csv.writer(f).writerows(con.execute("SELECT file, suite, classname, name, status, duration, message FROM test_result"))
PY
results+=("$(measure sqlite_import fresh_import sqlite3 "$work/imp.db" -cmd ".mode csv" "CREATE TABLE test_result(file TEXT, suite TEXT, classname TEXT, name TEXT, status TEXT, duration REAL, message TEXT)" ".import $work/rows.csv test_result")")
results+=("$(measure rl_first fresh_ledger "$rl" -C "$work/program" ingest junit "$work/run1" --commit 1111111)")
cp -a "$work/program/.ledger" "$work/after_first"
results+=("$(measure rl_reingest nothing "$rl" -C "$work/program" ingest junit "$work/run1" --commit 1111111)")
results+=("$(measure rl_next_run first_ingest_done "$rl" -C "$work/program" ingest junit "$work/run2" --commit 2222222)")
if [[ -n $single_cases ]]; then
  python3 "$shared/bench/gen_junit.py" "$work/single" 1 "$single_cases" 1 | sed 's/^/generated single file: files tests failures errors skipped bytes = /'
  mkdir -p "$work/program1"
  cp -r "$repo/milestones" "$repo/invariants" "$work/program1/"
  repeat=1 # one run of the 1 GB file is enough
  results+=("$(measure rl_single_file nothing "$rl" -C "$work/program1" ingest junit "$work/single" --commit 3333333)")
  rm -rf "$work/single"
fi
printf '%-14s %8s %10s   (median of %d runs; 1 for rl_single_file)\n' step seconds peak_MB "$runs"
for r in "${results[@]}"; do
  set -- $r
  printf '%-14s %8s %10d\n' "$1" "$2" "$(( $3 / 1024 ))"
done
python3 - "${results[@]}" <<'PY'
import sys
t = {r.split()[0]: float(r.split()[1]) for r in sys.argv[1:]}
def ratio(a, b): return t[a] / t[b] if t[b] else float("inf")
print("py_ingest / rl_first      = %.2f  (target >= 3)" % ratio("py_ingest", "rl_first"))
print("rl_first / sqlite_import  = %.2f  (target <= 1.5)" % ratio("rl_first", "sqlite_import"))
print("rl_next_run / sqlite_import = %.2f (target <= 1.0)" % ratio("rl_next_run", "sqlite_import"))
print("rl_reingest / rl_first    = %.3f (target < 0.10)" % ratio("rl_reingest", "rl_first"))
PY
