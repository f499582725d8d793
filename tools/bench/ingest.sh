#!/usr/bin/env bash
# JUnit ingestion benchmark, side by side with the peer baselines of
# ../shared/bench: py_ingest.py (ElementTree + sqlite3) and sqlite3 .import of
# the same rows as CSV. Prints wall time / peak RSS of each and the ratios.
# Usage: RL=build-release/engine/refactor-ledger tools/bench/ingest.sh [FILES CASES]
# The steps run in REPEAT rounds (default 5), interleaved (py_ingest, .import,
# first ingest, re-ingest, next run, then again), so that each round compares
# them at the same machine speed; the median time over the rounds and the
# largest peak memory are reported, and each ratio's range over the rounds.
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
rounds=${REPEAT:-5}
# run LABEL COMMAND...: times one step; appends "seconds peak_kib" to
# $work/LABEL.times.
run() {
  local label=$1
  shift
  /usr/bin/time -o "$work/time.out" -f '%e %M' "$@" >/dev/null 2>"$work/stderr.out" || {
    echo "benchmark step $label failed:" >&2; cat "$work/stderr.out" >&2; exit 1; }
  tail -1 "$work/time.out" >>"$work/$label.times"
}
single_cases=${SINGLE_FILE_CASES:-}
echo "command: RL=$rl${single_cases:+ SINGLE_FILE_CASES=$single_cases} REPEAT=$rounds $0 $files $cases"
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
# The CSV for .import: the rows py_ingest.py stores.
python3 "$shared/bench/py_ingest.py" "$work/py.db" "$work/run1" >/dev/null
python3 - "$work/py.db" "$work/rows.csv" <<'PY'
import sqlite3, csv, sys
con = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w", newline="") as f:
    csv.writer(f).writerows(con.execute("SELECT file, suite, classname, name, status, duration, message FROM test_result"))
PY
# The machine is shared and its speed drifts over minutes: the steps run
# round by round, interleaved, so that each round compares them at the same
# speed; medians over the rounds are reported.
for ((round = 1; round <= rounds; round++)); do
  run py_ingest python3 "$shared/bench/py_ingest.py" "$work/py.db" "$work/run1"
  rm -f "$work/imp.db"
  run sqlite_import sqlite3 "$work/imp.db" -cmd ".mode csv" "CREATE TABLE test_result(file TEXT, suite TEXT, classname TEXT, name TEXT, status TEXT, duration REAL, message TEXT)" ".import $work/rows.csv test_result"
  rm -rf "$work/program/.ledger"
  sync
  run rl_first "$rl" -C "$work/program" ingest junit "$work/run1" --commit 1111111
  run rl_reingest "$rl" -C "$work/program" ingest junit "$work/run1" --commit 1111111
  run rl_next_run "$rl" -C "$work/program" ingest junit "$work/run2" --commit 2222222
done
if [[ -n $single_cases ]]; then
  python3 "$shared/bench/gen_junit.py" "$work/single" 1 "$single_cases" 1 | sed 's/^/generated single file: files tests failures errors skipped bytes = /'
  mkdir -p "$work/program1"
  cp -r "$repo/milestones" "$repo/invariants" "$work/program1/"
  run rl_single_file "$rl" -C "$work/program1" ingest junit "$work/single" --commit 3333333
  rm -rf "$work/single"
fi
python3 - "$work" "$rounds" <<'PY'
import os, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
steps = ["py_ingest", "sqlite_import", "rl_first", "rl_reingest", "rl_next_run", "rl_single_file"]
runs = {}
for step in steps:
    path = os.path.join(work, step + ".times")
    if os.path.exists(path):
        runs[step] = [tuple(float(x) for x in line.split()) for line in open(path)]
print("%-14s %8s %10s   (median seconds over %d interleaved rounds; largest peak; rl_single_file: one run)"
      % ("step", "seconds", "peak_MB", rounds))
for step, r in runs.items():
    print("%-14s %8.2f %10d" % (step, statistics.median(t for t, _ in r), max(m for _, m in r) / 1024))
def ratio(a, b, target):
    med = statistics.median(t for t, _ in runs[a]) / statistics.median(t for t, _ in runs[b])
    each = [x[0] / y[0] for x, y in zip(runs[a], runs[b])]
    print("%-27s = %.3f  (target %s; by round %.3f-%.3f)" % (a + " / " + b, med, target, min(each), max(each)))
ratio("py_ingest", "rl_first", ">= 3")
ratio("rl_first", "sqlite_import", "<= 1.5")
ratio("rl_next_run", "sqlite_import", "<= 1.0")
ratio("rl_reingest", "rl_first", "< 0.10")
PY
