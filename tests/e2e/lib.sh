# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # rl, src: set by the sourcing script; base, out, ...: used by it
# Shared by the end-to-end scripts of this folder, which source it after
# setting rl (the binary) and src (the source tree):
#   source "$(dirname "$0")/lib.sh"
# It exports a fixed clock and git identity; it defines the work folder, the
# ok/FAIL bookkeeping, helpers that run the binary and check what it did, and
# the example program at M01 with M02 ready to close.

export SOURCE_DATE_EPOCH=1780000000 # 2026-05-28T20:26:40Z
export GIT_AUTHOR_NAME=tester GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=tester \
  GIT_COMMITTER_EMAIL=t@example.com GIT_AUTHOR_DATE=2026-05-01T00:00:00Z \
  GIT_COMMITTER_DATE=2026-05-01T00:00:00Z

# make_work NAME: $work is a new temporary folder NAME.XXXXXX, removed when the
# script exits (a script that needs more cleanup sets its own EXIT trap after).
make_work() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  trap 'rm -rf "$work"' EXIT
}

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
# The script's last command: prints the count, exits 1 when there was a failure.
finish() {
  echo "$failures failure(s)"
  [[ $failures == 0 ]]
}

# Runs the binary in the current program; stdout+stderr go to $out, $rc is the exit code.
run() { out=$("$rl" "$@" 2>&1); rc=$?; }
# run_killed POINT ARGS...: run with RL_FAULT_INJECT=POINT, where the binary kills itself (exit 86).
run_killed() {
  local point=$1
  shift
  out=$(RL_FAULT_INJECT=$point "$rl" "$@" 2>&1); rc=$?
}
expect_rc() { [[ $rc == "$1" ]] || fail "$2: exit $rc, expected $1; output:"$'\n'"$out"; }
expect_out() { grep -qF -- "$1" <<<"$out" || fail "$2: output lacks '$1'; output:"$'\n'"$out"; }
# The rows the binary prints for "$@" --format csv, without the header line and CRs.
csv_rows() { "$rl" "$@" --format csv | tail -n +2 | tr -d '\r'; }

run_json() { # id sha conclusion attempt -> a REST workflow run document
  cat <<EOF
{"id": $1, "name": "Refactor Smoke Test", "head_branch": "m02", "head_sha": "$2",
 "path": ".github/workflows/refactor-smoke.yml", "event": "pull_request", "status": "completed",
 "conclusion": "$3", "html_url": "https://github.com/m-cahill/pytorch/actions/runs/$1",
 "created_at": "2026-05-02T10:00:00Z", "updated_at": "2026-05-02T10:0$4:00Z", "run_attempt": $4,
 "repository": {"full_name": "m-cahill/pytorch"}}
EOF
}

# The shipped example as a governed git repository $ready at its M01 state
# (commit $base), then M02's deliverables committed ($closing), a green CI run
# of $closing ingested and M02's metric recorded: every gate of M02 but its
# approval passes. Leaves the current folder at $ready.
make_ready_program() {
  ready=$work/ready
  mkdir -p "$ready"
  cp -R "$src/milestones" "$src/invariants" "$src/REFACTOR.md" "$ready/"
  cd "$ready" || exit 1
  git init -q -b main .
  printf '.ledger/\n' >.gitignore
  # M02 protects INV-060 (deprecation policy); give it a rule evidence can meet.
  python3 - <<'EOF'
p = "invariants/backward-compatibility.yaml"
s = open(p).read()
s = s.replace("""      milestone: M19
  - id: INV-061""", """      milestone: M19
    verify:
      metric: deprecation_policy_documented
      op: "=="
      value: 1
  - id: INV-061""", 1)
open(p, "w").write(s)
EOF
  grep -q "deprecation_policy_documented" invariants/backward-compatibility.yaml || { echo "setup: INV-060 rule not added"; exit 1; }
  git add -A && git commit -qm "example program at M01" && base=$(git rev-parse HEAD)
  mkdir -p docs/refactor/audit
  printf '# Audit pack\n' >docs/refactor/audit/README.md
  printf '# Deprecation policy\n\nTwo releases of warnings before removal.\n' >docs/refactor/deprecation.md
  git add -A && git commit -qm "M02: governance sections" && closing=$(git rev-parse HEAD)
  run_json 31000000001 "$closing" success 1 >"$work/green.json"
  run ingest github-run "$work/green.json"; expect_rc 0 "ingest the green run"
  run record metric deprecation_policy_documented 1 --commit "$closing"; expect_rc 0 "record the metric"
}
