#!/usr/bin/env bash
# End-to-end: closed history stays frozen. From the shipped example at M01
# (make_ready_program), in a temporary git copy:
#
#  A. close M02, M03, M04 and M05 in order, each with its own evidence and
#     closeout edits: an approval given --at a past time (shown in M03's
#     audit), a CI gate waived with its reason (M03, no run ingested), a gate
#     declared not applicable (M05's scope), a deferral re-targeted from M04
#     to M05 by hand and then resolved by `close --resolve` (D15, with its
#     history), a risk mitigated by `close --mitigate` (I03), a deferral added
#     by `close --defer ... --to post-M10` (D16), a pull request still open,
#     a report attached with `close --artifact` (its SHA-256 in the record);
#     a malformed, empty, pre-program or future `approve --at` and an
#     `--artifact` outside the root (.., absolute, a symlink out, missing, a
#     folder) are usage errors that record nothing;
#  B. after each close, every earlier closed milestone's summary, audit and
#     REFACTOR.md entry (M00 and M01 included) is byte-identical to what it
#     was right after its own close;
#  C. after a phase rename, two new invariants, a renamed one (INV-060,
#     protected by closed M02, becomes INV-074 with its old id as an alias)
#     a deferral id pattern of the program's own (M06-V01) and a
#     program-written section (refused, nothing written, while its file is a
#     symlink out of the root),
#     `render`, then a fresh
#     clone (no .ledger/) renders the same history: documents and entries
#     byte-identical, `render --check` exits 0, also when the clone's closeout
#     documents are deleted and regenerated;
#  D. no raw `{{` placeholder reaches a rendered file; `\{{` in an open
#     milestone's prose writes a literal `{{`; `{{bogus}}` is an error naming
#     the file and line;
#  E. editing closed M02 is refused until `reopen`, which accepts the edit
#     already in place and records the changed field; REFACTOR.md shows it.
#
# Usage: tests/e2e/history.sh RL_BINARY SOURCE_DIR
set -uo pipefail
rl=$(realpath -m "$1") # the script changes folders
src=$2
source "$(dirname "$0")/lib.sh"
make_work rl-e2e-history

