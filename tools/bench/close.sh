#!/usr/bin/env bash
# Benchmark of `close --dry-run` on a synthetic program: tools/bench/close.sh [SIZE]
#
# SIZE invariants (default 10000; SIZE/10 milestones, the first 10% closed through
# adopted closeout records), committed to a git repository that is the governed
# checkout. Measures, warm (the ledger already loaded), the median of $REPS runs of
# `close <next milestone> --dry-run` (every gate: dependencies, deliverables,
# invariants with their rules evaluated, scope with a diff, the blocker deferrals),
# and, separately, the git commands it runs (rev-parse, ls-tree, diff, as the same
# processes), so the tool's own time is the difference.
# Environment: RL (Release binary; default <repo>/build/engine/refactor-ledger),
# REPS (default 5), KEEP=1 keeps the scratch folder.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
rl=${RL:-$repo/build/engine/refactor-ledger}
reps=${REPS:-5}
size=${1:-10000}
[[ -x $rl ]] || { echo "close.sh: no refactor-ledger binary at $rl (build Release first, or set RL)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/rl-close-bench.XXXXXX")
if [[ -z ${KEEP:-} ]]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi
root=$work/program
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench \
  GIT_COMMITTER_EMAIL=bench@example.com

python3 "$here/gen_program.py" "$root" "$size" >/dev/null
xargs "$rl" -C "$root" close --adopt --commit 0000000 --date 2026-02-08 --by bench <"$root/adopt.txt" >/dev/null
(cd "$root" && git init -q -b main . && printf '.ledger/\n' >.gitignore && git add -A && git commit -qm base)
base=$(git -C "$root" rev-parse HEAD)
# The milestone's work: a few files inside and outside any scope.
mkdir -p "$root/docs/refactor" "$root/torch/nn"
for i in $(seq 1 50); do printf 'change %s\n' "$i" >"$root/docs/refactor/note$i.md"; done
printf 'x = 1\n' >"$root/torch/nn/stray.py"
(cd "$root" && git add -A && git commit -qm work)
next=$("$rl" -C "$root" recover --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["next"]["milestone"])')
milestones=$(ls "$root"/milestones/M*.yaml | wc -l)

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
times=() gits=() kib=0
for ((i = 0; i < reps; i++)); do
  t0=$EPOCHREALTIME
  /usr/bin/time -f '%M' -o "$work/rss" "$rl" -C "$root" close "$next" --dry-run --base "$base" >"$work/out" 2>&1 || true
  t1=$EPOCHREALTIME
  times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
  k=$(tail -n 1 "$work/rss"); ((k > kib)) && kib=$k
  t0=$EPOCHREALTIME
  git -C "$root" rev-parse --show-toplevel >/dev/null
  git -C "$root" rev-parse --git-dir >/dev/null
  git -C "$root" rev-parse --verify -q 'HEAD^{commit}' >/dev/null
  git -C "$root" ls-tree -r -z --name-only HEAD >/dev/null
  git -C "$root" rev-parse --verify -q "$base^{commit}" >/dev/null
  git -C "$root" diff --name-only -z --no-renames "$base" HEAD >/dev/null
  t1=$EPOCHREALTIME
  gits+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
done
total=$(printf '%s\n' "${times[@]}" | median)
git_s=$(printf '%s\n' "${gits[@]}" | median)
echo "command: RL=$rl REPS=$reps $0 $size"
echo "program: $size invariants, $milestones milestones ($(wc -l <"$root/adopt.txt") closed), dry run of $next"
echo "gates:   $(awk 'NR > 2 && /^$/ { exit } NR > 2 { n++ } END { print n }' "$work/out") evaluated, $(grep -c '  what to do:' "$work/out" || true) failing"
printf 'close --dry-run: %.3f s median of %d (peak %d MiB); its git commands alone: %.3f s; the rest: %.3f s (target < 1 s)\n' \
  "$total" "$reps" $((kib / 1024)) "$git_s" "$(awk -v a="$total" -v b="$git_s" 'BEGIN { print a - b }')"
