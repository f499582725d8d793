#!/bin/bash
# Schema tests: tests/schema/run.sh [BINARY]
# Lint the JSON Schemas (lint_schemas.py), validate the valid fixture tree,
# check that every invalid fixture is rejected for the reason its "# expect:"
# line names, and validate the repository's own milestones/ and invariants/
# (each starting with its yaml-language-server $schema comment). With BINARY
# (refactor-ledger), also every program tree under tests/ that the binary's
# `validate` accepts must validate against the schemas.
# Needs Debian 12's /usr/bin/python3 with python3-yaml and python3-jsonschema
# (override the interpreter with PYTHON=...). Exits non-zero on any failure.
set -u

here=$(dirname "$0")
root=$here/../..
binary=${1:-}
py=${PYTHON:-/usr/bin/python3}
validate="$here/validate_yaml.py"
status=0
work=$(mktemp -d "${TMPDIR:-/tmp}/rl-schema.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*"; status=1; }

if ! "$py" -c 'import yaml, jsonschema' 2>/dev/null; then
  echo "FAIL: $py cannot import yaml and jsonschema (apt-get install python3-yaml python3-jsonschema)"
  exit 1
fi

echo "== schema lint"
"$py" "$here/lint_schemas.py" || fail "schema lint"

echo "== valid fixture"
"$py" "$validate" "$here/fixtures/valid" || fail "valid fixture did not validate"

echo "== invalid fixtures"
found=0
for f in "$here"/fixtures/invalid/*/*.yaml; do
  [ -e "$f" ] || continue
  found=1
  out=$("$py" "$validate" --expect-invalid "$f")
  rc=$?
  echo "$out"
  if [ $rc -ne 0 ]; then
    fail "$f: expected validation to fail"
    continue
  fi
  # Each fixture holds exactly one error, and it must be the intended one.
  n=$(grep -c ': error: ' <<<"$out")
  [ "$n" -eq 1 ] || fail "$f: expected exactly 1 error, got $n"
  expect=$(sed -n 's/^# expect: //p' "$f" | head -n 1)
  if [ -z "$expect" ]; then
    fail "$f: no '# expect: ' line naming the expected error"
  elif ! grep -qF -- "$expect" <<<"$out"; then
    fail "$f: error does not contain: $expect"
  fi
done
[ $found -eq 1 ] || fail "no invalid fixtures found"

echo "== repository data ($root)"
if [ ! -d "$root/milestones" ]; then
  fail "$root/milestones/ is absent: the repository has no program data to validate"
else
  "$py" "$validate" --modeline "$root" || fail "repository data did not validate"
fi

if [ -n "$binary" ]; then
  echo "== program trees under tests/ that $binary accepts"
  accepted=0
  while IFS= read -r -d '' folder; do
    tree=$(dirname "$folder")
    case $tree in "$here"/fixtures/invalid | "$here"/fixtures/invalid/*) continue ;; esac
    [ -d "$tree/milestones" ] || continue
    if ! "$binary" -C "$tree" --db "$work/ledger.db" validate >"$work/out" 2>&1; then
      echo "skipped (refactor-ledger refuses it): $tree"
      continue
    fi
    accepted=$((accepted + 1))
    "$py" "$validate" "$tree" >"$work/out" 2>&1 || {
      cat "$work/out"
      fail "$tree: refactor-ledger accepts it, the schemas do not"
    }
    rm -f "$work/ledger.db"*
  done < <(find "$root/tests" -type d -name milestones -print0 | sort -z)
  echo "$accepted accepted tree(s) validated"
  # The golden trees and fixtures hold well over 20 valid programs: far fewer means the search broke.
  [ "$accepted" -ge 20 ] || fail "only $accepted accepted program trees found under $root/tests"
fi

if [ $status -eq 0 ]; then echo "schema tests: OK"; else echo "schema tests: FAILED"; fi
exit $status
