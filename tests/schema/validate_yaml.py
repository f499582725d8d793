#!/usr/bin/python3
"""Validate refactor-ledger YAML files against the JSON Schemas in schema/.

Usage:
    validate_yaml.py [--expect-invalid] [--modeline] PATH [PATH...]

Each PATH is either a program root (every *.yaml below PATH/milestones and
PATH/invariants is checked) or a single YAML file. The schema is chosen by the
file's top-level keys:

    program (with scores, facts, phases)  -> program.schema.json
    milestone                             -> milestone.schema.json
    risks                                 -> risks.schema.json
    deferrals                             -> deferrals.schema.json
    category (with invariants)            -> invariants.schema.json

Every error is printed as "path: error: message (at /json/pointer)", then a
closing line "N passed, M failed" counting files by whether they validated.

Normal mode exits 0 only if every file validates. With --expect-invalid every
file must FAIL validation (for negative fixtures): the exit status is 0 only if
"0 passed"; a file that validates is reported as an error.

With --modeline every file must start with the comment
"# yaml-language-server: $schema=<path from the file to its schema>", so that
editors validate it.

Runs with Debian 12's /usr/bin/python3, python3-yaml and python3-jsonschema (4.10).
YAML is read as YAML 1.1 readers read it (plain yaml.safe_load): an unquoted
2026-02-08 is a timestamp, which a date field (a string) refuses, so every
date must be quoted, as editors and other validators need it. Duplicate mapping
keys are errors (checked on the composed document, before loading), and
mapping keys must be strings. "format" is asserted (2026-02-30 is no date), and
references resolve through the schema files on disk only (tests/schema/schemas.py).
"""

import argparse
import datetime
import pathlib
import sys

import jsonschema
import yaml

import schemas

SCHEMA_DIR = schemas.SCHEMA_DIR

# Top-level key -> kind. A file's kind is the one kind named by its top-level keys.
KIND_OF_KEY = {
    "program": "program",
    "scores": "program",
    "facts": "program",
    "phases": "program",
    "milestone": "milestone",
    "risks": "risks",
    "deferrals": "deferrals",
    "category": "invariants",
    "invariants": "invariants",
}
KINDS = ("program", "milestone", "risks", "deferrals", "invariants")


def duplicate_keys(node):
    """Yield (key, first mark, second mark) for each repeated key of a mapping in a composed YAML node."""
    if isinstance(node, yaml.MappingNode):
        seen = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # keys merged in with << may be overridden
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    yield key_node.value, seen[key_node.value], key_node.start_mark
                seen.setdefault(key_node.value, key_node.start_mark)
            yield from duplicate_keys(value_node)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from duplicate_keys(item)


