#!/usr/bin/env bash
# How the shipped example's M00 and M01 closeout records were made: both
# milestones were closed by hand before the ledger existed, so they are
# recorded with `close --adopt` (no gate evaluation; the record says so),
# M01 after its evidence is ingested so that its record carries INV-050's
# status and the refactor-smoke runs. Runs in a scratch copy and copies the
# records and rendered files back. Re-running rewrites them with new
# timestamps: only do so when the record format changes.
# Usage: tools/adopt-example.sh RL_BINARY
set -euo pipefail
rl=$1
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/rl-adopt.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -R "$root/milestones" "$root/invariants" "$work/"
rm -f "$work"/milestones/*.closeout.json
cd "$work"
"$rl" close M00 --adopt --commit c5f1d40892292ef79cb583a8df00ceb1c8812a12 --date 2026-02-08 --by m-cahill \
  --reason "baseline audit closed by hand; see docs/refactor/milestones/M00/ in m-cahill/pytorch" \
  --artifact docs/refactor/milestones/M00/M00_summary.md \
  --artifact docs/refactor/milestones/M00/M00_audit.md \
  --artifact docs/refactor/milestones/M00/M00_closeout.md >/dev/null
ev=milestones/evidence/M01
"$rl" ingest junit $ev/smoke-tests.junit.xml --commit 41daf4ea527 --at 2026-02-08T07:51:04Z \
  --source "pytest test/test_import_smoke_static.py (M01 closeout)" >/dev/null
"$rl" ingest github-run $ev/run1.json $ev/run2.json $ev/run3.json \
  $ev/run1.jobs.json $ev/run2.jobs.json $ev/run3.jobs.json \
  --source "GitHub Actions API, m-cahill/pytorch" >/dev/null
for metric in unresolved_imports=0 files_scanned=2372 imports_analyzed=21254; do
  "$rl" record metric "${metric%%=*}" "${metric#*=}" --commit 41daf4ea527 --at 2026-02-08T07:51:04Z \
    --source "tools/refactor/import_smoke_static.py" >/dev/null
done
"$rl" close M01 --adopt --commit 41daf4ea527 --date 2026-02-08 --by m-cahill \
  --reason "closed by hand before the ledger existed; see docs/refactor/milestones/M01/ in m-cahill/pytorch" \
  --artifact docs/refactor/milestones/M01/M01_summary.md \
  --artifact docs/refactor/milestones/M01/M01_audit.md \
  --artifact docs/refactor/milestones/M01/M01_run1.md >/dev/null
cp milestones/M00.closeout.json milestones/M01.closeout.json milestones/toolcalls.md "$root/milestones/"
rm -rf "$root/milestones/closeouts"
cp -R milestones/closeouts "$root/milestones/"
cp REFACTOR.md "$root/REFACTOR.md"
echo "wrote milestones/M00.closeout.json, milestones/M01.closeout.json and the rendered files"
