#!/usr/bin/python3
"""Check the CI formats of the binary on the shipped example program.

Usage: validate_ci_outputs.py BINARY SOURCE_DIR

- `check --format sarif` validates against tests/schema/sarif/
  sarif-2.1.0-subset.schema.json (written from the SARIF 2.1.0
  specification), formats checked (uri, uri-reference): with no offender, with
  failing offenders (a failing JUnit run ingested) and with offenders not
  verified (--require-verified);
- `validate --format json` on a broken copy validates against
  schema/output/validate.schema.json, with exit 3;
- hostile YAML values (line breaks, "::" and control characters) reach
  `validate`, `check` and `close --dry-run --format github` without starting a
  workflow command of their own, and the exit codes stay as in table format.
Exits 1 on any failure.
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import jsonschema

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def copy_program(source, work, name):
    program = pathlib.Path(work) / name
    program.mkdir()
    for folder in ("milestones", "invariants"):
        shutil.copytree(source / folder, program / folder)
    return program


def run(binary, program, *args, env=None):
    return subprocess.run([binary, "-C", str(program), *args], capture_output=True, env=env, cwd=program)


def only_our_commands(text, what):
    """Every line that is a workflow command is one of ours, once per problem."""
    for line in text.split("\n"):
        check("\r" not in line and "\x1b" not in line, "%s: a control character reached the log: %r" % (what, line))
        if line.startswith("::"):
            check(line.startswith("::error ") or line.startswith("::warning "),
                  "%s: a command that is not ours: %r" % (what, line))


def main():
    binary = os.path.abspath(sys.argv[1])
    source = pathlib.Path(sys.argv[2]).resolve()
    env = dict(os.environ, SOURCE_DATE_EPOCH="1780000000")
    env.pop("GITHUB_STEP_SUMMARY", None)
    sarif_schema = json.loads((source / "tests/schema/sarif/sarif-2.1.0-subset.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(sarif_schema)
    sarif = jsonschema.Draft7Validator(sarif_schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    # The formats are checked only when python3-rfc3987 is there: make sure it is.
    check("uri-reference" in jsonschema.Draft7Validator.FORMAT_CHECKER.checkers,
          "uri-reference is not checked: apt-get install python3-rfc3987")
    validate_schema = json.loads((source / "schema/output/validate.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(validate_schema)

    def valid(validator_, document, what):
        errors = sorted(validator_.iter_errors(document), key=lambda e: list(e.path))
        if errors:
            e = errors[0]
            failures.append("%s: at /%s: %s" % (what, "/".join(map(str, e.path)), e.message))
        else:
            print("ok: %s" % what)

    with tempfile.TemporaryDirectory(prefix="rl-ci-outputs.") as work:
        program = copy_program(source, work, "program")
        # SARIF: nothing found, not verified, failing.
        for args, want_rc, levels in ((["check"], 0, set()),
                                      (["check", "--priority", "P3", "--require-verified"], 1, {"warning"})):
            done = run(binary, program, *args, "--format", "sarif", env=env)
            what = "refactor-ledger %s --format sarif" % " ".join(args)
            if check(done.returncode == want_rc, "%s exited %d, expected %d: %s"
                     % (what, done.returncode, want_rc, done.stderr.decode(errors="replace"))):
                log = json.loads(done.stdout)
                valid(sarif, log, what)
                check({r["level"] for r in log["runs"][0]["results"]} == levels, "%s: levels %s" % (what, levels))
        failing = copy_program(source, work, "failing")
        inv = failing / "invariants" / "zz-ci.yaml"
        inv.write_text("category:\n  id: zz-ci\n  name: CI fixture\n  order: 99\ninvariants:\n"
                       "  - id: INV-990\n    name: \"Smoke, with: a comma\"\n    statement: The smoke tests pass.\n"
                       "    coverage: strong\n    priority: P0\n    verify:\n"
                       "      tests: \"test.test_smoke::*\"\n", encoding="utf-8")
        (failing / "smoke.xml").write_text(
            '<testsuite name="s" tests="1"><testcase classname="test.test_smoke" name="test_one">'
            '<failure message="boom"/></testcase></testsuite>', encoding="utf-8")
        done = run(binary, failing, "ingest", "junit", "smoke.xml", "--commit", "abc1234", env=env)
        check(done.returncode == 0, "ingest of the failing run: %s" % done.stderr.decode(errors="replace"))
        done = run(binary, failing, "check", "--format", "sarif", env=env)
        if check(done.returncode == 1, "check with a failing invariant exited %d" % done.returncode):
            log = json.loads(done.stdout)
            valid(sarif, log, "check --format sarif with a failing invariant")
            results = log["runs"][0]["results"]
            check([r["ruleId"] for r in results] == ["INV-990"] and results[0]["level"] == "error",
                  "the failing invariant is one error result: %s" % results)
            region = results[0]["locations"][0]["physicalLocation"]["region"]
            check(region == {"startLine": 6, "startColumn": 5}, "region of INV-990: %s" % region)
        done = run(binary, failing, "check", "--format", "github", env=env)
        check(done.returncode == 1, "check --format github exited %d" % done.returncode)
        check(done.stdout.decode().startswith(
            "::error file=invariants/zz-ci.yaml,line=6,col=5,title=INV-990 failing::Smoke, with: a comma"),
            "check --format github: %r" % done.stdout)

        # validate --format json of a broken program: exit 3, every diagnostic.
        broken = copy_program(source, work, "broken")
        with open(broken / "milestones" / "M02.yaml", "a", encoding="utf-8") as f:
            f.write("ownr: someone\n")
        done = run(binary, broken, "validate", "--format", "json", env=env)
        check(done.returncode == 3, "validate --format json of a broken program exited %d" % done.returncode)
        document = json.loads(done.stdout)
        valid(validator, document, "validate --format json (broken)")
        check(not document["valid"] and document["diagnostics"][0]["file"] == "milestones/M02.yaml",
              "validate --format json names milestones/M02.yaml: %s" % document)
        check(done.stderr == b"", "validate --format json wrote to stderr: %r" % done.stderr)
        table = run(binary, broken, "validate", env=env)
        check(table.returncode == 3 and b"milestones/M02.yaml:" in table.stderr, "validate (table) still reports")

        # Hostile values: a double-quoted YAML string can hold line breaks and escapes.
        hostile = copy_program(source, work, "hostile")
        name = r"x\n::error file=evil.yaml::injected\r\n::add-mask::%0A\e[31m\u2028::notice::y"
        inv = hostile / "invariants" / "zz-hostile.yaml"
        inv.write_text("category:\n  id: zz-hostile\n  name: Hostile\n  order: 99\ninvariants:\n"
                       "  - id: INV-991\n    name: \"%s\"\n    statement: \"%s\"\n"
                       "    coverage: strong\n    priority: P0\n" % (name, name), encoding="utf-8")
        for args in (["validate"], ["check", "--priority", "P3", "--require-verified"], ["close", "M02", "--dry-run"]):
            table = run(binary, hostile, *args, env=env)
            github = run(binary, hostile, *args, "--format", "github", env=env)
            what = "refactor-ledger %s --format github (hostile)" % " ".join(args)
            check(github.returncode == table.returncode, "%s exited %d, table %d"
                  % (what, github.returncode, table.returncode))
            only_our_commands(github.stdout.decode(errors="replace"), what)
            only_our_commands(github.stderr.decode(errors="replace"), what + " stderr")
            print("ok: %s (exit %d)" % (what, github.returncode))
        # The hostile name is loaded (else the test proves nothing), and escaped.
        done = run(binary, hostile, "check", "--priority", "P3", "--require-verified", "--format", "github", env=env)
        check("title=INV-991 unverified::x%0A::error file=evil.yaml::injected%0D%0A::add-mask::%250A\\x1b[31m\\u2028"
              in done.stdout.decode(errors="replace"), "the hostile name is escaped: %r" % done.stdout[-600:])
    for f in failures:
        print("FAIL: " + f)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
