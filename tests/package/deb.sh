#!/usr/bin/env bash
# Usage: tests/package/deb.sh BUILD_DIR REPO_ROOT (CTest: package.deb)
# `cpack -G DEB` into a temporary folder, checks the control fields, extracts the package
# with `dpkg -x` and checks the tree under its usr/ (lib.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
build=$1 root=$2
require_tools cpack dpkg-deb dpkg-shlibdeps help2man groff man gzip
work=$(mktemp -d "${TMPDIR:-/tmp}/rl-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || {
  cat "$work/cpack.log" >&2
  fail "cpack -G DEB failed (log above)"
}
debs=("$work"/out/refactor-ledger_*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || fail "cpack made no refactor-ledger_*.deb in $work/out"
deb=${debs[0]}
dpkg-deb -I "$deb" control
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == refactor-ledger ]] || fail "Package is '$(field Package)'"
[[ $(field Version) =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "Version is '$(field Version)'"
[[ $(field Section) == devel ]] || fail "Section is '$(field Section)'"
[[ -n $(field Maintainer) ]] || fail "no Maintainer"
[[ $(field Recommends) == *git* ]] || fail "Recommends does not name git"
depends=$(field Depends)
for lib in libsqlite3 libyaml-cpp libpugixml libfmt libre2 libc6; do
  [[ $depends == *"$lib"* ]] || fail "Depends does not name $lib: '$depends'"
done
dpkg -x "$deb" "$work/root"
check_tree "$work/root/usr" "$root"