# ---- helpers ------------------------------------------------------------------
# edit FILE OLD NEW: replace the first OLD in FILE by NEW (literal strings).
edit() {
  python3 - "$@" <<'EOF' || fail "edit $1: text not found: $2"
import sys
path, old, new = sys.argv[1:4]
s = open(path, encoding="utf-8").read()
if old not in s:
    sys.exit(1)
open(path, "w", encoding="utf-8").write(s.replace(old, new, 1))
EOF
}
# entry MID [FILE]: MID's entry in REFACTOR.md, from its heading to its
# "**Closeout Record:**" line.
entry() {
  awk -v h="#### $1 — " 'index($0, h) == 1 { p = 1 } p { print } p && /^\*\*Closeout Record:\*\*/ { exit }' "${2:-REFACTOR.md}"
}
sum_of() { { sha256sum <"$1"; } 2>/dev/null || echo missing; }
docs_of() { printf '%s\n' "milestones/closeouts/$1/$1_summary.md" "milestones/closeouts/$1/$1_audit.md"; }
# The frozen copies: sha256 of each closed milestone's documents and its entry.
declare -A doc_sum log_entry
closed=()
# snapshot MID: take MID's copies, right after its close.
snapshot() {
  local f
  while read -r f; do
    [[ -s $f ]] || fail "$1: $f missing after its close"
    doc_sum[$f]=$(sum_of "$f")
  done < <(docs_of "$1")
  log_entry[$1]=$(entry "$1")
  [[ -n ${log_entry[$1]} ]] || fail "$1: no entry in REFACTOR.md"
  closed+=("$1")
}
# frozen LABEL [ROOT] [SKIP]: every snapshot milestone but SKIP still has
# byte-identical documents and REFACTOR.md entry in ROOT (default: here).
frozen() {
  local label=$1 root=${2:-.} skip=${3:-} m f bad=0
  for m in "${closed[@]}"; do
    [[ $m == "$skip" ]] && continue
    while read -r f; do
      if [[ $(sum_of "$root/$f") != "${doc_sum[$f]}" ]]; then
        fail "$label: $f changed"; bad=1
      fi
    done < <(docs_of "$m")
    if [[ $(entry "$m" "$root/REFACTOR.md") != "${log_entry[$m]}" ]]; then
      fail "$label: $m's entry in REFACTOR.md changed:"$'\n'"$(diff <(echo "${log_entry[$m]}") <(entry "$m" "$root/REFACTOR.md"))"
      bad=1
    fi
  done
  [[ $bad == 0 ]] && ok "$label: ${#closed[@]} closed milestones frozen${skip:+ (but $skip)}"
}
# ok_since LABEL: ok when nothing failed since the last ok_since.
mark=0
ok_since() {
  [[ $failures == "$mark" ]] && ok "$1"
  mark=$failures
}
# ci_green ID: ingest a green refactor-smoke run of HEAD.
ci_green() {
  run_json "$1" "$(git rev-parse HEAD)" success 1 >"$work/run-$1.json"
  run ingest github-run "$work/run-$1.json"; expect_rc 0 "ingest green run $1"
}
# close_ok MID BY EPOCH [ARGS...]: close MID at that clock, with a score row;
# then commit the record and documents (as the program does), check that the
# earlier history is unchanged and take MID's copies.
scores=(--score architecture=8 --score tests=7 --score ci=8 --score security=6 --score velocity=High)
close_ok() {
  local id=$1 by=$2 epoch=$3
  shift 3
  export SOURCE_DATE_EPOCH=$epoch
  run close "$id" --dry-run "$@"; expect_rc 0 "close $id --dry-run: every gate passes"
  run close "$id" --by "$by" "${scores[@]}" "$@"; expect_rc 0 "close $id"
  expect_out "closed $id ($(date -u -d "@$epoch" +%F)" "close $id names its date"
  run render --check; expect_rc 0 "render --check after closing $id"
  git add -A && git commit -qm "$id: closeout record" >/dev/null
  frozen "after closing $id"
  snapshot "$id"
}
# done_deliverables MID: mark MID's deliverables done (a closeout edit).
done_deliverables() {
  python3 - "milestones/$1.yaml" <<'EOF'
import sys
p = sys.argv[1]
out, inside = [], False
for line in open(p, encoding="utf-8").read().splitlines(keepends=True):
    if inside and line.startswith("    - ") and out[-1] != "  deliverables:\n":
        out.append("      done: true\n")
    if inside and line.startswith("  ") and not line.startswith("   "):
        out.append("      done: true\n")
        inside = False
    out.append(line)
    inside = inside or line == "  deliverables:\n"
open(p, "w", encoding="utf-8").write("".join(out))
EOF
}

# ---- A/B. the example at M01, M02 ready but its approval -----------------------
make_ready_program
snapshot M00
snapshot M01

# ---- M02: a deferral found (D15, due in M04); approve; close -------------------
cat >>milestones/deferrals.yaml <<'EOF'
  - id: D15
    what: Workflow lint findings have no baseline to compare against
    why: Needs the silent-failure fixes of M04 first
    discovered_in: M02
    deferred_to: M04
    status: open
EOF
done_deliverables M02
git add -A && git commit -qm "M02: D15 found; deliverables done"
ci_green 31000000020
run record metric deprecation_policy_documented 1 --commit "$(git rev-parse HEAD)"; expect_rc 0 "M02's metric"
export SOURCE_DATE_EPOCH=1780100000 # 2026-05-30T00:13:20Z
run approve M02 closeout --by alice --note "explicit closeout permission"; expect_rc 0 "approve M02"
close_ok M02 alice 1780100000 --base "$base"
grep -qF "| D15 | Workflow lint findings have no baseline to compare against | M02 | M04 | open | no |" \
  milestones/closeouts/M02/M02_audit.md || fail "M02's audit lists D15 open, deferred to M04"
ok_since "M02: closed with D15 found"

