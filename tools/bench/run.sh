#!/usr/bin/env bash
# Benchmark of refactor-ledger on synthetic programs: tools/bench/run.sh [SIZES...]
#
# SIZES are invariant counts (default: 1000 10000 100000); each program also has
# SIZE/10 milestones, SIZE/100 risks and SIZE/100 deferrals (tools/bench/gen_program.py).
# For each size, in a scratch folder, it measures with GNU time (wall seconds, peak RSS):
#   (a) cold `load` (no .ledger yet)
#   (b) warm `status`                           median of $REPS runs
#   (c) warm `render` that finds REFACTOR.md current (after one writing render),
#       and warm `render --check`               median of $REPS runs each
#   (d) warm `invariants --format json`         median of $REPS runs
# then warm `status` on a copy of the shipped example program, and prints a table,
# the growth ratios between sizes and PASS/FAIL for the targets.
#
# It builds nothing. Build a Release binary first:
#   cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DRL_BUILD_TESTS=OFF && cmake --build build
# Environment: RL (binary; default <repo>/build/engine/refactor-ledger), REPS (default 5),
# KEEP=1 keeps the scratch folder, TMPDIR (where the scratch folder goes).
set -euo pipefail

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$bench_dir/../.." && pwd)
RL=${RL:-$repo/build/engine/refactor-ledger}
REPS=${REPS:-5}
GNU_TIME=/usr/bin/time
if [[ $# -gt 0 ]]; then sizes=("$@"); else sizes=(1000 10000 100000); fi

for s in "${sizes[@]}"; do
  [[ $s =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: size '$s' is not a positive integer" >&2; exit 2; }
done
[[ $REPS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: REPS must be a positive integer" >&2; exit 2; }
if [[ ! -x $RL ]]; then
  echo "run.sh: no refactor-ledger binary at $RL" >&2
  echo "build a Release binary first:" >&2
  echo "  cmake -S $repo -B $repo/build -G Ninja -DCMAKE_BUILD_TYPE=Release -DRL_BUILD_TESTS=OFF && cmake --build $repo/build" >&2
  echo "or point RL at one: RL=/path/to/refactor-ledger $0 ${sizes[*]}" >&2
  exit 2
fi
RL=$(cd "$(dirname "$RL")" && pwd)/$(basename "$RL")
if [[ ! -x $GNU_TIME ]]; then
  echo "run.sh: GNU time is missing at $GNU_TIME; installing the 'time' package" >&2
  if [[ $(id -u) == 0 ]]; then apt-get install -y time >&2; else sudo apt-get install -y time >&2; fi
fi
command -v python3 >/dev/null || { echo "run.sh: python3 is required" >&2; exit 2; }

# The build type of the binary, when it sits in a CMake build tree.
build_type=unknown
cache=$(dirname "$RL")/../CMakeCache.txt
if [[ -f $cache ]]; then
  build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$cache")
  build_type=${build_type:-none}
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/rl-bench.XXXXXX")
cleanup() {
  if [[ ${KEEP:-} == 1 ]]; then echo "kept scratch folder $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

log() { echo "[bench] $*" >&2; }

# measure ROOT EXPECTED_RC ARGS... : runs `$RL -C ROOT ARGS...` once under GNU time with
# stdout to /dev/null; sets M_SEC (wall s), M_KIB (peak RSS KiB), M_MS (wall ms from
# bash's clock around the same run, for sub-10 ms resolution; includes GNU time's own startup).
measure() {
  local root=$1 expected=$2
  shift 2
  local out="$work/time.out" err="$work/cmd.err" rc=0 t0 t1
  t0=$EPOCHREALTIME
  "$GNU_TIME" -f '%e %M' -o "$out" "$RL" -C "$root" "$@" >/dev/null 2>"$err" || rc=$?
  t1=$EPOCHREALTIME
  if [[ $rc != "$expected" ]]; then
    echo "run.sh: \`refactor-ledger -C $root $*\` exited $rc (expected $expected):" >&2
    cat "$err" >&2
    exit 1
  fi
  read -r M_SEC M_KIB < <(tail -n 1 "$out")
  M_MS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
}

# repeat N ROOT EXPECTED_RC ARGS... : median wall s (R_SEC), median ms (R_MS), max peak KiB (R_KIB).
repeat() {
  local n=$1
  shift
  local secs=() mss=() kib=0 i
  for ((i = 0; i < n; i++)); do
    measure "$@"
    secs+=("$M_SEC")
    mss+=("$M_MS")
    if ((M_KIB > kib)); then kib=$M_KIB; fi
  done
  R_SEC=$(printf '%s\n' "${secs[@]}" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  R_MS=$(printf '%s\n' "${mss[@]}" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  R_KIB=$kib
}

mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# A fingerprint of the ledger files, to confirm that warm commands wrote nothing.
ledger_stamp() { stat -c '%n %s %y' "$1"/.ledger/* 2>/dev/null | sort | md5sum | cut -c1-12; }

declare -A files yaml_mb gen_s load_s load_kib status_s status_kib first_render_s render_s render_kib
declare -A check_s check_kib inv_s inv_kib db_mb log_mb warm

echo "refactor-ledger benchmark"
echo "command:  RL=$RL REPS=$REPS $bench_dir/run.sh ${sizes[*]}"
echo "binary:   $RL ($("$RL" --version 2>/dev/null || echo '?'); CMake build type: $build_type)"
echo "machine:  $(uname -srm); $(nproc) CPUs; $(awk '/MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
echo "scratch:  $work"
echo "measured: $GNU_TIME -f '%e %M' $RL -C <program> <command> >/dev/null"
echo "          (a) load (cold, no .ledger)      (b) status x$REPS, median"
echo "          (c) render (writes once), then render x$REPS and render --check x$REPS, medians"
echo "          (d) invariants --format json x$REPS, median"
if [[ $build_type != Release && $build_type != unknown ]]; then
  echo "WARNING:  the binary is a '$build_type' build; build Release for comparable numbers:"
  echo "          cmake -S $repo -B $repo/build -G Ninja -DCMAKE_BUILD_TYPE=Release -DRL_BUILD_TESTS=OFF && cmake --build $repo/build"
fi
echo

for n in "${sizes[@]}"; do
  root="$work/p$n"
  log "size $n: generating"
  t0=$EPOCHREALTIME
  python3 "$bench_dir/gen_program.py" "$root" "$n"
  # The first 10% of the milestones are closed through closeout records;
  # record them, then drop the ledger so that the load below is cold.
  xargs "$RL" -C "$root" close --adopt --commit 0000000 --date 2026-02-08 --by bench <"$root/adopt.txt" >/dev/null
  rm -rf "$root/.ledger"
  gen_s[$n]=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
  files[$n]=$(find "$root/milestones" "$root/invariants" -name '*.yaml' -o -name '*.closeout.json' | wc -l)
  yaml_mb[$n]=$(find "$root/milestones" "$root/invariants" \( -name '*.yaml' -o -name '*.closeout.json' \) -printf '%s\n' |
    awk '{ s += $1 } END { printf "%.1f", s / 1048576 }')

  log "size $n: cold load"
  measure "$root" 0 load
  load_s[$n]=$M_SEC load_kib[$n]=$M_KIB
  db_mb[$n]=$(du -cb "$root"/.ledger/* | awk 'END { printf "%.1f", $1 / 1048576 }')
  before=$(ledger_stamp "$root")

  log "size $n: warm status x$REPS"
  repeat "$REPS" "$root" 0 status
  status_s[$n]=$R_SEC status_kib[$n]=$R_KIB

  log "size $n: render (first, writes REFACTOR.md)"
  measure "$root" 0 render
  first_render_s[$n]=$M_SEC
  log_mb[$n]=$(awk -v s="$(stat -c %s "$root/REFACTOR.md")" 'BEGIN { printf "%.1f", s / 1048576 }')
  log "size $n: warm render x$REPS (file current)"
  repeat "$REPS" "$root" 0 render
  render_s[$n]=$R_SEC render_kib[$n]=$R_KIB
  log "size $n: warm render --check x$REPS"
  repeat "$REPS" "$root" 0 render --check
  check_s[$n]=$R_SEC check_kib[$n]=$R_KIB

  log "size $n: warm invariants --format json x$REPS"
  repeat "$REPS" "$root" 0 invariants --format json
  inv_s[$n]=$R_SEC inv_kib[$n]=$R_KIB

  after=$(ledger_stamp "$root")
  warm[$n]=$([[ $before == "$after" ]] && echo yes || echo "NO (ledger changed)")
  [[ ${KEEP:-} == 1 ]] || rm -rf "$root"
done

# The shipped example, copied so that the repository's .ledger is untouched.
log "example: warm status x$REPS"
example="$work/example"
mkdir -p "$example"
cp -R "$repo/milestones" "$repo/invariants" "$example/"
measure "$example" 0 load
repeat "$REPS" "$example" 0 status
ex_s=$R_SEC ex_ms=$R_MS ex_kib=$R_KIB

row() { printf '%-8s %6s %8s %14s %14s %14s %14s %14s %8s %9s\n' "$@"; }
echo "Results (times: wall seconds, median of $REPS for warm commands; memory: peak RSS MB)"
echo
row size files "YAML MB" "load s / MB" "status s / MB" "render s / MB" "check s / MB" "inv-json s/MB" "db MB" "log MB"
for n in "${sizes[@]}"; do
  row "$n" "${files[$n]}" "${yaml_mb[$n]}" \
    "${load_s[$n]} / $(mb "${load_kib[$n]}")" \
    "${status_s[$n]} / $(mb "${status_kib[$n]}")" \
    "${render_s[$n]} / $(mb "${render_kib[$n]}")" \
    "${check_s[$n]} / $(mb "${check_kib[$n]}")" \
    "${inv_s[$n]} / $(mb "${inv_kib[$n]}")" \
    "${db_mb[$n]}" "${log_mb[$n]}"
done
echo
echo "render = warm render that finds REFACTOR.md current; check = warm render --check;"
echo "inv-json = warm invariants --format json; db = .ledger size after load; log = REFACTOR.md size."
for n in "${sizes[@]}"; do
  echo "size $n: generator ${gen_s[$n]} s; first (writing) render ${first_render_s[$n]} s; warm commands left the ledger untouched: ${warm[$n]}"
done
echo

# Growth between consecutive sizes: time ratio against size ratio (1.0x = linear).
if ((${#sizes[@]} > 1)); then
  echo "Linearity (time ratio between sizes; expected ~ size ratio if linear):"
  for ((i = 1; i < ${#sizes[@]}; i++)); do
    a=${sizes[i - 1]} b=${sizes[i]}
    line=""
    for step in load status render check inv-json; do
      case $step in
        load) ta=${load_s[$a]} tb=${load_s[$b]} ;;
        status) ta=${status_s[$a]} tb=${status_s[$b]} ;;
        render) ta=${render_s[$a]} tb=${render_s[$b]} ;;
        check) ta=${check_s[$a]} tb=${check_s[$b]} ;;
        inv-json) ta=${inv_s[$a]} tb=${inv_s[$b]} ;;
      esac
      line+=$(awk -v s="$step" -v a="$a" -v b="$b" -v ta="$ta" -v tb="$tb" 'BEGIN {
        expect = b / a
        if (ta < 0.05) { printf "  %s %s/%s = n/a (%.2fs too short to compare)", s, b, a, ta; exit }
        r = tb / ta
        flag = (r > 2 * expect) ? " SUPERLINEAR" : ""
        printf "  %s %s/%s = %.1f (expected ~%.0f)%s", s, b, a, r, expect, flag }')
      line+=$'\n'
    done
    printf '%s' "$line"
  done
  echo
fi

echo "Shipped example ($repo, copied): warm status median ${ex_s} s (${ex_ms} ms by shell clock, incl. GNU time startup), peak $(mb "$ex_kib") MB"
echo
echo "Targets:"
ex_ok=$(awk -v s="$ex_s" 'BEGIN { print (s < 0.05) ? "PASS" : "FAIL" }')
echo "  $ex_ok  warm status on the shipped example < 50 ms (measured ${ex_s} s)"
if [[ -n ${render_s[10000]:-} ]]; then
  r_ok=$(awk -v s="${render_s[10000]}" 'BEGIN { print (s < 1) ? "PASS" : "FAIL" }')
  echo "  $r_ok  warm render of 10k invariants < 1 s (measured ${render_s[10000]} s; render --check ${check_s[10000]} s)"
else
  echo "  n/a   warm render of 10k invariants < 1 s (10000 not among the sizes)"
fi
