#!/usr/bin/env bash
# End-to-end: closing M02 of the shipped example in a temporary git copy.
#
#  1. ingest evidence for M02's invariant and CI, approve, `close --dry-run`
#     lists every gate, `close` succeeds and REFACTOR.md moves one step on;
#  2. each gate failing alone: exit 1, the gate and what to do named, every
#     file and the database byte-identical;
#  3. `close` killed at each step of its write: the next command finds the
#     old state (before the commit point) or the complete new one (after);
#  4. deleting .ledger/ rebuilds byte-identical outputs;
#  5. editing closed M02 is refused until `reopen`, and `log` shows both.
#
# Usage: tests/e2e/closeout.sh RL_BINARY SOURCE_DIR
set -uo pipefail
rl=$1
src=$2
source "$(dirname "$0")/lib.sh"
make_work rl-e2e
# Every file of the tree (the ledger's database included) with its checksum.
fingerprint() { (cd "$1" && find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha256sum); }

# ---- the example program at M01 with M02 ready to close -----------------------
make_ready_program
cp -a "$ready" "$work/unapproved"
run approve M02 closeout --by alice --note "explicit closeout permission"; expect_rc 0 "approve"
run approve M02 sign-off --by alice; expect_rc 2 "approve an unknown approval"
expect_out "it requires: closeout" "unknown approval names the required ones"
close_args=(close M02 --base "$base" --score architecture=8 --score tests=7 --score ci=8 --score security=6 --score velocity=High --by alice)

# ---- 1. dry run, then close ---------------------------------------------------
run close M02 --dry-run --base "$base"; expect_rc 0 "close --dry-run on a ready milestone"
for gate in dependencies deliverables invariants ci:refactor-smoke.yml scope approval:closeout deferrals; do
  expect_out "$gate" "dry run lists gate $gate"
done
run close M02 --dry-run --base "$base" --format json; expect_rc 0 "close --dry-run --format json"
python3 -c 'import json,sys; rows=json.loads(sys.stdin.read()); assert len(rows) == 7 and all(r["result"] == "pass" for r in rows), rows' <<<"$out" \
  || fail "dry-run JSON: 7 passing gates"
before_close=$(fingerprint "$ready")
run status; run close M02 --dry-run --base "$base"
[[ $(fingerprint "$ready") == "$before_close" ]] && ok "dry run wrote nothing" || fail "dry run changed files"

cp -a "$ready" "$work/closed"
cd "$work/closed" || exit 1
run "${close_args[@]}"; expect_rc 0 "close M02"
expect_out "wrote milestones/M02.closeout.json" "close writes the record"
for f in milestones/M02.closeout.json milestones/closeouts/M02/M02_summary.md milestones/closeouts/M02/M02_audit.md milestones/toolcalls.md; do
  [[ -s $f ]] || fail "close did not write $f"
done
grep -q "^#### M02 — Populate REFACTOR.md ✅ COMPLETE" REFACTOR.md || fail "REFACTOR.md: M02 complete"
grep -q "^#### M03 — .*🔵 NEXT" REFACTOR.md || fail "REFACTOR.md: M03 next"
grep -q "3/23" REFACTOR.md || fail "REFACTOR.md: progress 3/23"
grep -qF "| 2026-05-28 | M02 | 8/10 (=) | 7/10 (=) | 8/10 (=) | 6/10 (=) | High |" REFACTOR.md || fail "REFACTOR.md: M02 score row with deltas"
grep -q "Closed 2026-05-28 by alice at \`${closing:0:12}\`: 7/7 gates passed" REFACTOR.md || fail "REFACTOR.md: M02 closeout line"
grep -q "approval:closeout" milestones/closeouts/M02/M02_audit.md || fail "audit lists the approval gate"
run render --check; expect_rc 0 "render --check after close"
run close M02 --base "$base"; expect_rc 2 "closing a closed milestone"
expect_out "already closed" "closing twice says it is closed"
ok "close M02"

# ---- 4. rebuild from committed files -----------------------------------------
outputs=(REFACTOR.md milestones/toolcalls.md milestones/closeouts/M00/M00_summary.md milestones/closeouts/M00/M00_audit.md
  milestones/closeouts/M01/M01_summary.md milestones/closeouts/M01/M01_audit.md
  milestones/closeouts/M02/M02_summary.md milestones/closeouts/M02/M02_audit.md)
sums=$(sha256sum "${outputs[@]}")
rm -rf .ledger
rm -f "${outputs[@]}"
run render; expect_rc 0 "render after deleting .ledger/ and the outputs"
[[ $(sha256sum "${outputs[@]}") == "$sums" ]] && ok "rebuild is byte-identical" || fail "rebuild differs"
run log --milestone M02; expect_out "close" "the close entry survives the rebuild"
expect_out "approve" "the approval entry survives the rebuild"

