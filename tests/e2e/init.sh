#!/usr/bin/env bash
# `init` adopts refactor-ledger in a git repository: in an empty one, init then
# validate, render and check succeed; a second init changes nothing; it never
# overwrites, refuses outside git and next to YAML it did not write, never
# writes through a symlink; the schemas its YAML comments name are there; the
# workflow is the documented example; a nested program gets a working-directory.
# Usage: init.sh REFACTOR_LEDGER_BINARY SOURCE_TREE
set -uo pipefail
rl=$1
src=$2
source "$(dirname "$0")/lib.sh"
make_work rl-init
export GIT_CEILING_DIRECTORIES=$work

# A digest of every file of the tree but .git/ (paths and contents).
tree_digest() { (cd "$1" && find . -path ./.git -prune -o \( -type f -o -type l \) -print0 | sort -z |
  xargs -0 -r sha256sum 2>/dev/null; find . -path ./.git -prune -o -print | sort) | sha256sum; }

files=(milestones/program.yaml milestones/M01.yaml invariants/core.yaml
  .refactor-ledger/schema/program.schema.json .refactor-ledger/schema/milestone.schema.json
  .refactor-ledger/schema/invariants.schema.json .refactor-ledger/schema/risks.schema.json
  .refactor-ledger/schema/deferrals.schema.json .gitignore .github/workflows/refactor-ledger.yml)

# 1. An empty repository (no commit yet): init, then the three commands it prints.
empty=$work/empty
mkdir -p "$empty" && git -C "$empty" init -q && cd "$empty" || exit 1
run init
expect_rc 0 "init in an empty repository"
for f in "${files[@]}"; do
  [[ -f $f ]] || fail "init did not write $f"
  grep -qE "^created +$f\$" <<<"$out" || fail "init does not report creating $f:"$'\n'"$out"
done
mapfile -t next < <(sed -n 's/^  refactor-ledger //p' <<<"$out")
[[ "${next[*]}" == "validate render check" ]] || fail "init's next commands are '${next[*]}', expected validate render check"
for command in "${next[@]}"; do
  run "$command"
  expect_rc 0 "$command after init"
done
[[ -f REFACTOR.md ]] || fail "render after init wrote no REFACTOR.md"
run status
expect_out "1 unverified" "status after init"
grep -q '^  # baseline_commit:' milestones/program.yaml || fail "no commit yet: baseline_commit is left as a comment"
grep -q 'Baseline Commit:\*\* not recorded' REFACTOR.md || fail "the log says the baseline is not recorded"
grep -qx '/.ledger/' .gitignore || fail ".gitignore lacks /.ledger/"
grep -qx '  repository: "local/empty"' milestones/program.yaml || fail "no remote: the repository is local/<folder>"
ok "init, validate, render, check in an empty repository"

# 2. Idempotent: a second run writes nothing and says so.
before=$(tree_digest "$empty")
run init
expect_rc 0 "second init"
expect_out "nothing to write" "second init"
[[ $(grep -c '^unchanged' <<<"$out") == "${#files[@]}" ]] || fail "second init: not every file unchanged:"$'\n'"$out"
[[ $(tree_digest "$empty") == "$before" ]] || fail "second init changed the tree"
git add -A && git commit -qm adopt
[[ -z $(git status --porcelain) ]] || fail "the database is not ignored: $(git status --porcelain)"
# With a commit now, init would write a baseline_commit: program.yaml is kept.
run init
expect_rc 0 "init after the first commit"
expect_out "kept            milestones/program.yaml" "init after the first commit"
[[ -z $(git status --porcelain) ]] || fail "init after the first commit changed files: $(git status --porcelain)"
ok "a second init changes nothing"

# The yaml-language-server comments name the shipped schemas, byte for byte.
for yaml in milestones/program.yaml milestones/M01.yaml invariants/core.yaml; do
  ref=$(sed -n '1s/^# yaml-language-server: \$schema=//p' "$yaml")
  [[ -n $ref ]] || fail "$yaml has no schema comment on its first line"
  cmp -s "$(dirname "$yaml")/$ref" "$src/schema/$(basename "$ref")" || fail "$yaml names $ref, not the shipped schema"
done
if /usr/bin/python3 -c 'import yaml, jsonschema' 2>/dev/null; then
  /usr/bin/python3 "$src/tests/schema/validate_yaml.py" "$empty" >/dev/null ||
    fail "the YAML init wrote does not validate against the schemas"
fi
# The workflow is the documented example, with its own header.
diff <(awk 'f||!/^#/{f=1; print}' "$src/docs/ci/github-workflow.yml") \
  <(awk 'f||!/^#/{f=1; print}' .github/workflows/refactor-ledger.yml) >/dev/null ||
  fail "the workflow differs from docs/ci/github-workflow.yml beyond its header"
ok "schema comments and workflow"


# 3. Never overwrites: an edited file is kept; a removed schema comes back;
# with program.yaml there, a removed milestone is not recreated.
echo "# edited" >>milestones/M01.yaml
rm .refactor-ledger/schema/risks.schema.json milestones/M01.yaml
printf 'milestone:\n  id: M01\n  title: Mine\n  phase: 0\n  intent: x\n' >milestones/M01.yaml
rm invariants/core.yaml
run init
expect_rc 0 "init over an edited program"
expect_out "kept            milestones/M01.yaml" "an edited milestone is kept"
expect_out "skipped         invariants/core.yaml" "a removed invariant file is not recreated in a program"
expect_out "created         .refactor-ledger/schema/risks.schema.json" "a removed schema comes back"
grep -q 'title: Mine' milestones/M01.yaml || fail "init overwrote an edited milestone"
[[ ! -e invariants/core.yaml ]] || fail "init added an invariant file to an existing program"
git checkout -q -- . && git clean -qfd
ok "init never overwrites"

