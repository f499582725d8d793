#!/usr/bin/env bash
# Ingests the shipped example program's M01 evidence (milestones/evidence/M01)
# into a ledger: the smoke-test JUnit file, the three CI runs of
# refactor-smoke.yml with their jobs, and the import analyzer's metrics.
# Usage: tools/example-evidence.sh RL_BINARY [ROOT [DB]]
set -euo pipefail
rl=$1
root=${2:-$(cd "$(dirname "$0")/.." && pwd)}
db_args=()
if [[ $# -ge 3 ]]; then db_args=(--db "$3"); fi
ev=$root/milestones/evidence/M01
commit=41daf4ea527
at=2026-02-08T07:51:04Z
run() { "$rl" -C "$root" "${db_args[@]}" "$@"; }
run ingest junit "$ev/smoke-tests.junit.xml" --commit "$commit" --at "$at" \
  --source "pytest test/test_import_smoke_static.py (M01 closeout)" >/dev/null
run ingest github-run "$ev"/run1.json "$ev"/run2.json "$ev"/run3.json \
  "$ev"/run1.jobs.json "$ev"/run2.jobs.json "$ev"/run3.jobs.json \
  --source "GitHub Actions API, m-cahill/pytorch" >/dev/null
for metric in unresolved_imports=0 files_scanned=2372 imports_analyzed=21254; do
  run record metric "${metric%%=*}" "${metric#*=}" --commit "$commit" --at "$at" \
    --source "tools/refactor/import_smoke_static.py" >/dev/null
done
