#!/usr/bin/python3
"""Differential test: the schemas refuse a document exactly when refactor-ledger refuses it.

Usage: differential.py BINARY

Each case is a hand-written YAML document in tests/schema/differential/*.yaml
whose leading comment lines say:

    # file: milestones/M01.yaml     where it goes in a copy of the valid fixture
                                    tree (tests/schema/fixtures/valid); it
                                    replaces that file or adds a new one
    # before: close M00 --adopt ... optional, repeatable: refactor-ledger
                                    arguments run on the tree before it is checked
    # loader: valid | invalid       what `refactor-ledger validate -C TREE` says
    # schema: valid | invalid       what the JSON Schema says of the document
    # divergence: WHY               required when loader and schema disagree

For every case it runs both, on the same tree, and fails when either verdict
is not the one written, or when they disagree without a divergence line (or
agree with one). The schema side loads the YAML as YAML 1.1 readers do
(validate_yaml.py). Exits 1 on any failure.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import schemas
import validate_yaml

HERE = pathlib.Path(__file__).resolve().parent
BASE = HERE / "fixtures" / "valid"
CASES = HERE / "differential"
HEADER = re.compile(r"^# (file|before|loader|schema|divergence): (.*)$")


def header(path):
    fields = {"before": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = HEADER.match(line)
        if not m:
            if line.startswith("#"):
                continue
            break
        key, value = m.group(1), m.group(2).strip()
        if key == "before":
            fields["before"].append(value.split())
        else:
            fields[key] = value
    return fields


def main(argv):
    binary = os.path.abspath(argv[1])
    schemas.forbid_network()
    validators = validate_yaml.load_validators()
    env = dict(os.environ, SOURCE_DATE_EPOCH="1780000000")
    failures = []
    cases = sorted(CASES.glob("*.yaml"))
    if len(cases) < 10:
        failures.append("only %d cases in %s" % (len(cases), CASES))
    counts = {"valid": 0, "invalid": 0}
    for case in cases:
        h = header(case)
        name = case.name
        missing = [k for k in ("file", "loader", "schema") if k not in h]
        bad = [k for k in ("loader", "schema") if h.get(k) not in (None, "valid", "invalid")]
        if missing or bad:
            failures.append("%s: header lacks %s or has a verdict other than valid/invalid in %s" % (name, missing, bad))
            continue
        with tempfile.TemporaryDirectory(prefix="rl-differential.") as work:
            tree = pathlib.Path(work) / "program"
            shutil.copytree(BASE, tree)
            setup_failed = False
            for args in h["before"]:
                run = subprocess.run([binary, "-C", str(tree)] + args, capture_output=True, env=env, cwd=tree)
                if run.returncode != 0:
                    failures.append("%s: before: %s exited %d: %s" % (name, " ".join(args), run.returncode,
                                                                       run.stderr.decode(errors="replace").strip()))
                    setup_failed = True
            if setup_failed:
                continue
            target = tree / h["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(case, target)
            run = subprocess.run([binary, "-C", str(tree), "validate"], capture_output=True, env=env, cwd=tree)
            if run.returncode not in (0, 3):
                failures.append("%s: refactor-ledger validate exited %d (expected 0 or 3): %s" % (
                    name, run.returncode, run.stderr.decode(errors="replace").strip()))
                continue
            loader = "valid" if run.returncode == 0 else "invalid"
            errors = validate_yaml.check_file(target, validators)
            schema = "invalid" if errors else "valid"
        said = "; ".join(line for line in run.stderr.decode(errors="replace").splitlines() if ": error: " in line)
        print("%-40s loader: %-7s schema: %-7s %s" % (name, loader, schema,
                                                       (errors[0][0] if errors else "")[:100]))
        if loader != h["loader"]:
            failures.append("%s: refactor-ledger says %s, the case says %s (%s)" % (name, loader, h["loader"], said))
        if schema != h["schema"]:
            failures.append("%s: the schema says %s, the case says %s (%s)" % (
                name, schema, h["schema"], "; ".join("%s at %s" % e for e in errors)))
        if loader != schema and "divergence" not in h:
            failures.append("%s: refactor-ledger says %s but the schema says %s" % (name, loader, schema))
        if loader == schema and "divergence" in h:
            failures.append("%s: has a divergence line but both say %s: remove it" % (name, loader))
        counts[h["loader"]] = counts.get(h["loader"], 0) + 1
    if counts["valid"] < 3 or counts["invalid"] < 3:
        failures.append("too few cases of each verdict: %s" % counts)
    for f in failures:
        print("FAIL: " + f)
    print("differential: %d case(s), %d failure(s)" % (len(cases), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
