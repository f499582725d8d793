#!/usr/bin/env bash
# The ledger travels with the repository: evidence and approvals stored in one
# clone are committed files (ledger/), which another clone imports; branches
# that both stored evidence merge without conflict; an edited ledger file is
# refused; a checkout without some files drops what they held.
# Usage: shared_ledger.sh REFACTOR_LEDGER_BINARY SOURCE_TREE
set -uo pipefail
rl=$1
src=$2
source "$(dirname "$0")/lib.sh"
make_work rl-shared

# junit FILE PASSING_SMOKE OTHER: 8 smoke tests (the first PASSING_SMOKE pass,
# the rest fail) and OTHER tests no rule selects.
junit() {
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<testsuite name="smoke" timestamp="2026-05-02T11:00:00">'
    for i in 1 2 3 4 5 6 7 8; do
      if ((i <= $2)); then
        echo "  <testcase classname=\"test/test_import_smoke_static.py\" name=\"test_$i\" time=\"0.1\"/>"
      else
        echo "  <testcase classname=\"test/test_import_smoke_static.py\" name=\"test_$i\"><failure message=\"boom $i\"/></testcase>"
      fi
    done
    for ((i = 1; i <= $3; i++)); do
      echo "  <testcase classname=\"test/other.py\" name=\"t_$i\" time=\"0.01\"/>"
    done
    echo '</testsuite>'
  } >"$1"
}

