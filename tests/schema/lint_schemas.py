#!/usr/bin/python3
"""Lint the JSON Schemas in schema/ and schema/output/ (run by tests/schema/run.sh).

Every schema must:
- be valid JSON without duplicate keys, and a valid draft 2020-12 schema
  (Draft202012Validator.check_schema);
- say "$schema": draft 2020-12, and have a relative "$id" that is its own file
  name, so that it resolves to where the schema is published (schema/ is
  installed as share/refactor-ledger/schema/; in schema/output/ the $id
  "status.schema.json" resolves to output/status.schema.json);
- have a title (input schemas also a description);
- use only draft 2020-12 keywords (or "x-" extensions): a typo such as
  "requried" is an unknown keyword that validators silently ignore;
- pair every "if" with a "then" or an "else" (an "if" alone constrains nothing);
- have every "$ref" resolve, through a registry of the schema files on disk
  (no network: a reference to anything else fails);
- input schemas only: forbid unknown keys ("additionalProperties": false) on
  every object with fixed properties and say what every property is, as
  refactor-ledger's loader refuses unknown keys; share $defs entries identical
  across files.

Before linting the real schemas, it lints a set of broken schemas and checks
that each is refused for its defect (so the lint itself can fail).
"""

import pathlib
import sys

import jsonschema

import schemas

KEYWORDS = {
    # core
    "$schema", "$id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary", "$comment", "$defs",
    # applicator
    "prefixItems", "items", "contains", "additionalProperties", "properties", "patternProperties",
    "dependentSchemas", "propertyNames", "if", "then", "else", "allOf", "anyOf", "oneOf", "not",
    # unevaluated
    "unevaluatedItems", "unevaluatedProperties",
    # validation
    "type", "const", "enum", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
    "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains", "minContains",
    "maxProperties", "minProperties", "required", "dependentRequired",
    # meta-data, format, content
    "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples", "format",
    "contentEncoding", "contentMediaType", "contentSchema",
}
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
SCHEMA_VALUES = ("additionalProperties", "items", "contains", "propertyNames", "if", "then", "else", "not",
                 "unevaluatedItems", "unevaluatedProperties", "contentSchema")
SCHEMA_LISTS = ("prefixItems", "allOf", "anyOf", "oneOf")
# Inside these, "properties" only adds conditions to an object described elsewhere.
CONDITIONS = ("if", "then", "else", "not", "allOf", "anyOf", "oneOf", "contains", "dependentSchemas")


def subschemas(node, where, constraint):
    """Yield (subschema, where, constraint) for the schemas directly inside node."""
    for key, value in node.items():
        inner = constraint or key in CONDITIONS
        if key in SCHEMA_MAPS and isinstance(value, dict):
            for name, sub in value.items():
                yield sub, "%s/%s/%s" % (where, key, name), inner
        elif key in SCHEMA_VALUES:
            yield value, "%s/%s" % (where, key), inner
        elif key in SCHEMA_LISTS and isinstance(value, list):
            for i, sub in enumerate(value):
                yield sub, "%s/%s/%d" % (where, key, i), inner


def walk(node, where, uri, store, strict_objects, problems, constraint=False):
    """Lint one subschema and everything below it."""
    if isinstance(node, bool):
        return
    if not isinstance(node, dict):
        problems.append("%s: a schema must be an object or a boolean, not %s" % (where, type(node).__name__))
        return
    for key in node:
        if key not in KEYWORDS and not key.startswith("x-"):
            problems.append("%s: unknown keyword %r (not draft 2020-12; a typo?)" % (where, key))
    if "if" in node and "then" not in node and "else" not in node:
        problems.append("%s: \"if\" without \"then\" or \"else\" constrains nothing" % where)
    for lone in ("then", "else"):
        if lone in node and "if" not in node:
            problems.append("%s: %r without \"if\" is ignored" % (where, lone))
    ref = node.get("$ref")
    if ref is not None:
        try:
            schemas.resolve_ref(ref, uri, store)
        except (jsonschema.exceptions.RefResolutionError, schemas.NetworkRefused, LookupError) as e:
            problems.append("%s: $ref %r does not resolve: %s" % (where, ref, e))
    if strict_objects and not constraint:
        props = node.get("properties")
        if isinstance(props, dict):
            if node.get("additionalProperties") is not False:
                problems.append("%s: object with properties lacks \"additionalProperties\": false "
                                "(the loader refuses unknown keys)" % where)
            for name, sub in props.items():
                if isinstance(sub, dict) and not str(sub.get("description", "")).strip():
                    problems.append("%s/properties/%s: no description" % (where, name))
        elif node.get("type") == "object" and not any(
                k in node for k in ("additionalProperties", "patternProperties", "unevaluatedProperties", "$ref")):
            problems.append("%s: object without properties or \"additionalProperties\" accepts any key "
                            "(the loader refuses unknown keys)" % where)
    for sub, sub_where, inner in subschemas(node, where, constraint):
        walk(sub, sub_where, uri, store, strict_objects, problems, inner)


