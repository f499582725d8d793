#!/usr/bin/env bash
# End-to-end: an ingest and its audit entry land together, also when the
# process is killed. Invariant checked after every step: the evidence rows
# stored equal the files that the `ingest` audit entries say were stored
# (so every stored evidence row is covered by an entry).
#
#  1. killed after the evidence is written, before its audit entry
#     (RL_FAULT_INJECT=ingest-before-audit: where the old code had committed
#     the evidence already): neither is stored;
#  2. killed right after the commit (ingest-after-commit): both are;
#  3. the same for a CI run document and a coverage file;
#  4. an ingest committed in parts (more than 250,000 results): each part
#     commits with its own entry; killed after the first part, the log shows
#     part 1 and its evidence is stored, and nothing of part 2;
#  5. `record metric` killed before its commit (record-before-commit) stores nothing.
#  6. the same command line run twice in the same second on a changed file
#     is two events with two audit entries (their ids were content hashes, and
#     the second merged into the first).
#
# Usage: tests/e2e/ingest_audit.sh RL_BINARY SOURCE_DIR
set -uo pipefail
rl=$1
src=$2
source "$(dirname "$0")/lib.sh"
make_work rl-ingest-audit
scalar() { csv_rows query "$1"; }

# Evidence rows of `kind` stored == files the ingest entries of that kind say were stored.
# Prints "<rows> <covered> <entries>".
coverage_of() { # kind label-in-summary
  local rows covered entries
  rows=$(scalar "SELECT count(*) FROM evidence WHERE kind = '$1'")
  read -r covered entries < <("$rl" log --action ingest --format json | python3 -c '
import json, re, sys
label = sys.argv[1]
covered = entries = 0
for e in json.load(sys.stdin):
    if e["at"] != "2026-05-28T20:26:40Z":
        continue  # entries carried by the example closeout records
    m = re.match(label + r" (?:(\d+) files stored|part \d+(?: \(last\))?, files \d+-\d+ of \d+: (\d+) stored)", e["summary"])
    if m:
        entries += 1
        covered += int(m.group(1) or m.group(2))
print(covered, entries)' "$2")
  echo "$rows $covered $entries"
}
expect_coverage() { # kind label rows entries what
  local got
  got=$(coverage_of "$1" "$2")
  [[ $got == "$3 $3 $4" ]] && ok "$5: $3 $1 rows, all covered by $4 audit entries" \
    || fail "$5: (rows covered entries) = ($got), expected ($3 $3 $4)"
}

junit() { # file cases name-prefix
  python3 - "$@" <<'EOF'
import sys
path, n, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "w") as f:
    f.write('<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite name="s" tests="%d">\n' % n)
    for i in range(n):
        f.write('<testcase classname="test/test_%s.py::T" name="test_%d" time="0.001"/>\n' % (prefix, i))
    f.write('</testsuite></testsuites>\n')
EOF
}

mkdir -p "$work/p"
cp -R "$src/milestones" "$src/invariants" "$work/p/"
cd "$work/p" || exit 1
git init -q -b main . && printf '.ledger/\n' >.gitignore && git add -A && git commit -qm "program" || exit 1
run load; expect_rc 0 "load"
junit "$work/a.xml" 3 a
junit "$work/b.xml" 4 b

# ---- 1. killed between writing the evidence and its audit entry ---------------
run_killed ingest-before-audit ingest junit "$work/a.xml" "$work/b.xml"; expect_rc 86 "ingest killed before its audit entry"
expect_coverage junit junit 0 0 "killed before the audit entry: neither evidence nor entry"

# ---- 2. killed right after the commit ------------------------------------------
run_killed ingest-after-commit ingest junit "$work/a.xml" "$work/b.xml"; expect_rc 86 "ingest killed after its commit"
expect_coverage junit junit 2 1 "killed after the commit: evidence and entry"
run ingest junit "$work/a.xml" "$work/b.xml"; expect_rc 0 "the same files again"
expect_out "already ingested" "the same files again are already ingested"
expect_coverage junit junit 2 1 "nothing stored, no entry"

# ---- 3. other kinds: a CI run document, a coverage file ------------------------
cat >"$work/run.json" <<'EOF'
{"id": 41000000001, "name": "Refactor Smoke Test", "head_branch": "main", "head_sha": "0123456789abcdef0123456789abcdef01234567",
 "path": ".github/workflows/refactor-smoke.yml", "event": "push", "status": "completed", "conclusion": "success",
 "html_url": "https://github.com/o/r/actions/runs/41000000001", "created_at": "2026-05-02T10:00:00Z",
 "updated_at": "2026-05-02T10:05:00Z", "run_attempt": 1, "repository": {"full_name": "o/r"}}
EOF
run_killed ingest-before-audit ingest github-run "$work/run.json"; expect_rc 86 "github-run ingest killed before its audit entry"
expect_coverage ci_run ci_run 0 0 "CI run killed before the audit entry"
run ingest github-run "$work/run.json"; expect_rc 0 "github-run ingest"
expect_coverage ci_run ci_run 1 1 "CI run stored with its entry"
printf 'TN:\nSF:src/a.c\nDA:1,1\nDA:2,0\nLF:2\nLH:1\nend_of_record\n' >"$work/cov.info"
run_killed ingest-before-audit ingest coverage "$work/cov.info"; expect_rc 86 "coverage ingest killed before its audit entry"
expect_coverage coverage coverage 0 0 "coverage killed before the audit entry"
run_killed ingest-after-commit ingest coverage "$work/cov.info"; expect_rc 86 "coverage ingest killed after its commit"
expect_coverage coverage coverage 1 1 "coverage stored with its entry"

