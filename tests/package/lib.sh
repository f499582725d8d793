# Sourced by tests/package/{deb,install}.sh: checks of an installed tree.
# Exit codes: 0 pass, 1 fail, 77 skipped (a tool the test needs is missing; tools/install-deps.sh
# installs them all).

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

require_tools() { # TOOL...: skips the test when one is missing
  local tool
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null; then
      echo "SKIP: $tool is missing (bash tools/install-deps.sh installs it)" >&2
      exit 77
    fi
  done
}

# Completes `refactor-ledger WORD...` (the last word is the one being completed, may be
# empty) with the bash completion file $bash_completion; prints the candidates one per line.
complete_words() { # WORD...
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _refactor_ledger; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$bash_completion" refactor-ledger "$@"
}

# check_tree PREFIX REPO_ROOT: PREFIX holds bin/refactor-ledger and share/... (an install
# prefix, or usr/ of an extracted .deb).
check_tree() {
  local prefix=$1 root=$2 binary=$1/bin/refactor-ledger
  [[ -x $binary ]] || fail "$binary is missing or not executable"

  local version
  version=$("$binary" --version) || fail "$binary --version exited $?"
  echo "$version"
  [[ $(sed -n 1p <<<"$version") =~ ^refactor-ledger\ [0-9]+\.[0-9]+\.[0-9]+\ \(commit\ ([0-9a-f]{7,}(-dirty)?|unknown)\)$ ]] ||
    fail "--version: first line is not 'refactor-ledger X.Y.Z (commit SHA[-dirty]|unknown)'"
  [[ $(sed -n 2p <<<"$version") =~ ^SQLite\ 3\.[0-9]+\.[0-9]+$ ]] || fail "--version: line 2 is not 'SQLite 3.X.Y'"
  grep -qE '^yaml-cpp [0-9]+\.[0-9]+' <<<"$version" || fail "--version: no yaml-cpp line"
  grep -qE '^pugixml [0-9]+\.[0-9]+' <<<"$version" || fail "--version: no pugixml line"

  "$binary" -C "$root" validate >/dev/null || fail "$binary -C $root validate exited $?"

  # init needs no source tree: its templates and schemas are built in, and the
  # schemas it writes are the installed ones.
  local adopt
  adopt=$(mktemp -d "${TMPDIR:-/tmp}/rl-package-init.XXXXXX")
  if git -C "$adopt" init -q && "$binary" -C "$adopt" init >/dev/null; then
    "$binary" -C "$adopt" validate >/dev/null || fail "validate after the installed binary's init exited $?"
    for schema in "$adopt"/.refactor-ledger/schema/*.schema.json; do
      cmp -s "$schema" "$prefix/share/refactor-ledger/schema/${schema##*/}" ||
        fail "init wrote ${schema##*/}, not the installed schema"
    done
  else
    fail "$binary init in a new git repository exited $?"
  fi
  rm -rf "$adopt"

  local man=$prefix/share/man/man1/refactor-ledger.1.gz
  [[ -f $man ]] || fail "$man is missing"
  gzip -t "$man" || fail "$man is not a valid gzip file"
  zcat "$man" | grep -q '^\.TH "\?REFACTOR-LEDGER' || fail "$man has no .TH line"
  local warnings
  warnings=$(zcat "$man" | LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z 2>&1) || fail "groff failed on $man"
  [[ -z $warnings ]] || fail "groff warns on $man: $warnings"
  local text
  text=$(MANWIDTH=100 man -l "$man" 2>/dev/null | col -b) || fail "man -l $man failed"
  for section in SYNOPSIS DESCRIPTION OPTIONS COMMANDS; do
    grep -q "^$section" <<<"$text" || fail "$man has no $section section"
  done
  grep -q 'refactor-ledger ingest junit' <<<"$text" || fail "$man does not list 'ingest junit'"

  local bash_completion=$prefix/share/bash-completion/completions/refactor-ledger
  local zsh_completion=$prefix/share/zsh/vendor-completions/_refactor-ledger
  [[ -f $bash_completion ]] || fail "$bash_completion is missing"
  [[ -f $zsh_completion ]] || fail "$zsh_completion is missing"
  bash -n "$bash_completion" || fail "bash cannot parse $bash_completion"
  if command -v zsh >/dev/null; then zsh -n "$zsh_completion" || fail "zsh cannot parse $zsh_completion"; fi
  # Every subcommand and option of --help completes (what the generator read is what the CLI has).
  local commands
  commands=$("$binary" --help | awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
  [[ $(complete_words "" | sort) == $(sort <<<"$commands") ]] || fail "bash completion of the commands differs from --help"
  local command option candidates
  for command in $commands; do
    candidates=$(complete_words "$command" -)
    for option in $("$binary" "$command" --help | awk '/^Options:/ { on = 1; next } /^[A-Z]/ { on = 0 } on && /^  -/ { sub(/^  /, ""); sub(/ .*/, ""); gsub(",", " "); print }'); do
      grep -qxe "$option" <<<"$candidates" || fail "bash completion lacks '$command $option'"
    done
  done
  [[ $(complete_words status --format "" | tr '\n' ' ') == "table json csv " ]] || fail "bash completion of 'status --format'"
  [[ $(complete_words why -f j) == json ]] || fail "bash completion of 'why -f j'"
  [[ $(complete_words ingest j) == junit ]] || fail "bash completion of 'ingest j'"
  [[ $(complete_words -C /tmp ingest junit --f) == --format ]] || fail "bash completion of '-C /tmp ingest junit --f'"

  local schema
  for schema in program milestone risks deferrals invariants output/status output/close; do
    [[ -f $prefix/share/refactor-ledger/schema/$schema.schema.json ]] || fail "schema $schema.schema.json is missing"
  done
  [[ $(find "$prefix/share/refactor-ledger/schema" -name '*.schema.json' | wc -l) -eq \
     $(find "$root/schema" -name '*.schema.json' | wc -l) ]] || fail "not every schema/**/*.schema.json is installed"
  for doc in LICENSE README.md copyright; do
    [[ -f $prefix/share/doc/refactor-ledger/$doc ]] || fail "share/doc/refactor-ledger/$doc is missing"
  done
  echo "ok: $prefix"
}
