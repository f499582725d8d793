"""The published JSON Schemas, loaded from disk with no network (shared by the schema tests).

Every schema under schema/ is registered under the URI it has where it is
published: its file's URI (schema/ is installed as share/refactor-ledger/schema/,
and a relative "$id" such as "milestone.schema.json" or, in schema/output/,
"status.schema.json" resolves against that). A "$ref" resolves only to a schema
in that registry; any attempt to fetch a URL (http, https, file or other) is
refused, and so is opening a socket, so a reference that does not resolve on
disk fails the test instead of reaching the network.

Runs with Debian 12's python3-jsonschema 4.10 (RefResolver); later versions
still accept RefResolver (deprecated), so the same code works there.
"""

import json
import pathlib
import socket
import urllib.parse
import urllib.request
import warnings

import jsonschema

SCHEMA_DIR = pathlib.Path(__file__).resolve().parent.parent.parent / "schema"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
INPUT_KINDS = ("program", "milestone", "risks", "deferrals", "invariants")


class NetworkRefused(Exception):
    pass


def _refuse(*args, **kwargs):
    raise NetworkRefused("the schema tests never use the network (attempted: %r)" % (args[:1],))


def forbid_network():
    """Make every attempt to fetch a URL or open a socket raise NetworkRefused."""
    urllib.request.urlopen = _refuse
    socket.socket.connect = _refuse
    socket.create_connection = _refuse
    try:
        import requests  # jsonschema's RefResolver prefers requests when it is installed

        requests.get = _refuse
        requests.Session.request = _refuse
    except ImportError:
        pass


def _no_duplicate_keys(pairs):
    seen = set()
    for key, _ in pairs:
        if key in seen:
            raise ValueError("duplicate key %r" % key)
        seen.add(key)
    return dict(pairs)


def load_json(path):
    """A schema file as JSON, refusing duplicate keys (the later one would silently win)."""
    with open(path, encoding="utf-8") as f:
        return json.load(f, object_pairs_hook=_no_duplicate_keys)


def uri_of(path):
    """The URI a schema file is published at (its file URI)."""
    return pathlib.Path(path).resolve().as_uri()


def schema_files():
    """Every *.schema.json under schema/, input schemas first."""
    return sorted(SCHEMA_DIR.rglob("*.schema.json"), key=lambda p: (p.parent != SCHEMA_DIR, str(p)))


def load_store(extra=None):
    """{uri: schema} for every schema file (plus extra {uri: schema}). Raises on unreadable JSON."""
    store = {uri_of(p): load_json(p) for p in schema_files()}
    store.update(extra or {})
    return store


class _DiskOnlyResolver(jsonschema.RefResolver):
    """Resolves references only within the store; never fetches."""

    def resolve_remote(self, uri):
        raise jsonschema.exceptions.RefResolutionError(
            "%s is not one of the published schemas (nothing is fetched from the network)" % uri)


def resolver(uri, store):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return _DiskOnlyResolver(base_uri=uri, referrer=store[uri], store=dict(store), cache_remote=False)


def validator(uri, store):
    """A draft 2020-12 validator of store[uri] that asserts "format" (dates) and resolves on disk."""
    schema = store[uri]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return jsonschema.Draft202012Validator(schema,
                                               resolver=resolver(uri, store),
                                               format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def resolve_ref(ref, base_uri, store):
    """Resolve one $ref from a schema whose base URI is base_uri; raises RefResolutionError."""
    r = resolver(base_uri, store)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return r.resolve(ref)


def input_validators(store=None):
    store = store or load_store()
    return {kind: validator(uri_of(SCHEMA_DIR / (kind + ".schema.json")), store) for kind in INPUT_KINDS}


def relative_schema_path(yaml_path, kind):
    """The path from yaml_path's folder to the schema of kind, as a yaml-language-server modeline names it."""
    import os

    target = SCHEMA_DIR / (kind + ".schema.json")
    return pathlib.PurePath(os.path.relpath(target, pathlib.Path(yaml_path).resolve().parent)).as_posix()


def joined(base_uri, ref):
    return urllib.parse.urljoin(base_uri, ref)
