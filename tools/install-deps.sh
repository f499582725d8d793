#!/usr/bin/env bash
# Usage: tools/install-deps.sh [format] [fuzz] [tidy]
#
# Installs the Debian 12 packages refactor-ledger needs to build and test,
# and with `format` what tools/format.sh needs (clang-format-15), with `fuzz`
# what tools/fuzz.sh needs (clang-15, libfuzzer-15-dev), with `tidy` what
# tools/tidy.sh needs (clang-tidy-15); only those that are missing, with one
# apt-get update, and only if something is missing.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git
  libsqlite3-dev libsqlitecpp-dev libyaml-cpp-dev libfmt-dev libcli11-dev catch2
  nlohmann-json3-dev libexpat1-dev libpugixml-dev libssl-dev libutf8proc-dev libdtl-dev libre2-dev
  python3 python3-yaml python3-jsonschema   # tests/schema: JSON Schema validation
  help2man gzip                              # the man page, generated at build time
  dpkg-dev file man-db groff-base bsdextrautils zsh # tests/package: cpack -G DEB (dpkg-shlibdeps), man -l, col, zsh -n
  python3-rfc3987                           # tests/schema: the SARIF uri-reference formats
)
for group in "$@"; do
  case $group in
  format) packages+=(clang-format-15) ;;
  fuzz) packages+=(clang-15 libfuzzer-15-dev) ;;
  tidy) packages+=(clang-tidy-15) ;;
  *)
    echo "install-deps.sh: unknown group '$group' (format, fuzz, tidy)" >&2
    exit 2
    ;;
  esac
done
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