# 4. .gitignore: the line is appended once, the rest kept.
printf 'build/\n*.o' >.gitignore
git commit -qam "own ignores"
run init
expect_out "appended to     .gitignore" "the line is appended"
[[ $(head -2 .gitignore) == $'build/\n*.o' ]] || fail ".gitignore lost its lines: $(cat .gitignore)"
[[ $(grep -cx '/.ledger/' .gitignore) == 1 ]] || fail ".gitignore: /.ledger/ not there once"
printf '.ledger/\n' >.gitignore
run init
expect_out "unchanged       .gitignore" "a .gitignore that ignores .ledger/ is left alone"
git checkout -q -- .
ok ".gitignore"

# 5. --dry-run and --format json.
dry=$work/dry
mkdir -p "$dry" && git -C "$dry" init -q
run -C "$dry" init --dry-run
expect_rc 0 "init --dry-run"
expect_out "would create    milestones/program.yaml" "init --dry-run"
expect_out "dry run: nothing was written" "init --dry-run"
[[ -z $(ls -A "$dry" | grep -v '^.git$') ]] || fail "init --dry-run wrote: $(ls -A "$dry")"
run -C "$dry" init --dry-run --format json
expect_rc 0 "init --dry-run --format json"
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["id"]=="init" and d["dry_run"] and len(d["files"])==10 and all(f["action"]=="created" for f in d["files"]), d; assert d["next"][0].startswith("refactor-ledger -C "), d' <<<"$out" ||
  fail "init --format json:"$'\n'"$out"
ok "--dry-run and --format json"

# 6. Refusals leave everything as it was.
nogit=$work/nogit
mkdir -p "$nogit"
run -C "$nogit" init
expect_rc 2 "init outside git"
expect_out "not inside a git work tree" "init outside git"
[[ -z $(ls -A "$nogit") ]] || fail "init outside git wrote $(ls -A "$nogit")"

stray=$work/stray
mkdir -p "$stray/invariants" && git -C "$stray" init -q && echo 'category: {id: x, name: X}' >"$stray/invariants/x.yaml"
before=$(tree_digest "$stray")
run -C "$stray" init
expect_rc 2 "init next to YAML it did not write"
expect_out "invariants/x.yaml exists but milestones/program.yaml does not" "init next to YAML it did not write"
[[ $(tree_digest "$stray") == "$before" ]] || fail "a refused init changed the tree"

link=$work/link
mkdir -p "$link" "$work/elsewhere" && git -C "$link" init -q && ln -s "$work/elsewhere" "$link/.github"
before=$(tree_digest "$link")
run -C "$link" init
expect_rc 3 "init through a symlinked .github"
expect_out "is a symlink" "init through a symlinked .github"
[[ $(tree_digest "$link") == "$before" && -z $(ls -A "$work/elsewhere") ]] || fail "a refused init wrote something"

run -C "$dry" init --name $'two\nlines'
expect_rc 2 "a name on two lines"
run -C "$dry" init --name $'bad\x1b[31m'
expect_rc 2 "a name with a control character"
run -C "$dry" init --repository 'not a repo'
expect_rc 2 "--repository that is not OWNER/NAME"
[[ -z $(ls -A "$dry" | grep -v '^.git$') ]] || fail "a refused init wrote: $(ls -A "$dry")"
ok "refusals write nothing"

# 7. A repository with history and a remote: the baseline is HEAD, the
# repository comes from origin, a name that needs quoting round-trips, and
# after committing the adoption M01's scope gate passes.
hist=$work/hist
mkdir -p "$hist" && cd "$hist" || exit 1
git init -q && echo code >main.c && git add . && git commit -qm base
git remote add origin git@github.com:acme/payments.git
head=$(git rev-parse HEAD)
run init --name 'Payments: "v2" #1'
expect_rc 0 "init with history"
grep -qx "  baseline_commit: $head" milestones/program.yaml || fail "baseline_commit is not HEAD"
grep -qx '  repository: "acme/payments"' milestones/program.yaml || fail "repository not from origin"
run render
expect_rc 0 "render with a quoted name"
grep -q '^# Payments: "v2" #1 — Living Log' REFACTOR.md || fail "the name did not round-trip: $(head -1 REFACTOR.md)"
git add -A && git commit -qm adopt
run close M01 --dry-run
expect_out "scope         pass" "M01's scope gate after the adoption commit"
ok "baseline, remote, quoting, scope"

# 8. A program below the repository's root: the workflow goes to the
# repository's .github/ and runs in the program's folder.
nested=$work/nested
mkdir -p "$nested/tools/ledger" && git -C "$nested" init -q
run -C "$nested/tools/ledger" init
expect_rc 0 "init in a subfolder"
wf=$nested/.github/workflows/refactor-ledger.yml
[[ -f $wf ]] || fail "the workflow is not at the repository's root"
grep -q '^    working-directory: tools/ledger$' "$wf" || fail "the workflow does not run in tools/ledger"
expect_out "created         ../../.github/workflows/refactor-ledger.yml" "the workflow's path, from the program root"
for command in validate render check; do
  run -C "$nested/tools/ledger" "$command"
  expect_rc 0 "$command in a subfolder"
done
ok "a program in a subfolder"

finish
