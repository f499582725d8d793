#!/usr/bin/env bash
# `status` over a large evidence store: a program of 1,000 invariants whose
# rules select tests, and 10 runs of the PyTorch-scale suite (10 million test
# results). Prints the time of warm `status` and `check` (target: under 2 s).
# Usage: RL=build-release/engine/refactor-ledger tools/bench/status10m.sh [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${SHARED:-$repo/../shared}
rl=${RL:-$repo/build/engine/refactor-ledger}
runs=${1:-10}
work=$(mktemp -d "${TMPDIR:-/tmp}/rl-status-bench.XXXXXX")
if [[ -z ${KEEP:-} ]]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi
echo "command: RL=$rl $0 $runs"
python3 "$here/gen_program.py" "$work/program" 1000 >/dev/null
xargs "$rl" -C "$work/program" close --adopt --commit 0000000 --date 2026-02-08 --by bench <"$work/program/adopt.txt" >/dev/null
rm -rf "$work/program/.ledger"
# Give every invariant a rule selecting one test module of the suite (500
# modules, two invariants each) and requiring its tests to pass.
python3 - "$work/program" <<'PY'
import os, re, sys
root = sys.argv[1]
n = 0
for name in sorted(os.listdir(os.path.join(root, "invariants"))):
    path = os.path.join(root, "invariants", name)
    out = []
    for line in open(path):
        out.append(line)
        if re.match(r"^  - id: INV-", line):
            module = n % 500
            out.append('    verify: {tests: "test/test_mod%04d.py::*", min: 1}\n' % module)
            n += 1
    open(path, "w").write("".join(out))
print(n, "invariants with rules")
PY
python3 "$shared/bench/gen_junit.py" "$work/run" 500 2000 1 >/dev/null
"$rl" -C "$work/program" load >/dev/null
for i in $(seq 1 "$runs"); do
  # Each run: same identities, new durations (new content, so not deduplicated).
  python3 - "$work/run" "$i" <<'PY'
import os, re, sys
d, i = sys.argv[1], int(sys.argv[2])
for name in os.listdir(d):
    p = os.path.join(d, name)
    t = open(p).read()
    t = re.sub(r'time="([0-9.]+)"', lambda m: 'time="%.3f"' % (float(m.group(1)) + 0.001 * i), t)
    open(p, "w").write(t)
PY
  /usr/bin/time -f "ingest run $i: %e s, %M KB" "$rl" -C "$work/program" ingest junit "$work/run" \
    --commit "$(printf '%07x' "$i")" --at "2026-02-$(printf '%02d' "$i")T00:00:00Z" >/dev/null
done
"$rl" -C "$work/program" query "SELECT count(*) AS results FROM test_result"
"$rl" -C "$work/program" status >/dev/null
for i in 1 2 3; do
  /usr/bin/time -f "warm status: %e s, %M KB" "$rl" -C "$work/program" status >/dev/null
done
/usr/bin/time -f "warm check: %e s, %M KB" "$rl" -C "$work/program" check >/dev/null || true
