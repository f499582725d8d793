#!/usr/bin/python3
"""Check the JSON output of every command against its published schema.

Usage: validate_outputs.py BINARY SOURCE_DIR

For each schema/output/<name>.schema.json (draft 2020-12), runs every
argument list of its "x-examples" as `BINARY -C PROGRAM ARGS... --format json`
on a copy of the shipped example program (SOURCE_DIR's milestones/ and
invariants/), in order, and validates what it prints against the schema.
"{source}" in an argument is SOURCE_DIR (for evidence fixtures). Also checks
that each schema is a valid draft 2020-12 schema with the expected $id, a
title and at least one example, and that every read command has a schema.
(tests/schema/lint_schemas.py lints them further.) References resolve through
the schema files on disk only (tests/schema/schemas.py): nothing is fetched.
Exits 1 on any failure, naming the schema, the command and the first error.
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import jsonschema

import schemas as published

DRAFT = published.DRAFT
# Commands whose --format json must have a published schema.
REQUIRED = ("load", "status", "invariants", "milestones", "risks", "show", "query")


def main():
    binary, source = os.path.abspath(sys.argv[1]), pathlib.Path(sys.argv[2]).resolve()
    published.forbid_network()
    store = published.load_store()
    schema_dir = source / "schema" / "output"
    failures = []
    env = dict(os.environ, SOURCE_DATE_EPOCH="1780000000")
    with tempfile.TemporaryDirectory(prefix="rl-outputs.") as work:
        program = pathlib.Path(work) / "program"
        program.mkdir()
        for folder in ("milestones", "invariants"):
            shutil.copytree(source / folder, program / folder)
        schemas = sorted(schema_dir.glob("*.schema.json"))
        names = [p.name[: -len(".schema.json")] for p in schemas]
        for required in REQUIRED:
            if required not in names:
                failures.append("schema/output/%s.schema.json is missing" % required)
        for path in schemas:
            name = path.name[: -len(".schema.json")]
            try:
                schema = json.loads(path.read_text(encoding="utf-8"))
                jsonschema.Draft202012Validator.check_schema(schema)
            except (OSError, ValueError, jsonschema.SchemaError) as e:
                failures.append("%s: %s" % (path, str(e).splitlines()[0]))
                continue
            if schema.get("$schema") != DRAFT:
                failures.append("%s: $schema must be %s" % (path, DRAFT))
            if schema.get("$id") != path.name:
                failures.append("%s: $id must be %s (relative: where it is published)" % (path, path.name))
            if not str(schema.get("title", "")).strip():
                failures.append("%s: no title" % path)
            examples = schema.get("x-examples")
            if not isinstance(examples, list) or not examples:
                failures.append("%s: no x-examples to check it against" % path)
                continue
            validator = published.validator(published.uri_of(path), store)
            for args in examples:
                args = [a.replace("{source}", str(source)) for a in args]
                command = [binary, "-C", str(program)] + args + ["--format", "json"]
                shown = "refactor-ledger " + " ".join(args) + " --format json"
                run = subprocess.run(command, capture_output=True, env=env, cwd=program)
                if run.returncode not in (0, 1):
                    failures.append("%s: `%s` exited %d: %s" % (name, shown, run.returncode,
                                                               run.stderr.decode(errors="replace").strip()))
                    continue
                try:
                    document = json.loads(run.stdout)
                except ValueError as e:
                    failures.append("%s: `%s` printed no JSON (%s)" % (name, shown, e))
                    continue
                errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
                if errors:
                    e = errors[0]
                    failures.append("%s: `%s`: at /%s: %s" % (name, shown, "/".join(map(str, e.path)), e.message))
                else:
                    print("ok: %s" % shown)
    for f in failures:
        print("FAIL: " + f)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