# ---- M03: documentation only; CI gate waived; approval given --at --------------
mkdir -p docs/refactor/milestones/M03
# shellcheck disable=SC2016 # backquotes are Markdown
printf '# M03 findings\n\n1. lint.yml: `continue-on-error: true` on the clang-tidy step\n' \
  >docs/refactor/milestones/M03/M03_findings.md
edit milestones/M03.yaml "      - Code changes (audit only)
" "      - Code changes (audit only)
    paths:
      - docs/refactor/**
"
edit milestones/M03.yaml "  verification_plan:" "  gates:
    waive:
      - gate: \"ci:refactor-smoke.yml\"
        by: alice
        reason: documentation-only milestone; no workflow runs on it
        until: 2026-12-31
  verification_plan:"
done_deliverables M03
git add -A && git commit -qm "M03: findings"
# No run is ingested for M03's commit: the CI gate fails and is waived.
export SOURCE_DATE_EPOCH=1780400000 # 2026-06-02T11:33:20Z
run close M03 --dry-run; expect_rc 1 "close M03 --dry-run before the approval"
expect_out "approve M03 closeout --by NAME" "M03's dry run asks for the approval"
# --at that is not a time, is empty, predates the program (start: 2026-02-08) or
# lies ahead: usage errors, nothing recorded.
for bad in "yesterday|is not a time" "2026-06-01|is not a time" "|--at: needs a time" \
  "2026-02-07T23:59:59Z|is before the program started (program.yaml start: 2026-02-08)" \
  "2026-06-03T00:00:00Z|is in the future"; do
  run approve M03 closeout --by mallory --at "${bad%%|*}"; expect_rc 2 "approve --at '${bad%%|*}'"
  expect_out "${bad#*|}" "approve --at '${bad%%|*}' says why"
done
run approve M03 closeout --by alice --at 2026-06-01T10:00:00Z; expect_rc 0 "approve M03 --at"
expect_out "2026-06-01T10:00:00Z" "approve --at echoes the time given"
run close M03 --dry-run; expect_rc 0 "close M03 --dry-run with the waiver"
grep -qE '^ci:refactor-smoke\.yml +waived +waived by alice \(until 2026-12-31\): documentation-only milestone; no workflow runs on it$' <<<"$out" \
  || fail "M03's dry run shows the CI gate waived with its reason; output:"$'\n'"$out"
close_ok M03 alice 1780400000
for f in $(docs_of M03); do
  grep -q "WAIVED.*documentation-only milestone; no workflow runs on it" "$f" \
    || fail "$f shows the waived gate with its reason"
done
grep -qF "| closeout | alice | 2026-06-01T10:00:00Z |" milestones/closeouts/M03/M03_audit.md \
  || fail "M03's audit: Approvals table shows the time given with --at"
grep -q "mallory" milestones/closeouts/M03/M03_audit.md && fail "M03's audit shows a refused approval"
grep -qF "Closed 2026-06-02 by alice at \`$(git rev-parse --short=12 HEAD~1)\`: 6/7 gates passed, 1 waived" REFACTOR.md \
  || fail "REFACTOR.md: M03's closeout line says 1 waived"
ok_since "M03: CI gate waived with its reason, approval given --at"

# ---- M04: workflows fixed; D15 re-targeted to M05 before the close -------------
mkdir -p .github/workflows docs/refactor/milestones/M04
printf 'name: lint\non: [pull_request]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make lint\n' \
  >.github/workflows/lint.yml
# shellcheck disable=SC2016 # backquotes are Markdown
printf '# M04: what was fixed\n\n`continue-on-error: true` removed from lint.yml.\n' \
  >docs/refactor/milestones/M04/M04_summary.md
edit milestones/M04.yaml "      - Add comments explaining why certain steps are allowed to fail (if any)
" "      - Add comments explaining why certain steps are allowed to fail (if any)
    paths:
      - .github/workflows/**
      - docs/refactor/**
"
done_deliverables M04
edit milestones/deferrals.yaml "    discovered_in: M02
    deferred_to: M04
    status: open
" "    discovered_in: M02
    deferred_to: M05
    status: open
    history:
      - {date: \"2026-06-10\", event: retargeted, milestone: M04, to: M05, note: \"needs the actionlint baseline\"}
"
git add -A && git commit -qm "M04: silent failures fixed; D15 re-targeted"
export SOURCE_DATE_EPOCH=1781200000 # 2026-06-11T17:46:40Z
run validate; expect_rc 0 "validate after re-targeting D15 (with its history)"
ci_green 31000000040
run approve M04 closeout --by carol; expect_rc 0 "approve M04"
close_ok M04 carol 1781200000
grep -qF "| D15 | Workflow lint findings have no baseline to compare against | M02 | M05 | open | no |" \
  milestones/closeouts/M04/M04_audit.md \
  || fail "M04's audit (Deferred Issues Registry) shows D15 open, deferred to M05; it has:"$'\n'"$(grep 'D15' milestones/closeouts/M04/M04_audit.md)"
ok_since "M04: closed with D15 re-targeted to M05"

# ---- M05: actionlint; D15 resolved; risk I03 mitigated; scope not applicable ---
printf 'name: actionlint\non: [pull_request]\njobs:\n  actionlint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: actionlint -color\n' \
  >.github/workflows/actionlint.yml
edit milestones/M05.yaml "  verification_plan:" "  gates:
    not_applicable:
      - gate: scope
        reason: branch protection is a repository setting, not a file of the diff
  verification_plan:"
done_deliverables M05
# The upstream pull request is still pending at the closeout.
printf '  merge:\n    pr: 4242\n    repository: pytorch/pytorch\n    state: open\n' >>milestones/M05.yaml
mkdir -p reports && printf 'actionlint: 0 findings in 9 workflows\n' >reports/actionlint.txt # attached at the close
git add -A && git commit -qm "M05: actionlint"
export SOURCE_DATE_EPOCH=1782100000 # 2026-06-22T03:46:40Z
ci_green 31000000050
run approve M05 closeout --by dave; expect_rc 0 "approve M05"
# The closeout edits are made by close itself, in the same step: D15 resolved,
# I03 mitigated, a new deferral found in M05 (its YAML written with the record).
edits=(--resolve D15 --mitigate I03 --defer "Pin the remaining third-party actions by SHA" --to post-M10
  --artifact reports/actionlint.txt)
# An artifact outside the program root, absolute, through a symlink leading out,
# missing or a folder: refused before anything is evaluated or written.
ln -s /etc/hostname reports/outside.txt
for bad in "../outside.txt|--artifact '../outside.txt': " "/etc/hostname|--artifact '/etc/hostname': " \
  "reports/outside.txt|resolves outside the program root" "reports/missing.txt|is not a file of the program root" \
  "reports|is not a file of the program root"; do
  run close M05 --dry-run --artifact "${bad%%|*}"; expect_rc 2 "close --artifact '${bad%%|*}'"
  expect_out "${bad#*|}" "close --artifact '${bad%%|*}' says why"
done
rm reports/outside.txt
yaml_before=$(cat milestones/deferrals.yaml milestones/risks.yaml | sha256sum)
run close M05 --dry-run "${edits[@]}"; expect_rc 0 "close M05 --dry-run with its closeout edits"
grep -qE '^scope +n/a +not applicable: branch protection is a repository setting, not a file of the diff$' <<<"$out" \
  || fail "M05's dry run shows scope not applicable with its reason; output:"$'\n'"$out"
[[ $(cat milestones/deferrals.yaml milestones/risks.yaml | sha256sum) == "$yaml_before" ]] \
  || fail "close --dry-run with closeout edits changed the YAML"
run close M05 --dry-run --resolve D01 --resolve D01; expect_rc 2 "resolving a deferral twice"
expect_out "--resolve D01: given twice; name each deferral once" "resolving twice says so"
run close M05 --dry-run --defer "x"; expect_rc 2 "--defer without --to"
expect_out "each --defer WHAT needs its --to TARGET" "--defer without --to says what to add"
close_ok M05 dave 1782100000 "${edits[@]}"
grep -qF "| D15 | Workflow lint findings have no baseline to compare against | M02 | M05 | resolved | no |" \
  milestones/closeouts/M05/M05_audit.md || fail "M05's audit shows D15 resolved"
grep -qF "I03: mitigated — closeout of M05" milestones/closeouts/M05/M05_summary.md \
  || fail "M05's summary shows the risk I03 mitigated"
grep -qF '      - {date: "2026-06-22", event: resolved, milestone: M05, note: "closeout of M05"}' milestones/deferrals.yaml \
  || fail "close --resolve wrote D15's history event into deferrals.yaml"
grep -qF '      - {date: "2026-06-22", status: mitigated, milestone: M05, note: "closeout of M05"}' milestones/risks.yaml \
  || fail "close --mitigate wrote I03's history entry into risks.yaml"
# What close wrote (quoted dates) validates against the schemas read as YAML 1.1
# readers read it (an unquoted date would be a timestamp there).
/usr/bin/python3 "$src/tests/schema/validate_yaml.py" milestones/deferrals.yaml milestones/risks.yaml \
  || fail "the YAML close --resolve/--mitigate/--defer wrote does not validate against schema/ (YAML 1.1)"
[[ $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["events"][-1]["digests"]["reports/actionlint.txt"])' \
  milestones/M05.closeout.json) == "$(sha256sum <reports/actionlint.txt | cut -d' ' -f1)" ]] \
  || fail "M05's record keeps the artifact's SHA-256"
grep -qF -- "- Document: \`reports/actionlint.txt\`" milestones/closeouts/M05/M05_summary.md \
  || fail "M05's summary lists the artifact"
run show D16 --format json; expect_rc 0 "show the deferral close --defer added"
expect_out '"deferred_to": "post-M10"' "D16 is deferred to post-M10"
expect_out '"discovered_in": "M05"' "D16 was found in M05"
grep -qF "| D16 | Pin the remaining third-party actions by SHA | M05 | post-M10 | open | no |" \
  milestones/closeouts/M05/M05_audit.md || fail "M05's audit lists D16, opened by the closeout"
grep -q "^| \*\*I03\*\* | .* | 🟡 Mitigated |" REFACTOR.md || fail "REFACTOR.md: I03 mitigated"
grep -qF "Closed 2026-06-22 by dave at \`$(git rev-parse --short=12 HEAD~1)\`: 6/7 gates passed, 1 not applicable" REFACTOR.md \
  || fail "REFACTOR.md: M05's closeout line says 1 not applicable"
grep -q "^#### M06 — .*🔵 NEXT" REFACTOR.md || fail "REFACTOR.md: M06 is next"
grep -q "6/23" REFACTOR.md || fail "REFACTOR.md: progress 6/23"
grep -qF "**Pull Request:** PR #4242 (open, upstream pytorch/pytorch)" REFACTOR.md \
  || fail "REFACTOR.md: M05's pull request is shown open, upstream (not merged)"
grep -qF -- "- Merge: pytorch/pytorch PR #4242 (open)" milestones/closeouts/M05/M05_summary.md \
  || fail "M05's summary shows the pull request open"
ok_since "M05: D15 resolved, risk I03 mitigated, scope not applicable"

# ---- C. later definition changes; a fresh clone ---------------------------------
edit milestones/program.yaml "    name: CI Health & Guardrails" "    name: CI Health and Supply Chain"
cat >>invariants/documentation-types.yaml <<'EOF'
  - id: INV-072
    name: Changelog Completeness
    statement: Every user-visible change has a changelog entry.
    surface: "`docs/source/`, release notes"
    verification:
      - method: policy
        text: Release review
    coverage: weak
    coverage_note: release notes are written by hand
    priority: P3
    notes:
      - A missing entry hides a behaviour change from users
    recommendation:
      action: Check release notes against merged pull requests
  - id: INV-073
    name: Deprecation Notice in Docs
    statement: Every deprecated API says so in its docstring.
    surface: All public APIs
    verification:
      - method: static
        text: "`grep` for `warnings.warn(..., FutureWarning)` without a docstring note"
    coverage: missing
    coverage_note: no check exists
    priority: P3
    notes:
      - Users read the docs before the warning fires
    recommendation:
      action: Add a docstring check
EOF
# INV-060 (protected by closed M02) is renamed INV-074; its old id stays an alias.
edit invariants/backward-compatibility.yaml "  - id: INV-060
" "  - id: INV-074
    aliases: [INV-060]
"
# The program writes new deferrals as M06-V01 (program.yaml ids:), keeping D01-D15.
edit milestones/program.yaml "  fork: m-cahill/pytorch
" "  fork: m-cahill/pytorch
  ids: {deferral: 'D[0-9]{2,}|M[0-9]{2}-V[0-9]{2}'}
  sections:
    - {title: Deprecation Cycle, file: docs/refactor/deprecation-cycle.md, after: governance}
"
mkdir -p docs/refactor
printf 'Deprecated APIs warn for two minor releases before they are removed.\n' >docs/refactor/deprecation-cycle.md
cat >>milestones/deferrals.yaml <<'EOF'
  - id: M06-V01
    what: Pin the composite actions' inner steps
    discovered_in: M06
    deferred_to: after M06
    status: open
EOF
export SOURCE_DATE_EPOCH=1783000000 # 2026-07-02T13:46:40Z
run render; expect_rc 0 "render after a phase rename, two new invariants, a renamed one and a deferral id pattern"
run show M06-V01 --format json; expect_rc 0 "show a deferral whose id follows the program's pattern"
expect_out '"id": "M06-V01"' "show finds M06-V01"
grep -qF "M06-V01" REFACTOR.md || fail "REFACTOR.md lists deferral M06-V01"
grep -qF "Deprecated APIs warn for two minor releases before they are removed." REFACTOR.md \
  || fail "REFACTOR.md carries the program-written section"
# A section file that is a symlink leading out of the root is refused; nothing is written.
log_before=$(sum_of REFACTOR.md)
mv docs/refactor/deprecation-cycle.md "$work/deprecation-cycle.md"
ln -s /etc/hostname docs/refactor/deprecation-cycle.md
run render; expect_rc 3 "render with a section file that is a symlink out of the root"
expect_out "milestones/program.yaml:" "the refusal names program.yaml's sections entry"
expect_out "symlink" "the refusal says it is a symlink"
[[ $(sum_of REFACTOR.md) == "$log_before" ]] || fail "a refused section changed REFACTOR.md"
rm docs/refactor/deprecation-cycle.md && mv "$work/deprecation-cycle.md" docs/refactor/
grep -qF "Deprecation Cycle Enforcement (formerly INV-060)" REFACTOR.md || fail "REFACTOR.md's catalog says INV-074 was INV-060"
run show INV-060 --format json; expect_rc 0 "show the renamed invariant by its old id"
expect_out '"id": "INV-074"' "the old id finds INV-074"
grep -q "CI Health and Supply Chain" REFACTOR.md || fail "REFACTOR.md shows the renamed phase"
grep -q "Phase 1 (CI Health & Guardrails)" milestones/closeouts/M03/M03_audit.md \
  || fail "M03's audit keeps the phase name it closed under"
frozen "after a phase rename, new invariants and render"
run render --check; expect_rc 0 "render --check after the definition changes"
git add -A && git commit -qm "phase 1 renamed; INV-072, INV-073; INV-060 renamed INV-074"
git clone -q "$ready" "$work/clone" || fail "git clone"
cd "$work/clone" || exit 1
[[ ! -e .ledger ]] || fail "the fresh clone has a .ledger/"
run render; expect_rc 0 "render in a fresh clone"
frozen "fresh clone, render"
run render --check; expect_rc 0 "render --check in the fresh clone"
[[ -z $(git status --porcelain) ]] || fail "render in the clone changed committed files:"$'\n'"$(git status --porcelain)"
# The documents regenerated from the records alone, with the changed definitions.
rm -rf .ledger milestones/closeouts
run render; expect_rc 0 "render in the clone without closeout documents"
frozen "clone, documents regenerated from the records"
run render --check; expect_rc 0 "render --check after regenerating the documents"
cd "$ready" || exit 1
ok_since "later definition changes and a fresh clone leave the history alone"

# ---- D. placeholders ------------------------------------------------------------
for root in "$ready" "$work/clone"; do
  hits=$(cd "$root" && grep -rn '{{' REFACTOR.md milestones/closeouts milestones/toolcalls.md)
  if [[ -z $hits ]]; then ok "no raw {{ in the rendered files of $(basename "$root")"; else fail "raw {{ in a rendered file:"$'\n'"$hits"; fi
done
edit milestones/M06.yaml "  intent: |
    Eliminate supply chain risk from \`@main\` and mutable tag references.
" "  intent: 'Runs on \$\\{{ matrix.os }}: eliminate supply chain risk from \`@main\` and mutable tag references.'
"
grep -qF "intent: 'Runs on \$\\{{ matrix.os }}:" milestones/M06.yaml || fail "M06's intent edited"
run render; expect_rc 0 "render with an escaped placeholder in M06's intent"
# shellcheck disable=SC2016 # a literal ${{ }}, as GitHub Actions writes it
n=$(grep -oF '${{ matrix.os }}' REFACTOR.md | wc -l)
if [[ $n == 1 ]]; then ok "\\{{ renders as a literal {{ (once)"; else fail "REFACTOR.md shows '\${{ matrix.os }}' $n times, expected 1"; fi
# shellcheck disable=SC2016
grep -qF 'Runs on ${{ matrix.os }}: eliminate supply chain risk' REFACTOR.md || fail "REFACTOR.md shows M06's intent with the literal {{"
grep -qF '\{{' REFACTOR.md && fail "REFACTOR.md shows the escape backslash"
frozen "after an escaped placeholder in M06"
sed -i 's/Runs on \$\\{{ matrix.os }}/Runs on {{bogus}}/' milestones/M06.yaml
line=$(grep -n '{{bogus}}' milestones/M06.yaml | cut -d: -f1)
[[ -n $line ]] || fail "M06's intent has {{bogus}}"
run validate; expect_rc 3 "validate with {{bogus}} in M06's intent"
expect_out "milestones/M06.yaml:$line" "validate names the file and line of {{bogus}}"
expect_out "bogus" "validate names the unknown placeholder"
run status; expect_rc 3 "status with {{bogus}} in M06's intent"
expect_out "milestones/M06.yaml:$line" "status names the file and line of {{bogus}}"
git checkout -q milestones/M06.yaml
run render; expect_rc 0 "render after restoring M06"
ok_since "placeholders"

# ---- E. reopen with the edit in place ---------------------------------------------
edit milestones/M02.yaml "  title: Populate REFACTOR.md" "  title: Populate the living log"
run status; expect_rc 3 "status after editing closed M02"
expect_out "milestone M02 is closed and locked" "the lock error names M02"
expect_out "definition changed: title" "the lock error names the changed field"
run reopen M02 --reason "title must say living log" --by bob; expect_rc 0 "reopen M02 with the edit in place"
grep -q "^  title: Populate the living log$" milestones/M02.yaml || fail "reopen kept the edit"
run status; expect_rc 0 "status after the reopen"
run log --milestone M02; expect_rc 0 "log --milestone M02"
expect_out "reopen" "log shows the reopen"
expect_out "changed: title" "log shows the changed field"
run render; expect_rc 0 "render after the reopen"
grep -qE "⚠️ Reopened [0-9-]+ by bob: title must say living log \(changed: title\)" REFACTOR.md \
  || fail "REFACTOR.md: reopen line with the changed field; has:"$'\n'"$(grep -n 'Reopened' REFACTOR.md)"
grep -q "^#### M02 — Populate the living log" REFACTOR.md || fail "REFACTOR.md: M02's new title"
frozen "after reopening M02" . M02
run render --check; expect_rc 0 "render --check after the reopen"
ok_since "reopen with the edit in place"

echo "history.sh: ${SECONDS}s"
finish
