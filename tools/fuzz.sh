#!/usr/bin/env bash
# Usage: tools/fuzz.sh [TARGET|all] [SECONDS]
#        tools/fuzz.sh --keep-corpus [TARGET|all]
#
# Fuzzes refactor-ledger's input parsers with libFuzzer + AddressSanitizer +
# UndefinedBehaviorSanitizer (harnesses in tests/fuzz/). TARGET is one of
#   yaml_loader junit_stream junit_dom github_run sarif cobertura lcov
#   closeout_record ledger_file query_guard
# or `all` (the default); each runs for SECONDS (default 60), one at a time.
#
# Installs clang-15 and libfuzzer-15-dev when missing (apt), configures
# build-fuzz/ with clang and -DRL_FUZZ=ON, builds the harnesses, assembles seed
# corpora from the repository's files (fixtures, golden inputs, milestones/,
# invariants/, schema/, tests/fuzz/seeds/) into build-fuzz/seeds/<target>/,
# and fuzzes with the corpus kept in build-fuzz/corpus/<target>/ between runs.
# Crashes, leaks, timeouts (> 10 s) and out-of-memory (> 2048 MB) inputs are
# written to build-fuzz/findings/<target>/; the log of the last run of each
# target is build-fuzz/logs/<target>.log. Prints, per target, the executions,
# the rate, the corpus size and the findings; exits 1 if any target found
# something.
#
# --keep-corpus merges build-fuzz/corpus/<target>/ and the committed
# tests/fuzz/corpus/<target>/ into a minimal set with the same coverage
# (libFuzzer -merge=1) and writes it to tests/fuzz/corpus/<target>/, to be
# committed after a long run: later runs, on any machine, start from it.
#
# A finding: minimize it with
#   build-fuzz/tests/fuzz/fuzz_TARGET -minimize_crash=1 -runs=100000 \
#     -exact_artifact_path=OUT build-fuzz/findings/TARGET/crash-...
# and commit OUT as tests/fixtures/hostile/fuzz/TARGET/NAME: unit_tests
# ("[fuzz]") replays every file there through the same harness.
#
# Several fuzz.sh of different targets may run at once in one checkout: they
# take turns to build, then fuzz side by side.
#
# Environment: FUZZ_JOBS (build parallelism, default nproc), FUZZ_NICE (nice
# level of the fuzzing, default 10), FUZZ_RUNS (also stop a target after this
# many executions, whichever comes first: `FUZZ_RUNS=10000000 tools/fuzz.sh
# lcov 3600` is a long run of the README's kind).
set -euo pipefail
case "${1:-}" in
-h | --help)
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
  exit 0
  ;;
esac
cd "$(dirname "$0")/.."
root=$PWD
keep_corpus=0
if [[ ${1:-} == --keep-corpus ]]; then
  keep_corpus=1
  shift
fi

all_targets=(yaml_loader junit_stream junit_dom github_run sarif cobertura lcov closeout_record ledger_file query_guard)
target=${1:-all}
seconds=${2:-60}
if [[ $target == all ]]; then
  targets=("${all_targets[@]}")
elif [[ " ${all_targets[*]} " == *" $target "* ]]; then
  targets=("$target")
else
  echo "fuzz.sh: unknown target '$target' (one of: ${all_targets[*]}, all); see --help" >&2
  exit 2
fi
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz.sh: SECONDS must be a positive whole number, not '$seconds'" >&2
  exit 2
fi
runs=${FUZZ_RUNS:--1}
if ! [[ $runs =~ ^(-1|[1-9][0-9]*)$ ]]; then
  echo "fuzz.sh: FUZZ_RUNS must be a positive whole number, not '$runs'" >&2
  exit 2
fi

# --- toolchain (a separate group of tools/install-deps.sh: only fuzzing needs it)
bash tools/install-deps.sh fuzz