# ---- 5. locked, reopen --------------------------------------------------------
locked_fp=$(fingerprint .)
sed -i 's/^  title: Populate REFACTOR.md$/  title: Populate the living log/' milestones/M02.yaml
run status; expect_rc 3 "status after editing closed M02"
expect_out "milestone M02 is closed and locked" "lock error names the milestone"
expect_out "definition changed: title" "lock error names the field"
expect_out "refactor-ledger reopen M02 --reason" "lock error says what to do"
sed -i 's/^  title: Populate the living log$/  title: Populate REFACTOR.md/' milestones/M02.yaml
touch -d '2026-01-01' milestones/M02.yaml
[[ $(fingerprint .) == "$locked_fp" ]] || fail "a refused load changed something"
run reopen M02 --reason "title must say living log" --by bob; expect_rc 0 "reopen"
sed -i 's/^  title: Populate REFACTOR.md$/  title: Populate the living log/' milestones/M02.yaml
run status; expect_rc 0 "status after reopen and edit"
run render; expect_rc 0 "render after reopen"
grep -q "⚠️ Reopened 2026-05-28 by bob: title must say living log" REFACTOR.md || fail "REFACTOR.md shows the reopen"
grep -q "^#### M02 — Populate the living log 🔵 NEXT" REFACTOR.md || fail "REFACTOR.md: reopened M02 is next again"
run log --milestone M02; expect_out "reopen" "log shows the reopen"; expect_out "close" "log shows the close"
run query "DELETE FROM audit_log"; expect_rc 3 "query refuses deleting the audit log"
ok "lock and reopen"

# ---- 2. one failing gate at a time --------------------------------------------
# prepare DIR: a copy of `ready` (or $2) with a mutation applied by the caller.
refuse() { # name expected-gate expected-action-substring
  run status # reload after the mutation, so the close itself must not write
  local fp
  fp=$(fingerprint .)
  run "${close_args[@]}"
  expect_rc 1 "$1: close with a failing gate"
  expect_out "$2" "$1: names the gate"
  expect_out "what to do: $3" "$1: says what to do"
  expect_out "nothing was changed" "$1: says nothing changed"
  local failed
  failed=$(grep -c "^  what to do:" <<<"$out")
  [[ $failed == 1 ]] || fail "$1: $failed gates failed, expected exactly one"
  [[ $(fingerprint .) == "$fp" ]] && ok "$1: refused, files and database byte-identical" \
    || fail "$1: files or database changed"
}
scenario() { rm -rf "$work/s"; cp -a "${2:-$ready}" "$work/s"; cd "$work/s" || exit 1; }

scenario deliverable
python3 - <<'EOF'
p = "milestones/M02.yaml"
s = open(p).read()
s = s.replace("    - text: Milestone table with M00, M01, M02\n",
              "    - text: Milestone table with M00, M01, M02\n    - text: Governance notes\n      path: docs/refactor/governance.md\n")
open(p, "w").write(s)
EOF
refuse "missing deliverable" "deliverables" "commit the missing deliverables"

scenario invariant
run record metric deprecation_policy_documented 0 --commit "$closing" --source "a later check"
refuse "failing invariant" "INV-060 failing" "ingest evidence"

scenario ci
run_json 31000000002 "$closing" failure 2 >"$work/red.json"
run ingest github-run "$work/red.json"
refuse "red CI" "ci:refactor-smoke.yml" "fix the workflow"

scenario scope
mkdir -p torch && printf 'x = 1\n' >torch/utils.py && git add -A && git commit -qm "stray change"
run_json 31000000003 "$(git rev-parse HEAD)" success 1 >"$work/green2.json"
run ingest github-run "$work/green2.json"
refuse "file outside the scope" "torch/utils.py" "revert those changes"

scenario approval "$work/unapproved"
refuse "missing approval" "approval:closeout" "refactor-ledger approve M02 closeout --by NAME"

scenario deferral
sed -i '/^  - id: D09$/,/^    status: open$/ s/^    status: open$/    status: open\n    blocker: true/' milestones/deferrals.yaml
refuse "blocker deferral" "D09" "resolve them"

# ---- 3. close killed part-way --------------------------------------------------
for point in after-staging after-commit-point before-database; do
  scenario "kill-$point"
  run status
  fp=$(fingerprint .)
  run_killed "$point" "${close_args[@]}"; expect_rc 86 "close killed at $point"
  run status; expect_rc 0 "the next command after a kill at $point"
  if [[ $point == after-staging ]]; then
    expect_out "undid an interrupted closeout write" "kill at $point: undone"
    [[ $(fingerprint .) == "$fp" ]] && ok "killed at $point: old state intact" || fail "killed at $point: state changed"
  else
    [[ $point == after-commit-point ]] && expect_out "completed an interrupted closeout write" "kill at $point: completed"
    run render --check; expect_rc 0 "killed at $point: new state complete (render --check)"
    run milestones --status closed --format csv; expect_out "M02" "killed at $point: M02 closed"
    run log --milestone M02 --action close; expect_out "M02 closed" "killed at $point: close entry in the log"
  fi
done

# ---- two closes at once: exactly one lands ------------------------------------
scenario race
run status
"$rl" "${close_args[@]}" >"$work/race1" 2>&1 &
p1=$!
"$rl" "${close_args[@]}" >"$work/race2" 2>&1 &
p2=$!
wait $p1; rc1=$?
wait $p2; rc2=$?
if [[ $rc1 == 0 && $rc2 != 0 || $rc1 != 0 && $rc2 == 0 ]]; then
  ok "two concurrent closes: one landed (exit codes $rc1, $rc2)"
else
  fail "two concurrent closes: exit codes $rc1 and $rc2"; cat "$work/race1" "$work/race2"
fi
run render --check; expect_rc 0 "after the race, the files are consistent"
[[ $(python3 -c 'import json; print(len(json.load(open("milestones/M02.closeout.json"))["events"]))') == 1 ]] \
  || fail "after the race, M02's record has one close event"

finish