def lint(path, schema, uri, store, is_input):
    """The problems of one schema, loaded from path and published at uri."""
    problems = []
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as e:
        return ["%s: not a valid draft 2020-12 schema: %s (at %s)" % (
            path, e.message, "/".join(map(str, e.absolute_path)) or "/")]
    if schema.get("$schema") != schemas.DRAFT:
        problems.append("%s: $schema must be %s" % (path, schemas.DRAFT))
    id_ = schema.get("$id")
    name = pathlib.PurePath(uri).name
    if id_ != name:
        problems.append("%s: $id must be %r, its file name, relative to where it is published (is %r)"
                        % (path, name, id_))
    elif schemas.joined(uri, id_) != uri:
        problems.append("%s: $id %r does not resolve to %s" % (path, id_, uri))
    for key in ("title", "description") if is_input else ("title",):
        if not str(schema.get(key, "")).strip():
            problems.append("%s: no %s" % (path, key))
    walk(schema, "%s#" % path, uri, store, is_input, problems)
    return problems


# Broken schemas the lint must refuse, each with the text its problem must contain.
SELF_TEST = [
    ({"type": "object", "requried": ["a"]}, "unknown keyword 'requried'"),
    ({"type": "object", "properties": {"s": {"if": {"const": "closed"}, "description": "s"}},
      "additionalProperties": False}, "\"if\" without \"then\" or \"else\""),
    ({"$ref": "#/$defs/missing"}, "does not resolve"),
    ({"$ref": "https://json.schemastore.org/github-workflow.json"}, "does not resolve"),
    ({"$ref": "nowhere.schema.json#/$defs/date"}, "does not resolve"),
    ({"type": "object", "properties": {"a": {"type": "string", "description": "a"}}}, "lacks \"additionalProperties\""),
    ({"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False}, "no description"),
    ({"type": "object"}, "accepts any key"),
    ({"type": "strnig"}, "not a valid draft 2020-12 schema"),
]


def self_test(store):
    """Check that each broken schema is refused, and that a reference between published schemas resolves."""
    failures = []
    base = schemas.SCHEMA_DIR / "output"
    for i, (body, expected) in enumerate(SELF_TEST):
        uri = (base / ("selftest%d.schema.json" % i)).as_uri()
        schema = dict({"$schema": schemas.DRAFT, "$id": "selftest%d.schema.json" % i, "title": "t",
                       "description": "d"}, **body)
        found = lint("selftest%d" % i, schema, uri, dict(store, **{uri: schema}), True)
        if not any(expected in p for p in found):
            failures.append("self-test %d (%s): expected a problem containing %r, got %r" % (i, body, expected, found))
    # From schema/output/, ../milestone.schema.json is the published input schema.
    uri = (base / "crossref.schema.json").as_uri()
    good = {"$schema": schemas.DRAFT, "$id": "crossref.schema.json", "title": "t", "description": "d",
            "$ref": "../milestone.schema.json#/$defs/date"}
    found = lint("crossref", good, uri, dict(store, **{uri: good}), True)
    if found:
        failures.append("self-test crossref: a reference to ../milestone.schema.json did not resolve: %r" % found)
    return failures


def main():
    schemas.forbid_network()
    problems = []
    try:
        store = schemas.load_store()
    except (OSError, ValueError) as e:
        print("error: cannot load the schemas: %s" % e)
        return 1
    problems += self_test(store)
    shared = {}  # $defs name -> (file, definition), input schemas
    files = schemas.schema_files()
    for kind in schemas.INPUT_KINDS:
        if schemas.SCHEMA_DIR / (kind + ".schema.json") not in files:
            problems.append("schema/%s.schema.json is missing" % kind)
    for path in files:
        is_input = path.parent == schemas.SCHEMA_DIR
        schema = store[schemas.uri_of(path)]
        rel = path.relative_to(schemas.SCHEMA_DIR.parent)
        problems += lint(rel, schema, schemas.uri_of(path), store, is_input)
        if is_input:
            for name, definition in schema.get("$defs", {}).items():
                if name in shared and shared[name][1] != definition:
                    problems.append("%s: $defs/%s differs from the one in %s" % (rel, name, shared[name][0]))
                shared.setdefault(name, (rel, definition))
    for p in problems:
        print("error: " + p)
    print("schemas: %d file(s), %d problem(s)" % (len(files), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
