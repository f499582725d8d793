#!/usr/bin/python3
"""Check .pre-commit-hooks.yaml and run each hook's entry.

Usage: pre_commit_hooks.py BINARY SOURCE_DIR

Parses the file as pre-commit does (a list of hooks), checks each hook's
fields, that its `files` pattern selects the program's files and not others,
and runs its entry (as pre-commit runs a `language: system` hook with
pass_filenames: false) with the built binary on PATH in a copy of the shipped
program: it must pass there, and fail when the program is broken (validate:
exit 3) or REFACTOR.md is stale (render --check: exit 1). Exits 1 on failure.
"""

import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import yaml

HOOKS = {"refactor-ledger-validate", "refactor-ledger-render-check"}


def main():
    binary = os.path.abspath(sys.argv[1])
    source = pathlib.Path(sys.argv[2]).resolve()
    failures = []
    hooks = yaml.safe_load((source / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    if not isinstance(hooks, list) or {h.get("id") for h in hooks} != HOOKS:
        print("FAIL: .pre-commit-hooks.yaml must list exactly the hooks %s" % sorted(HOOKS))
        return 1
    with tempfile.TemporaryDirectory(prefix="rl-pre-commit.") as tmp:
        tmp = pathlib.Path(tmp)
        bin_dir = tmp / "bin"
        bin_dir.mkdir()
        (bin_dir / "refactor-ledger").symlink_to(binary)
        env = dict(os.environ, PATH="%s:%s" % (bin_dir, os.environ.get("PATH", "/usr/bin:/bin")))
        program = tmp / "program"

        def fresh_copy():
            if program.exists():
                shutil.rmtree(program)
            program.mkdir()
            for folder in ("milestones", "invariants"):
                shutil.copytree(source / folder, program / folder)
            shutil.copy(source / "REFACTOR.md", program / "REFACTOR.md")

        def run(hook):
            return subprocess.run(shlex.split(hook["entry"]), cwd=program, env=env, capture_output=True)

        for hook in hooks:
            name = hook["id"]
            for key, want in (("language", "system"), ("pass_filenames", False)):
                if hook.get(key) != want:
                    failures.append("%s: %s must be %r" % (name, key, want))
            for key in ("name", "entry", "files"):
                if not isinstance(hook.get(key), str) or not hook[key]:
                    failures.append("%s: no %s" % (name, key))
            if not hook.get("entry", "").startswith("refactor-ledger "):
                failures.append("%s: the entry must run refactor-ledger" % name)
            pattern = re.compile(hook.get("files", "^$"))
            selected = ["milestones/M01.yaml", "invariants/core.yaml", "sub/milestones/program.yaml"]
            if name.endswith("render-check"):
                selected.append("REFACTOR.md")
            for path in selected:
                if not pattern.search(path):
                    failures.append("%s: files does not select %s" % (name, path))
            for path in ("src/main.c", "docs/milestones.md", "README.md"):
                if pattern.search(path):
                    failures.append("%s: files selects %s" % (name, path))
            fresh_copy()
            done = run(hook)
            if done.returncode != 0:
                failures.append("%s: `%s` exited %d on the shipped program: %s"
                                % (name, hook["entry"], done.returncode, done.stderr.decode(errors="replace")))
            else:
                print("ok: %s passes on the shipped program" % name)
            # Broken: a stale log for render --check, an unknown field for validate.
            if name.endswith("render-check"):
                with open(program / "REFACTOR.md", "a", encoding="utf-8") as f:
                    f.write("edited by hand\n")
                want = 1
            else:
                with open(program / "milestones/M02.yaml", "a", encoding="utf-8") as f:
                    f.write("ownr: someone\n")
                want = 3
            done = run(hook)
            if done.returncode != want:
                failures.append("%s: exited %d on a broken program, expected %d" % (name, done.returncode, want))
            else:
                print("ok: %s fails (exit %d) on a broken program" % (name, want))
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