def pointer(parts):
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def non_string_keys(node, parts=()):
    """Yield (pointer, key) for mapping keys that are not strings (JSON allows only strings)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if not isinstance(key, str):
                yield pointer(parts), key
            yield from non_string_keys(value, parts + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from non_string_keys(value, parts + (i,))


def load_validators():
    for kind in KINDS:
        with open(SCHEMA_DIR / (kind + ".schema.json"), encoding="utf-8") as f:
            jsonschema.Draft202012Validator.check_schema(schemas.load_json(f.name))
    return schemas.input_validators()


def describe(error):
    """The error message, made more helpful for a few validators."""
    if error.validator == "additionalProperties" and error.validator_value is False:
        allowed = list(error.schema.get("properties", {}))
        return "%s; allowed keys: %s" % (error.message, ", ".join(allowed))
    if isinstance(error.instance, (datetime.date, datetime.datetime)) and error.validator == "type":
        return ("%s is unquoted, so YAML 1.1 readers (PyYAML, editors) read a timestamp, not text; "
                "quote it: \"%s\"" % (error.instance.isoformat(), error.instance.isoformat()))
    if error.schema is False and error.path:
        return "%r is not allowed here" % (error.path[-1],)
    return error.message


def detect_kind(doc):
    """Return (kind, None) or (None, problem)."""
    if not isinstance(doc, dict):
        return None, "the file must be a YAML mapping with one top-level key naming its kind, got %s" % (
            "an empty document" if doc is None else type(doc).__name__)
    kinds = sorted({KIND_OF_KEY[k] for k in doc if k in KIND_OF_KEY})
    expected = "expected one of: program, milestone, risks, deferrals, category + invariants"
    if not kinds:
        return None, "cannot tell the file's kind from its top-level keys %s; %s" % (
            ", ".join(map(repr, doc)) or "(none)", expected)
    if len(kinds) > 1:
        return None, "top-level keys %s name several kinds (%s); a file holds exactly one kind" % (
            ", ".join(map(repr, doc)), ", ".join(kinds))
    return kinds[0], None


def check_file(path, validators, modeline=False):
    """Return the list of (message, pointer) errors of one file."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        duplicates = [("found duplicate key %r (first at line %d) at line %d" % (key, first.line + 1, second.line + 1),
                       "/") for key, first, second in duplicate_keys(yaml.compose(text, Loader=yaml.SafeLoader))]
        if duplicates:
            return duplicates
        doc = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as e:
        return [("cannot read file: %s" % e, "/")]
    except yaml.YAMLError as e:
        return [("invalid YAML: %s" % " ".join(str(e).split()), "/")]
    kind, problem = detect_kind(doc)
    if problem:
        return [(problem, "/")]
    if modeline:
        expected = "# yaml-language-server: $schema=" + schemas.relative_schema_path(path, kind)
        first = text.split("\n", 1)[0]
        if first != expected:
            return [("the first line must be %r so that editors validate the file, not %r" % (expected, first), "/")]
    bad_keys = list(non_string_keys(doc))
    if bad_keys:
        return [("mapping key %r is not a string (quote it)" % key, where) for where, key in bad_keys]
    errors = validators[kind].iter_errors(doc)
    errors = sorted(errors, key=lambda e: ([str(p) for p in e.absolute_path], e.message))
    return [(describe(e), pointer(e.absolute_path)) for e in errors]


def collect(paths):
    """Expand roots to their YAML files. Returns (files, problems)."""
    files, problems = [], []
    for arg in paths:
        p = pathlib.Path(arg)
        if p.is_file():
            files.append(p)
            continue
        if not p.is_dir():
            problems.append((p, "no such file or directory"))
            continue
        if not (p / "milestones").is_dir():
            problems.append((p / "milestones", "missing: a program root must have a milestones/ folder"))
        for sub in ("milestones", "invariants"):
            d = p / sub
            if d.is_dir():
                found = sorted(d.rglob("*.yaml"))
                if not found and sub == "milestones":
                    problems.append((d, "no *.yaml files found"))
                elif not found:
                    print("%s: warning: no *.yaml files found" % d)
                files.extend(found)
                for stray in sorted(d.rglob("*.yml")):
                    print("%s: warning: ignored: the extension must be .yaml" % stray)
    return files, problems


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--expect-invalid", action="store_true",
                        help="every file must fail validation (negative fixtures)")
    parser.add_argument("--modeline", action="store_true",
                        help="every file must start with its yaml-language-server $schema comment")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="program root or YAML file")
    args = parser.parse_args(argv)

    schemas.forbid_network()
    try:
        validators = load_validators()
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print("%s: error: cannot load schemas: %s" % (SCHEMA_DIR, e))
        return 2

    files, problems = collect(args.paths)
    for where, message in problems:
        print("%s: error: %s" % (where, message))

    passed = failed = 0
    unexpected = []
    for path in files:
        errors = check_file(path, validators, args.modeline)
        for message, where in errors:
            print("%s: error: %s (at %s)" % (path, message, where))
        if errors:
            failed += 1
        else:
            passed += 1
            if args.expect_invalid:
                unexpected.append(path)
    for path in unexpected:
        print("%s: error: expected validation to fail, but the file is valid" % path)

    print("%d passed, %d failed" % (passed, failed))
    if problems or not files:
        if not files and not problems:
            print("error: no YAML files found")
        return 1
    if args.expect_invalid:
        return 0 if passed == 0 else 1
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