# --- build
build=build-fuzz
mkdir -p "$build"
# Several fuzz.sh may run at once in one checkout (one target each, say, one
# per core): they take turns to configure and build, then fuzz side by side.
exec 9>"$build/.build.lock"
flock 9
CC=clang-15 CXX=clang++-15 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRL_FUZZ=ON -DRL_BUILD_TESTS=OFF >/dev/null
fuzzer_targets=()
for t in "${targets[@]}"; do fuzzer_targets+=("fuzz_$t"); done
cmake --build "$build" -j "${FUZZ_JOBS:-$(nproc)}" --target "${fuzzer_targets[@]}"
flock -u 9
exec 9>&-

# --- seeds: the repository's files of each target's format, one copy per content
add_seed() { # TARGET FILE
  local dir=$build/seeds/$1 size
  size=$(stat -c %s "$2")
  if ((size > 0 && size <= $(max_len "$1"))); then
    cp "$2" "$dir/$(sha1sum <"$2" | cut -c1-16)"
  fi
}
add_text_seed() { # TARGET TEXT
  local dir=$build/seeds/$1
  printf '%s' "$2" >"$dir/text-$(printf '%s' "$2" | sha1sum | cut -c1-16)"
}
repo_files() { # find expressions...: files under the places seeds come from
  find tests/fixtures tests/golden milestones invariants tests/fuzz/seeds -type f \
    -not -path 'tests/fixtures/hostile/fuzz/*' \( "$@" \) 2>/dev/null | sort
}
max_len() {
  case $1 in
  yaml_loader | closeout_record) echo 65536 ;;
  query_guard) echo 4096 ;;
  *) echo 65536 ;;
  esac
}
dict_of() {
  case $1 in
  yaml_loader) echo yaml ;;
  junit_stream | junit_dom | cobertura) echo xml ;;
  github_run | sarif | closeout_record | ledger_file) echo json ;;
  lcov) echo lcov ;;
  query_guard) echo sql ;;
  esac
}
assemble_seeds() { # TARGET
  local t=$1 f
  rm -rf "${build:?}/seeds/$t"
  mkdir -p "$build/seeds/$t"
  # The corpus of the long runs, merged (tools/fuzz.sh --keep-corpus): where
  # the last long run left off, so that runs add up across machines.
  if [[ -d tests/fuzz/corpus/$t ]]; then
    while IFS= read -r f; do add_seed "$t" "$f"; done < <(find "tests/fuzz/corpus/$t" -type f | sort)
  fi
  case $t in
  yaml_loader)
    while IFS= read -r f; do add_seed "$t" "$f"; done < <(repo_files -name '*.yaml' -o -name '*.yml')
    ;;
  junit_stream | junit_dom)
    while IFS= read -r f; do
      if grep -qE '<(testsuites|testsuite|testcase)[ >/]' "$f"; then add_seed "$t" "$f"; fi
    done < <(repo_files -name '*.xml')
    ;;
  cobertura)
    while IFS= read -r f; do
      if grep -q '<coverage' "$f"; then add_seed "$t" "$f"; fi
    done < <(repo_files -name '*.xml')
    ;;
  lcov)
    while IFS= read -r f; do add_seed "$t" "$f"; done < <(repo_files -name '*.info' -o -name '*.lcov')
    ;;
  sarif)
    while IFS= read -r f; do add_seed "$t" "$f"; done < <(repo_files -name '*.sarif')
    ;;
  github_run)
    while IFS= read -r f; do
      if grep -qE '"(workflow_runs|jobs|run_id|databaseId|head_sha|headSha|conclusion)"' "$f"; then
        add_seed "$t" "$f"
      fi
    done < <(repo_files -name '*.json' -not -name '*.closeout.json')
    ;;
  closeout_record)
    while IFS= read -r f; do add_seed "$t" "$f"; done < <(repo_files -name '*.closeout.json')
    ;;
  ledger_file)
    while IFS= read -r f; do add_seed "$t" "$f"; done < <(repo_files -path '*/ledger_file/*')
    ;;
  query_guard)
    while IFS= read -r f; do add_seed "$t" "$f"; done < <(repo_files -name '*.sql')
    # Every statement of the migrations (all must be refused), and a read of
    # every table they create.
    local stmt table
    while IFS= read -r -d ';' stmt; do
      stmt=$(sed -e 's/--.*$//' <<<"$stmt" | tr -s ' \n' '  ')
      if [[ -n ${stmt// /} ]]; then add_text_seed "$t" "$stmt"; fi
    done < <(cat schema/*.sql)
    while IFS= read -r table; do
      add_text_seed "$t" "SELECT * FROM $table"
      add_text_seed "$t" "PRAGMA table_info($table)"
    done < <(grep -ohE 'CREATE TABLE [a-z_0-9]+' schema/*.sql | awk '{print $3}' | sort -u)
    while IFS= read -r stmt; do
      add_text_seed "$t" "$stmt"
    done < <(grep -ohE '"(SELECT|DELETE|ATTACH|PRAGMA)[^"]*"' tests/golden/query_readonly/cmd | tr -d '"')
    ;;
  esac
}

# --- keep the corpus
if ((keep_corpus)); then
  for t in "${targets[@]}"; do
    kept=tests/fuzz/corpus/$t
    merged=$build/merged/$t
    rm -rf "$merged"
    mkdir -p "$merged" "$build/corpus/$t" "$kept" "$build/logs"
    "$build/tests/fuzz/fuzz_$t" -merge=1 -rss_limit_mb=2048 -timeout=10 -max_len="$(max_len "$t")" \
      "$merged" "$kept" "$build/corpus/$t" >"$build/logs/$t.merge.log" 2>&1 || {
      echo "fuzz.sh: merging the corpus of $t failed; see $build/logs/$t.merge.log" >&2
      exit 1
    }
    rm -rf "$kept"
    mkdir -p "$kept"
    cp "$merged"/* "$kept"/ 2>/dev/null || true
    echo "fuzz.sh: $t: kept $(ls "$kept" | wc -l) inputs ($(du -sk "$kept" | cut -f1) KiB) in $kept"
  done
  exit 0
fi

# --- fuzz
status=0
summary=()
for t in "${targets[@]}"; do
  assemble_seeds "$t"
  corpus=$build/corpus/$t
  findings=$build/findings/$t
  mkdir -p "$corpus" "$findings" "$build/logs"
  before=$(find "$findings" -type f | wc -l)
  log=$build/logs/$t.log
  echo "fuzz.sh: $t for ${seconds}s (seeds: $(ls "$build/seeds/$t" | wc -l), corpus: $(ls "$corpus" | wc -l))" >&2
  rc=0
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    nice -n "${FUZZ_NICE:-10}" "$build/tests/fuzz/fuzz_$t" \
    -max_total_time="$seconds" -runs="$runs" -rss_limit_mb=2048 -timeout=10 -max_len="$(max_len "$t")" \
    -dict="tests/fuzz/$(dict_of "$t").dict" -print_final_stats=1 \
    -artifact_prefix="$findings/" "$corpus" "$build/seeds/$t" >"$log" 2>&1 || rc=$?
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  size=$(ls "$corpus" | wc -l)
  new=$(($(find "$findings" -type f | wc -l) - before))
  line=$(printf '%-16s execs %10s  execs/s %6s  corpus %5s  findings %s' "$t" "${execs:-?}" "${rate:-?}" "$size" "$new")
  if ((rc != 0 || new > 0)); then
    status=1
    kind=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer): [a-z-]+|runtime error: .*|rl-fuzz finding: .*' "$log" | cut -c1-120 || true)
    line+="  FAILED (exit $rc): ${kind:-see $log}"
  fi
  summary+=("$line")
  echo "$line" >&2
done
echo "fuzz.sh summary (${seconds}s per target; findings in $build/findings/<target>/):"
printf '%s\n' "${summary[@]}"
exit $status
