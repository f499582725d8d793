#!/usr/bin/env bash
# Runs one golden CLI case: tools/run-golden.sh BINARY CASE_DIR
#
# A case is a folder with:
#   cmd             bash script run in a scratch copy of input/, with $RL set to
#                   the binary (e.g. `"$RL" render --check`) and $FIXTURES
#                   to tests/fixtures (e.g. the attack files in hostile/)
#   input/          a mini program tree (milestones/, invariants/, ...)
#   expected.rc     exit code of cmd
#   expected.stdout, expected.stderr
#   expected/       optional: files the scratch tree must hold afterwards,
#                   compared byte for byte (e.g. expected/REFACTOR.md)
# The scratch folder's path is replaced by {WORK} in stdout/stderr.
# UPDATE_GOLDEN=1 rewrites the expected files from the actual run.
set -uo pipefail
binary=$1
case_dir=$(cd "$2" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/rl-golden.XXXXXX")
trap 'rm -rf "$work" "$work".out' EXIT
mkdir -p "$work.out"
if [[ -d $case_dir/input ]]; then cp -R "$case_dir/input/." "$work/"; fi
(cd "$work" && RL="$binary" FIXTURES="$(cd "$case_dir/../../fixtures" && pwd)" bash "$case_dir/cmd") >"$work.out/stdout" 2>"$work.out/stderr"
echo $? >"$work.out/rc"
sed -i -e "s#$work#{WORK}#g" "$work.out/stdout" "$work.out/stderr"
status=0
for part in rc stdout stderr; do
  if [[ ${UPDATE_GOLDEN:-} == 1 ]]; then
    cp "$work.out/$part" "$case_dir/expected.$part"
  elif ! diff -u "$case_dir/expected.$part" "$work.out/$part"; then
    echo "golden: $part differs for $(basename "$case_dir")" >&2
    status=1
  fi
done
if [[ -d $case_dir/expected ]]; then
  while IFS= read -r -d '' file; do
    rel=${file#"$case_dir/expected/"}
    if [[ ${UPDATE_GOLDEN:-} == 1 ]]; then
      cp "$work/$rel" "$file"
    elif ! diff -u "$file" "$work/$rel"; then
      echo "golden: $rel differs for $(basename "$case_dir")" >&2
      status=1
    fi
  done < <(find "$case_dir/expected" -type f -print0)
fi
exit $status