# ---- 4. an ingest committed in parts -------------------------------------------
# 150,000 + 150,000 results pass the 250,000 of a part after the second file.
junit "$work/big1.xml" 150000 big1
junit "$work/big2.xml" 150000 big2
junit "$work/small.xml" 5 small
parts=("$work/big1.xml" "$work/big2.xml" "$work/small.xml")
run_killed ingest-before-audit ingest junit "${parts[@]}"; expect_rc 86 "multi-part ingest killed before part 1's entry"
expect_coverage junit junit 2 1 "killed before part 1's entry: nothing of it"
run_killed ingest-after-commit ingest junit "${parts[@]}"; expect_rc 86 "multi-part ingest killed after part 1's commit"
expect_coverage junit junit 4 2 "killed after part 1: part 1 stored with its entry"
run log --action ingest; expect_out "junit part 1, files 1-2 of 3: 2 stored, 0 already ingested, 0 rejected" "log shows part 1"
expect_out "continued in part 2" "part 1 says more was to follow"
[[ $(scalar "SELECT count(*) FROM evidence WHERE path LIKE '%small.xml'") == 0 ]] && ok "nothing of part 2 is stored" \
  || fail "part 2's file is stored without its entry"
run ingest junit "${parts[@]}"; expect_rc 0 "the multi-part ingest again"
expect_coverage junit junit 5 3 "the rest stored with its entry"
run log --action ingest -n 1; expect_out "junit 1 files stored, 2 already ingested, 0 rejected" "the rest is one entry"
# A complete run in parts on a fresh ledger: one entry per part, the last one says so.
mv ledger "$work/ledger.aside" # else the fresh ledger imports the files stored above
run --db "$work/fresh.db" ingest junit "${parts[@]}"; expect_rc 0 "a complete multi-part ingest"
[[ $(find ledger -name '*.json' | wc -l) == 2 ]] && ok "complete run: one ledger file per part" || fail "not one ledger file per part"
run --db "$work/fresh.db" log --action ingest
expect_out "junit part 1, files 1-2 of 3: 2 stored, 0 already ingested, 0 rejected" "complete run: part 1"
expect_out "junit part 2 (last), files 3-3 of 3: 1 stored, 0 already ingested, 0 rejected" "complete run: part 2, the last"
[[ $("$rl" --db "$work/fresh.db" query "SELECT count(*) FROM test_result" --format csv | tail -n 1 | tr -d '\r') == 300005 ]] \
  && ok "complete run: every result stored" || fail "complete run: results missing"
rm -rf ledger && mv "$work/ledger.aside" ledger

# ---- 5. record metric ------------------------------------------------------------
before=$(scalar "SELECT count(*) FROM evidence WHERE kind = 'metric'")
run_killed record-before-commit record metric m1 1; expect_rc 86 "record metric killed before its commit"
# Its ledger file was written before the kill (inside the transaction): the
# next command imports it, value and entry together.
[[ $(scalar "SELECT count(*) FROM evidence WHERE kind = 'metric'") == $((before + 1)) \
  && $(scalar "SELECT count(*) FROM audit_log WHERE action = 'record' AND summary LIKE 'metric m1 %'") == 1 ]] \
  && ok "killed after its ledger file: the next command imports value and entry" || fail "killed: value and entry differ"
run record metric m1 1; expect_rc 0 "record metric"; expect_out "already recorded" "the imported value is the same"
run record metric m1 2; expect_rc 0 "record metric"
[[ $(scalar "SELECT count(*) FROM evidence WHERE kind = 'metric'") == $((before + 2)) \
  && $(scalar "SELECT count(*) FROM audit_log WHERE action = 'record' AND at = '2026-05-28T20:26:40Z'") == $((before + 2)) ]] \
  && ok "record metric: value and entry together" || fail "record metric: value and entry differ"

# ---- 6. two events alike in the same second -----------------------------------------
# The same command line on a file whose content changed (a CI job regenerating
# report.xml): two evidence rows, two ingest entries. Entry ids were content
# hashes, and the second entry merged into the first.
before=$(scalar "SELECT count(*) FROM audit_log WHERE action = 'ingest'")
printf '<testsuite name="a"><testcase classname="k" name="one"/></testsuite>\n' >"$work/report.xml"
run ingest junit "$work/report.xml"; expect_rc 0 "ingest report.xml"
printf '<testsuite name="a"><testcase classname="k" name="two"/></testsuite>\n' >"$work/report.xml"
run ingest junit "$work/report.xml"; expect_rc 0 "ingest report.xml again, changed, the same second"
[[ $(scalar "SELECT count(*) FROM audit_log WHERE action = 'ingest'") == $((before + 2)) ]] \
  && ok "two ingests alike in one second: two entries" || fail "two ingests alike in one second: entries merged"
finish