make_ready_program # clone A: a run ingested and a metric recorded, M02 ready but for its approval
a=$ready
files=$(find ledger -name '*.json' | wc -l)
[[ $files == 2 ]] && ok "ingest and record each wrote one ledger file" || fail "expected 2 ledger files, found $files"
junit "$work/a.xml" 8 200
run ingest junit "$work/a.xml"; expect_rc 0 "ingest junit in A"
run approve M02 closeout --by alice --note "looks right"; expect_rc 0 "approve in A"
[[ $(find ledger -name '*.json' | wc -l) == 4 ]] || fail "ingest junit and approve each add one file"
# The JUnit file keeps the 8 tests the rules select, and counts for all 208.
newest_junit=$(grep -l '"kind":"junit"' ledger/*.json)
[[ $(grep -c '"test/test_import_smoke_static.py::test_' "$newest_junit") == 8 ]] \
  && ok "the ledger file keeps the selected tests' results" || fail "selected tests not kept: $(cat "$newest_junit")"
grep -q '"test/other.py' "$newest_junit" && fail "tests no rule selects are kept per test"
grep -q '"tests":208' "$newest_junit" && ok "summary counts kept" || fail "counts missing"
# Names are <time>-<hash>.json and the hash is the content's.
for f in ledger/*.json; do
  n=$(basename "$f" .json)
  [[ $(sha256sum "$f" | cut -c1-16) == "${n#*-}" ]] || fail "$f: name does not carry its hash"
done
git add -A && git commit -qm "evidence and approval" || fail "commit in A"

# Clone B sees what A sees.
git clone -q "$a" "$work/b"
for args in "close M02 --dry-run --format json --commit $closing --base $base" "status --format json" "why INV-050 --format json" \
  "invariants --format json" "log --format json --action approve"; do
  # shellcheck disable=SC2086
  (cd "$a" && "$rl" $args >"$work/a.out" 2>&1)
  # shellcheck disable=SC2086
  (cd "$work/b" && "$rl" $args >"$work/b.out" 2>&1)
  if cmp -s "$work/a.out" "$work/b.out"; then ok "same '$args' in a fresh clone"; else
    fail "'$args' differs in a fresh clone:"$'\n'"$(diff "$work/a.out" "$work/b.out" | head -20)"
  fi
done
cd "$work/b" || exit 1
run close M02 --dry-run --commit "$closing" --base "$base"; expect_rc 0 "B: every gate of M02 passes, the approval included"
expect_out "approval:closeout" "B: the approval gate"
run why INV-050; expect_out "verified" "B: INV-050 verified from A's evidence"
run render --check; expect_rc 0 "B: render --check"

# gc after a closeout folds the files into one; nothing computed changes.
git clone -q "$a" "$work/c"
cd "$work/c" || exit 1
run close M02 --by alice --commit "$closing" --base "$base"; expect_rc 0 "close M02 in C"
"$rl" status --format json >"$work/status.before"
"$rl" why INV-050 --format json >"$work/why.before"
run gc --dry-run --format json; expect_rc 0 "gc --dry-run"
expect_out '"dry_run": true' "a dry run says so"
[[ $(find ledger -name '*.json' | wc -l) == 4 ]] || fail "gc --dry-run wrote or removed files"
run gc; expect_rc 0 "gc"; expect_out "folded 4 ledger files" "gc folds the four files"
[[ $(find ledger -name '*.json' | wc -l) == 1 ]] || fail "gc leaves one file: $(ls ledger)"
folded=$(ls ledger/*.json)
grep -q '"approvals": \[\]' "$folded" && ok "the closed milestone's approval is left to its record" \
  || fail "approval of closed M02 kept: $(grep -A2 approvals "$folded")"
"$rl" status --format json >"$work/status.after"
"$rl" why INV-050 --format json >"$work/why.after"
cmp -s "$work/status.before" "$work/status.after" && cmp -s "$work/why.before" "$work/why.after" \
  && ok "status and why unchanged by gc" || fail "gc changed a status: $(diff "$work/why.before" "$work/why.after" | head)"
run render --check; expect_rc 0 "render --check after gc"
run gc; expect_rc 0 "gc again"; expect_out "nothing to fold" "a second gc has nothing to do"
git add -A && git commit -qm "M02 closed, ledger folded"
git clone -q "$work/c" "$work/d"
(cd "$work/d" && "$rl" why INV-050 --format json >"$work/why.d" 2>&1)
cmp -s "$work/why.before" "$work/why.d" && ok "a fresh clone of the folded ledger: same why" \
  || fail "fresh clone after gc differs: $(diff "$work/why.before" "$work/why.d" | head)"

# Two branches that both ingest evidence merge without conflict.
cd "$a" || exit 1
git checkout -q -b side
junit "$work/side.xml" 7 10
run ingest junit "$work/side.xml" --at 2026-05-03T09:00:00Z; expect_rc 0 "ingest on side"
git add -A && git commit -qm "side evidence"
git checkout -q main
run status; expect_rc 0 "status after switching back (side's file gone: rebuilt)"
run query "SELECT count(*) FROM evidence"; expect_out "3" "main holds its 3 pieces of evidence after the switch"
run record metric unresolved_imports 0; expect_rc 0 "record on main"
git add -A && git commit -qm "main metric"
if git merge -q --no-edit side >"$work/merge.out" 2>&1; then ok "branches that both stored evidence merge"; else
  fail "merge conflict: $(cat "$work/merge.out")"
fi
run query "SELECT count(*) FROM evidence"; expect_out "5" "after the merge, both branches' evidence"
run why INV-050; expect_out "failing" "the side branch's newer failing results count after the merge"
(cd "$work/b" && git pull -q --no-rebase "$a" main >/dev/null 2>&1) || fail "pull in B"
(cd "$a" && "$rl" why INV-050 --format json >"$work/a.out" 2>&1)
(cd "$work/b" && "$rl" why INV-050 --format json >"$work/b.out" 2>&1)
cmp -s "$work/a.out" "$work/b.out" && ok "B after the pull: same why" || fail "B differs after pull: $(diff "$work/a.out" "$work/b.out" | head)"

# An edited ledger file is refused, and nothing changes.
cd "$work/b" || exit 1
victim=$(grep -l '"kind":"metric"' ledger/*.json | head -1)
cp .ledger/ledger.db "$work/before.db"
# (Which metric file comes first depends on hashes: the edit must change any of them.)
sed -i 's/"source":"/"source":"forged /' "$victim"
cmp -s "$victim" <(git show "HEAD:$victim") && fail "the test's edit changed nothing in $victim"
run status; expect_rc 3 "an edited ledger file"
expect_out "does not match the hash in its name" "the edit is named"
expect_out "$victim" "the file is named"
cmp -s .ledger/ledger.db "$work/before.db" && ok "the database is unchanged" || fail "database changed by a refused sync"
git checkout -q -- ledger
run status; expect_rc 0 "restored from git"

# Hostile ledger files: a symlink, bad JSON, an unknown key (each with the right hash).
plant() { # NAME CONTENT
  local text=$2 h
  h=$(printf '%s' "$text" | sha256sum | cut -c1-16)
  printf '%s' "$text" >"ledger/20260601T000000Z-$h.json"
  planted="ledger/20260601T000000Z-$h.json"
}
plant bad '{"format": "refactor-ledger.ledger/1", "audit": [], "evidence": [{"kind": "junit"}], "jobs": [], "approvals": []}'
run status; expect_rc 3 "a ledger file missing fields"; expect_out "/evidence/0" "the JSON Pointer is named"
rm -f "$planted"
plant syntax '{"format": '
run status; expect_rc 3 "a ledger file that is not JSON"; expect_out ":1:" "the line is named"
rm -f "$planted"
ln -s /etc/passwd ledger/20260601T000000Z-0000000000000000.json
run status; expect_rc 3 "a symlinked ledger file"; expect_out "symlink" "the symlink is named"
rm -f ledger/20260601T000000Z-0000000000000000.json
run status; expect_rc 0 "clean again"

# ledger_dir in program.yaml moves the folder; one that leaves the root is refused.
sed -i 's/^  name: /  ledger_dir: ..\/elsewhere\n  name: /' milestones/program.yaml
run validate; expect_rc 3 "ledger_dir outside the root"; expect_out "ledger_dir" "named"
git checkout -q -- milestones/program.yaml
finish
