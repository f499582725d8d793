#!/usr/bin/env bash
# End-to-end: a read-only ledger or checkout, made read-only for real (also
# for root, whom file modes do not stop), by every means this machine has:
#   bind-ro    a read-only bind mount in a private mount namespace
#              (unshare -rm: works for root and, where user namespaces are
#              allowed, for other users);
#   immutable  chattr +i (root only);
#   chmod      chmod a-w (other users only: root ignores it).
# At least one must be available, else the test is skipped (exit 77).
#
# For each means:
#  A. .ledger/ read-only, cache current: every read command prints what it
#     printed before (same stdout, same exit code, nothing on stderr); every
#     write command exits 4 naming the ledger and what to do, changing nothing;
#  B. .ledger/ read-only, cache stale (a YAML file edited): read commands give
#     what a writable ledger gives after its refresh (evidence included), with
#     one note on stderr (an in-memory copy);
#  C. the whole checkout read-only, no .ledger/: read commands give what a
#     fresh ledger gives, with a note; write commands exit 4; with a writable
#     --db, `render` (REFACTOR.md stale) and `reopen` (files in the checkout)
#     exit 4 and write nothing.
#
# Usage: tests/e2e/readonly.sh RL_BINARY SOURCE_DIR
set -uo pipefail
rl=$1
src=$2
source "$(dirname "$0")/lib.sh"
make_work rl-readonly
immutable_paths=()
# Replaces make_work's trap: immutable or read-only files must be made
# removable first.
cleanup() {
  for p in "${immutable_paths[@]}"; do chattr -R -i "$p" 2>/dev/null; done
  chmod -R u+w "$work" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
# Every file of the tree (.git included) with its checksum.
fingerprint() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }

# ---- which means of making a folder read-only work here ------------------------
probe=$work/probe
mkdir -p "$probe"
means=()
if unshare -rm sh -c 'mount --bind -o ro "$0" "$0" && ! touch "$0/x" 2>/dev/null' "$probe" 2>/dev/null; then
  means+=(bind-ro)
fi
if [[ $EUID == 0 ]] && chattr +i "$probe" 2>/dev/null; then
  touch "$probe/x" 2>/dev/null || means+=(immutable)
  chattr -i "$probe"
fi
if [[ $EUID != 0 ]]; then
  chmod a-w "$probe" && { touch "$probe/x" 2>/dev/null || means+=(chmod); }
  chmod u+w "$probe"
fi
if [[ ${#means[@]} == 0 ]]; then
  echo "skipped: no way to make a folder read-only here (no mount namespace, chattr or non-root chmod)"
  exit 77
fi
echo "means: ${means[*]}"

# Runs the binary ("$@") with folder $target read-only by means $mode.
# stdout -> $out, stderr -> $err, exit code -> $rc.
target=
mode=
ro() {
  local o=$work/stdout e=$work/stderr
  case $mode in
  bind-ro)
    unshare -rm sh -c 'mount --bind -o ro "$0" "$0" && exec "$@"' "$target" "$rl" "$@" >"$o" 2>"$e" ;;
  *) "$rl" "$@" >"$o" 2>"$e" ;;
  esac
  rc=$?
  out=$(cat "$o")
  err=$(cat "$e")
}
lock_target() {
  case $mode in
  immutable) chattr -R +i "$target" && immutable_paths+=("$target") ;;
  chmod) chmod -R a-w "$target" ;;
  esac
}
unlock_target() {
  case $mode in
  immutable) chattr -R -i "$target" ;;
  chmod) chmod -R u+w "$target" ;;
  esac
}

read_cmds=("status" "status --format json" "invariants --format csv" "milestones" "risks" "show INV-050"
  "why INV-050" "why INV-050 --format json" "check" "log" "recover" "query 'SELECT count(*) AS n FROM evidence'"
  "query 'SELECT id, status FROM milestone ORDER BY id' --format csv" "validate" "render --check" "close M02 --dry-run")
# Writes "<rc>\n<stdout>" of every read command into $1/<n> (writable state).
reference() {
  local i=0 c
  mkdir -p "$1"
  for c in "${read_cmds[@]}"; do
    eval "\"\$rl\" $c" >"$1/$i" 2>/dev/null
    echo "rc=$?" >>"$1/$i"
    i=$((i + 1))
  done
}
# Runs every read command read-only and compares with reference $1; stderr
# must be empty ($2 = none) or one note ($2 = note). $3: commands whose output
# may differ (they show the audit log, which a read-only refresh does not add to).
check_reads() {
  local i=0 c bad=0
  for c in "${read_cmds[@]}"; do
    eval "ro $c"
    # render --check reports a stale file on stderr (its verdict, exit 1).
    err=$(grep -v ': out of date; run `refactor-ledger render` and commit the result$' <<<"$err")
    local got="$out"$'\n'"rc=$rc"
    if [[ $rc == 4 || $rc == 70 ]]; then
      fail "$what: '$c' exit $rc: $err"; bad=1
    elif [[ " $3 " == *" ${c%% *} "* ]]; then
      [[ $rc == 0 ]] || { fail "$what: '$c' exit $rc"; bad=1; }
    elif [[ $got != "$(cat "$1/$i")" ]]; then
      fail "$what: '$c' differs from the writable ledger's:"$'\n'"$(diff <(echo "$got") "$1/$i" | head -20)"; bad=1
    fi
    if [[ $2 == none && -n $err ]]; then
      fail "$what: '$c' wrote to stderr: $err"; bad=1
    elif [[ $2 == note && -n $err ]] && { [[ $(wc -l <<<"$err") != 1 ]] || ! grep -q "^refactor-ledger: note: .*in memory\|^refactor-ledger: note: .*in-memory" <<<"$err"; }; then
      [[ $c == validate ]] || { fail "$what: '$c' stderr is not one note: $err"; bad=1; }
    fi
    i=$((i + 1))
  done
  [[ $bad == 0 ]] && ok "$what: ${#read_cmds[@]} read commands work"
}
junit_file=$work/new.junit.xml
printf '<testsuite name="s"><testcase classname="test/test_new.py::T" name="test_a"/></testsuite>\n' >"$junit_file"
write_cmds=("load" "render" "ingest junit $junit_file" "record metric m 1" "approve M02 closeout --by alice"
  "close M02" "reopen M01 --reason why" "close M02 --adopt --commit abcdef1 --date 2026-05-01")
