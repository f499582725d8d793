#!/usr/bin/env bash
# Usage: tools/cli-docs.sh BINARY OUTDIR
#
# Reads the command tree from BINARY's --help output (every command and
# subcommand, their options, the values of options with a fixed choice such as
# --format) and writes, so that they cannot drift from the CLI:
#   OUTDIR/refactor-ledger.bash   bash completion (no bash-completion helpers needed)
#   OUTDIR/_refactor-ledger       zsh completion
#   OUTDIR/commands.h2m           help2man --include file: a COMMANDS section
#                                 with each command's --help
# Run at build time by tools/cmake/RlInstall.cmake; exits 4 when BINARY fails.
set -euo pipefail
if (($# != 2)); then
  echo "cli-docs.sh: usage: tools/cli-docs.sh BINARY OUTDIR" >&2
  exit 2
fi
binary=$1
outdir=$2
mkdir -p "$outdir"

# One record per line, tab-separated: "sub PATH NAME", "opt PATH NAMES VALUED
# CHOICES" (NAMES and CHOICES space-separated) from one --help text.
parse_help() {
  awk -v path="$1" '
    /^[A-Za-z]+:$/ { section = $0; next }
    /^  [^ ]/ {
      entry = substr($0, 3)
      sub(/  +.*$/, "", entry) # the description column (mawk has no {2,})
      n = split(entry, parts, " ")
      if (section == "Subcommands:") {
        printf "sub\t%s\t%s\n", path, parts[1]
      } else if (section == "Options:") {
        names = parts[1]
        gsub(",", " ", names)
        valued = (n >= 2 && parts[2] != "...") ? 1 : 0 # a type name: the option takes a value
        choices = ""
        if (match(entry, /\{[^}]*\}/)) {
          choices = substr(entry, RSTART + 1, RLENGTH - 2)
          gsub(",", " ", choices)
        }
        printf "opt\t%s\t%s\t%d\t%s\n", path, names, valued, choices
      }
    }'
}

help_of() { # PATH: prints BINARY's --help for that command path (words after the program)
  local -a words
  read -r -a words <<<"$1"
  if ! "$binary" "${words[@]:1}" --help; then
    echo "cli-docs.sh: '$binary ${words[*]:1} --help' failed; is the build broken?" >&2
    exit 4
  fi
}

# Breadth-first over the command tree; "refactor-ledger" is the root's path.
records=$(mktemp)
trap 'rm -f "$records"' EXIT
paths=("refactor-ledger")
for ((i = 0; i < ${#paths[@]}; i++)); do
  help=$(help_of "${paths[i]}")
  parse_help "${paths[i]}" <<<"$help" >>"$records"
  while IFS=$'\t' read -r _ _ name; do
    paths+=("${paths[i]} $name")
  done < <(parse_help "${paths[i]}" <<<"$help" | grep '^sub')
done

# The tables both completions share, as shell associative-array entries.
table_entries() { # KIND: subs, opts, valued or choices
  case $1 in
  subs) awk -F'\t' '$1 == "sub" { s[$2] = s[$2] (s[$2] == "" ? "" : " ") $3 }
      END { for (p in s) printf "    [\"%s\"]=\"%s\"\n", p, s[p] }' "$records" | sort ;;
  opts) awk -F'\t' '$1 == "opt" { s[$2] = s[$2] (s[$2] == "" ? "" : " ") $3 }
      END { for (p in s) printf "    [\"%s\"]=\"%s\"\n", p, s[p] }' "$records" | sort ;;
  valued) awk -F'\t' '$1 == "opt" && $4 == 1 { n = split($3, a, " "); for (k = 1; k <= n; k++) printf "    [\"%s|%s\"]=1\n", $2, a[k] }' "$records" | sort ;;
  choices) awk -F'\t' '$1 == "opt" && $5 != "" { n = split($3, a, " "); for (k = 1; k <= n; k++) printf "    [\"%s|%s\"]=\"%s\"\n", $2, a[k], $5 }' "$records" | sort ;;
  esac
}

{
  cat <<'HEAD'
# bash completion for refactor-ledger: generated from its --help by tools/cli-docs.sh; do not edit.
_refactor_ledger() {
  local -A subs=(
HEAD
  table_entries subs
  echo "  )"
  echo "  local -A opts=("
  table_entries opts
  echo "  )"
  echo "  local -A valued=("
  table_entries valued
  echo "  )"
  echo "  local -A choices=("
  table_entries choices
  cat <<'TAIL'
  )
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local path=refactor-ledger i word
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if [[ -n ${valued["$path|$word"]:-} || -n ${valued["refactor-ledger|$word"]:-} ]]; then
      ((i++))
    elif [[ " ${subs[$path]:-} " == *" $word "* ]]; then
      path+=" $word"
    fi
  done
  COMPREPLY=()
  if [[ -n ${choices["$path|$prev"]:-} ]]; then
    mapfile -t COMPREPLY < <(compgen -W "${choices["$path|$prev"]}" -- "$cur")
  elif [[ -n ${valued["$path|$prev"]:-} || -n ${valued["refactor-ledger|$prev"]:-} ]]; then
    return 0 # a value: the shell completes file names
  elif [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "${opts[$path]:-}" -- "$cur")
  elif [[ -n ${subs[$path]:-} ]]; then
    mapfile -t COMPREPLY < <(compgen -W "${subs[$path]}" -- "$cur")
  fi
  return 0
}
complete -o bashdefault -o default -F _refactor_ledger refactor-ledger
TAIL
} >"$outdir/refactor-ledger.bash"

{
  cat <<'HEAD'
#compdef refactor-ledger
# zsh completion for refactor-ledger: generated from its --help by tools/cli-docs.sh; do not edit.
_refactor-ledger() {
  local -A subs opts valued choices
  subs=(
HEAD
  table_entries subs | sed 's/^    \[\(.*\)\]=/    \1 /'
  echo "  )"
  echo "  opts=("
  table_entries opts | sed 's/^    \[\(.*\)\]=/    \1 /'
  echo "  )"
  echo "  valued=("
  table_entries valued | sed 's/^    \[\(.*\)\]=/    \1 /'
  echo "  )"
  echo "  choices=("
  table_entries choices | sed 's/^    \[\(.*\)\]=/    \1 /'
  cat <<'TAIL'
  )
  local path=refactor-ledger i word prev=${words[CURRENT - 1]}
  for ((i = 2; i < CURRENT; i++)); do
    word=${words[i]}
    if (( ${+valued[$path|$word]} || ${+valued[refactor-ledger|$word]} )); then
      ((i++))
    elif [[ " ${subs[$path]} " == *" $word "* ]]; then
      path+=" $word"
    fi
  done
  if (( ${+choices[$path|$prev]} )); then
    compadd -- ${=choices[$path|$prev]}
  elif (( ${+valued[$path|$prev]} || ${+valued[refactor-ledger|$prev]} )); then
    _files
  elif [[ $PREFIX == -* ]]; then
    compadd -- ${=opts[$path]}
  elif (( ${+subs[$path]} )); then
    compadd -- ${=subs[$path]}
  else
    _files
  fi
}
_refactor-ledger "$@"
TAIL
} >"$outdir/_refactor-ledger"

# help2man include: each command's --help as preformatted text (roff-escaped).
{
  echo "[COMMANDS]"
  echo "Each command's \\fB\\-\\-help\\fR, as printed by the program."
  for path in "${paths[@]:1}"; do
    echo ".SS \"$path\""
    echo ".nf"
    help_of "$path" | sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
    echo ".fi"
  done
} >"$outdir/commands.h2m"
