#!/usr/bin/python3
"""Lint the JSON Schemas in schema/ (run by tests/schema/run.sh).

Checks that each schema is a valid draft 2020-12 schema with the expected $id
and a title; that every property has a description (editors show them when
completing); that every object with fixed properties forbids unknown keys;
that every local $ref resolves; and that a $defs entry shared by several files
is identical in all of them (the schemas are self-contained, so shared
definitions are copied and must stay in sync).
"""

import json
import pathlib
import sys

import jsonschema

SCHEMA_DIR = pathlib.Path(__file__).resolve().parent.parent.parent / "schema"
KINDS = ("program", "milestone", "risks", "deferrals", "invariants")
ID_BASE = "https://refactor-ledger.invalid/schema/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def walk(node, where, problems, defs, constraint=False):
    """constraint: inside if/then/else/not, where properties only add conditions."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            walk(item, "%s/%d" % (where, i), problems, defs, constraint)
        return
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if ref is not None:
        if not (isinstance(ref, str) and ref.startswith("#/$defs/") and ref[len("#/$defs/"):] in defs):
            problems.append("%s: $ref %r does not name an entry of $defs" % (where, ref))
    props = node.get("properties")
    if isinstance(props, dict) and not constraint:
        if node.get("additionalProperties") is not False:
            problems.append("%s: object with properties lacks \"additionalProperties\": false" % where)
        for name, sub in props.items():
            if isinstance(sub, dict) and not str(sub.get("description", "")).strip():
                problems.append("%s/properties/%s: no description" % (where, name))
    for key, value in node.items():
        walk(value, "%s/%s" % (where, key), problems, defs,
             constraint or key in ("if", "then", "else", "not"))


def main():
    problems = []
    shared = {}  # $defs name -> (file, definition)
    for kind in KINDS:
        path = SCHEMA_DIR / (kind + ".schema.json")
        try:
            with open(path, encoding="utf-8") as f:
                schema = json.load(f)
            jsonschema.Draft202012Validator.check_schema(schema)
        except (OSError, ValueError, jsonschema.SchemaError) as e:
            problems.append("%s: %s" % (path, str(e).splitlines()[0]))
            continue
        if schema.get("$schema") != DRAFT:
            problems.append("%s: $schema must be %s" % (path, DRAFT))
        if schema.get("$id") != ID_BASE + path.name:
            problems.append("%s: $id must be %s" % (path, ID_BASE + path.name))
        for key in ("title", "description"):
            if not str(schema.get(key, "")).strip():
                problems.append("%s: no %s" % (path, key))
        defs = schema.get("$defs", {})
        walk(schema, str(path) + "#", problems, defs)
        for name, definition in defs.items():
            if name in shared and shared[name][1] != definition:
                problems.append("%s: $defs/%s differs from the one in %s" % (path, name, shared[name][0]))
            shared.setdefault(name, (path.name, definition))
    for p in problems:
        print("error: " + p)
    print("schemas: %d problem(s)" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