# Every write command exits 4 naming $1 (a path) and what to do; nothing changes in $2.
check_writes() {
  local c bad=0 before
  before=$(fingerprint "$2")
  for c in "${write_cmds[@]}"; do
    eval "ro $c"
    if [[ $rc != 4 ]]; then
      fail "$what: '$c' exit $rc, expected 4: $out $err"; bad=1
    elif ! grep -qF "$1" <<<"$err" || ! grep -q "not writable\|read-only" <<<"$err"; then
      fail "$what: '$c' message does not name $1 and why: $err"; bad=1
    fi
  done
  [[ $(fingerprint "$2") == "$before" ]] || { fail "$what: a refused write changed files"; bad=1; }
  [[ $bad == 0 ]] && ok "$what: ${#write_cmds[@]} write commands refused with exit 4, nothing changed"
}

# ---- the example program with its M01 evidence ---------------------------------
prog=$work/p
mkdir -p "$prog"
cp -R "$src/milestones" "$src/invariants" "$src/REFACTOR.md" "$prog/"
cd "$prog" || exit 1
git init -q -b main . && printf '.ledger/\n' >.gitignore && git add -A && git commit -qm "program" || exit 1
bash "$src/tools/example-evidence.sh" "$rl" "$prog" || { echo "setup: evidence not ingested"; exit 1; }
[[ $("$rl" query "SELECT count(*) FROM evidence" --format csv | tail -n 1 | tr -d '\r') -gt 0 ]] || { echo "setup: no evidence"; exit 1; }
cp -a "$prog" "$work/pristine"

for mode in "${means[@]}"; do
  # ---- A. read-only ledger, current cache ----
  rm -rf "$prog" && cp -a "$work/pristine" "$prog" && cd "$prog" || exit 1
  "$rl" status >/dev/null
  reference "$work/ref-A"
  target=$prog/.ledger
  what="$mode A (read-only .ledger/, current)"
  lock_target
  check_reads "$work/ref-A" none ""
  check_writes ".ledger" "$prog"
  unlock_target

  # ---- B. read-only ledger, stale cache ----
  rm -rf "$prog" && cp -a "$work/pristine" "$prog" && cd "$prog" || exit 1
  sed -i 's/^  title: "Add `actionlint` to CI"$/  title: "Add `actionlint` to CI (edited)"/' milestones/M05.yaml
  grep -q "(edited)" milestones/M05.yaml || { echo "setup: M05 not edited"; exit 1; }
  cp -a "$prog" "$work/stale"
  reference "$work/ref-B" # refreshes the writable ledger
  rm -rf "$prog" && cp -a "$work/stale" "$prog" && rm -rf "$work/stale" && cd "$prog" || exit 1
  target=$prog/.ledger
  what="$mode B (read-only .ledger/, stale)"
  lock_target
  check_reads "$work/ref-B" note "log recover"
  ro milestones --format csv
  grep -q "(edited)" <<<"$out" && ok "$what: the edit is shown" || fail "$what: the edit is not shown: $out"
  ro query "SELECT count(*) FROM evidence" --format csv
  [[ $(tail -n 1 <<<"$out" | tr -d '\r') -gt 0 ]] && ok "$what: evidence stored only in the read-only ledger is read" \
    || fail "$what: evidence missing"
  check_writes ".ledger" "$prog"
  unlock_target
  rm -rf "$work/ref-A" "$work/ref-B"

  # ---- C. read-only checkout without .ledger/ ----
  rm -rf "$prog" && cp -a "$work/pristine" "$prog" && rm -rf "$prog/.ledger" && cd "$prog" || exit 1
  # REFACTOR.md stale, so that `render` has something to write.
  sed -i 's/^  title: "Add `actionlint` to CI"$/  title: "Add `actionlint` to CI (edited)"/' milestones/M05.yaml
  (cd "$prog" && reference "$work/ref-C" && rm -rf "$prog/.ledger")
  checkout=$(fingerprint "$prog")
  target=$prog
  what="$mode C (read-only checkout, no .ledger/)"
  lock_target
  check_reads "$work/ref-C" note "log recover"
  check_writes "$prog/.ledger" "$prog"
  ro --db "$work/w.db" render
  [[ $rc == 4 ]] && grep -qF "$prog" <<<"$err" && grep -q "nothing was written" <<<"$err" \
    && ok "$what: render with a writable --db: exit 4, names the file" || fail "$what: render: exit $rc: $err"
  ro --db "$work/w.db" reopen M01 --reason why
  [[ $rc == 4 ]] && grep -q "nothing was written" <<<"$err" \
    && ok "$what: reopen with a writable --db: exit 4" || fail "$what: reopen: exit $rc: $err"
  [[ -z $(find "$work" -maxdepth 1 -name '*.close-journal') ]] || fail "$what: a journal was left behind"
  unlock_target
  [[ $(fingerprint "$prog") == "$checkout" ]] && ok "$what: the checkout is as it was" || fail "$what: the checkout changed"
  rm -rf "$work/ref-C" "$work/w.db"*
done

finish
