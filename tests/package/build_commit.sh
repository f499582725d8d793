#!/usr/bin/env bash
# Usage: tests/package/build_commit.sh REPO_ROOT (CTest: package.build_commit)
# tools/cmake/BuildCommit.cmake on a scratch git repository: the short SHA, "-dirty" for a
# changed tracked file (not for an untracked one), a new SHA after a commit, "unknown"
# outside a checkout, and the header is not rewritten when the commit did not change.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_tools git
script=$1/tools/cmake/BuildCommit.cmake
work=$(mktemp -d "${TMPDIR:-/tmp}/rl-commit.XXXXXX")
trap 'rm -rf "$work"' EXIT
header=$work/build_commit.hpp
commit_of() { # SOURCE_DIR: runs the script, prints the commit the header holds
  cmake -DSOURCE_DIR="$1" -DOUT="$header" -P "$script"
  sed -n 's/.*k_build_commit = "\(.*\)";/\1/p' "$header"
}
mkdir "$work/repo" "$work/plain"
git -C "$work/repo" init -q
git -C "$work/repo" -c user.name=t -c user.email=t@example.org commit -q --allow-empty -m one
echo a >"$work/repo/file"
git -C "$work/repo" add file
git -C "$work/repo" -c user.name=t -c user.email=t@example.org commit -q -m two
sha=$(git -C "$work/repo" rev-parse --short=7 HEAD)
[[ $(commit_of "$work/repo") == "$sha" ]] || fail "clean checkout: '$(commit_of "$work/repo")', expected $sha"
touch -d '2000-01-01' "$header"
[[ $(commit_of "$work/repo") == "$sha" && $(stat -c %Y "$header") == $(date -d 2000-01-01 +%s) ]] ||
  fail "the header was rewritten although the commit did not change"
echo untracked >"$work/repo/new"
[[ $(commit_of "$work/repo") == "$sha" ]] || fail "an untracked file made the tree dirty"
echo b >"$work/repo/file"
[[ $(commit_of "$work/repo") == "$sha-dirty" ]] || fail "changed tracked file: '$(commit_of "$work/repo")', expected $sha-dirty"
git -C "$work/repo" -c user.name=t -c user.email=t@example.org commit -q -am three
sha2=$(git -C "$work/repo" rev-parse --short=7 HEAD)
[[ $sha2 != "$sha" && $(commit_of "$work/repo") == "$sha2" ]] || fail "after a commit: '$(commit_of "$work/repo")', expected $sha2"
[[ $(commit_of "$work/plain") == unknown ]] || fail "outside a checkout: '$(commit_of "$work/plain")', expected unknown"
mkdir "$work/repo/sub"
[[ $(commit_of "$work/repo/sub") == unknown ]] || fail "a folder inside another repository: expected unknown"
echo "ok"
