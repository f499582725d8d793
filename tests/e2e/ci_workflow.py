#!/usr/bin/python3
"""Run the example workflow docs/ci/github-workflow.yml on a small program.

Usage: ci_workflow.py BINARY SOURCE_DIR

Reads the workflow, and runs each `run:` step of its job in order, with bash
as the runner does for `shell: bash` (bash --noprofile --norc -eo pipefail),
in a scratch git repository holding a copy of tests/fixtures/ci/program/,
with the built binary first on PATH, the variables the runner sets
(GITHUB_STEP_SUMMARY a temporary file, GITHUB_WORKSPACE, RUNNER_TEMP, ...)
and the workflow's `env:`. No network: the install step finds refactor-ledger
on PATH. `uses:` steps are skipped, only those of SKIPPED_ACTIONS. Each step
must exit as EXPECTED says (0 unless listed); a failed step without
continue-on-error stops the job, as on GitHub (later steps run only with
`if: always()`). Then checks the annotations, the SARIF log and the job
summary. Exits 1 on any failure.
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import yaml

# The actions the example may use; the test cannot run them (no network).
SKIPPED_ACTIONS = {"actions/checkout", "github/codeql-action/upload-sarif"}
# Steps the fixture is meant to fail, by name, with their exit code: M01 of
# the fixture has gates not met (its close is informational).
EXPECTED = {"Is the milestone ready to close?": 1}


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main():
    binary = os.path.abspath(sys.argv[1])
    source = pathlib.Path(sys.argv[2]).resolve()
    workflow = yaml.safe_load((source / "docs/ci/github-workflow.yml").read_text(encoding="utf-8"))
    # PyYAML reads the key `on` as True.
    if "jobs" not in workflow or not ({"on", True} & set(workflow)):
        fail("docs/ci/github-workflow.yml is not a workflow (no on: or jobs:)")
    if workflow.get("defaults", {}).get("run", {}).get("shell") != "bash":
        fail("the workflow's run steps must use shell: bash (this test runs them with bash)")
    jobs = workflow["jobs"]
    if len(jobs) != 1:
        fail("expected one job, found %s" % list(jobs))
    job_name, job = next(iter(jobs.items()))
    steps = job["steps"]
    names = [s.get("name") for s in steps]
    for name in EXPECTED:
        if name not in names:
            fail("expected step %r is not in the workflow" % name)

    with tempfile.TemporaryDirectory(prefix="rl-ci-workflow.") as tmp:
        tmp = pathlib.Path(tmp)
        work = tmp / "repo"
        shutil.copytree(source / "tests/fixtures/ci/program", work)
        bin_dir = tmp / "bin"
        bin_dir.mkdir()
        (bin_dir / "refactor-ledger").symlink_to(binary)
        runner_temp = tmp / "runner"
        runner_temp.mkdir()
        summary = tmp / "step_summary.md"
        summary.write_text("", encoding="utf-8")
        env = {
            "PATH": "%s:%s" % (bin_dir, os.environ.get("PATH", "/usr/bin:/bin")),
            "HOME": str(tmp),
            "LANG": "C.UTF-8",
            "GIT_AUTHOR_NAME": "ci", "GIT_AUTHOR_EMAIL": "ci@example.invalid",
            "GIT_COMMITTER_NAME": "ci", "GIT_COMMITTER_EMAIL": "ci@example.invalid",
            "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
            "CI": "true", "GITHUB_ACTIONS": "true",
            "GITHUB_WORKFLOW": workflow.get("name", "workflow"), "GITHUB_JOB": job_name,
            "GITHUB_WORKSPACE": str(work), "GITHUB_STEP_SUMMARY": str(summary),
            "RUNNER_TEMP": str(runner_temp),
            "SOURCE_DATE_EPOCH": "1772323200",
        }
        for key, value in (workflow.get("env") or {}).items():
            env[key] = str(value)
        for key, value in (job.get("env") or {}).items():
            env[key] = str(value)
        git = lambda *args: subprocess.run(["git", *args], cwd=work, env=env, check=True, capture_output=True)
        git("init", "-q", "-b", "main")
        git("add", "-A")
        git("commit", "-q", "-m", "the program")
        env["GITHUB_SHA"] = git("rev-parse", "HEAD").stdout.decode().strip()

        failed = False
        outputs = {}
        for step in steps:
            name = step.get("name", "(unnamed)")
            condition = str(step.get("if", "")).strip()
            if failed and condition not in ("always()", "${{ always() }}"):
                print("skipped after a failure: %s" % name)
                continue
            if "uses" in step:
                action = step["uses"].split("@")[0]
                if action not in SKIPPED_ACTIONS:
                    fail("step %r uses %s, which this test may not skip" % (name, step["uses"]))
                print("skipped (uses %s): %s" % (step["uses"], name))
                continue
            if "run" not in step:
                fail("step %r has neither run nor uses" % name)
            if "${{" in step["run"]:
                fail("step %r: expressions in run: are not run by this test; use the runner's variables" % name)
            step_env = dict(env)
            for key, value in (step.get("env") or {}).items():
                step_env[key] = str(value)
            run = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                 cwd=work, env=step_env, capture_output=True, timeout=120)
            out = run.stdout.decode(errors="replace")
            outputs[name] = out
            expected = EXPECTED.get(name, 0)
            print("step %r: exit %d (expected %d)" % (name, run.returncode, expected))
            if run.returncode != expected:
                fail("step %r exited %d, expected %d\nstdout:\n%s\nstderr:\n%s"
                     % (name, run.returncode, expected, out, run.stderr.decode(errors="replace")))
            if run.returncode != 0 and not step.get("continue-on-error"):
                failed = True

        # What the steps printed and wrote.
        close_out = outputs["Is the milestone ready to close?"]
        if "::error file=milestones/M01.yaml,line=2,col=3,title=M01 gate " not in close_out:
            fail("close --dry-run did not annotate milestones/M01.yaml:\n" + close_out)
        if "refactor-ledger validate: ok" not in outputs["Validate the program"]:
            fail("validate --format github said:\n" + outputs["Validate the program"])
        sarif = json.loads((work / "ledger.sarif").read_text(encoding="utf-8"))
        if sarif.get("version") != "2.1.0" or not sarif["runs"][0]["results"]:
            fail("ledger.sarif has no results at P1 with --require-verified")
        text = summary.read_text(encoding="utf-8")
        for heading in ("### refactor-ledger validate", "### refactor-ledger render", "### refactor-ledger check",
                        "### refactor-ledger close M01 --dry-run"):
            if heading not in text:
                fail("the job summary has no %r:\n%s" % (heading, text))
        if text.count("### refactor-ledger check") != 2:
            fail("the job summary should have both checks:\n" + text)
        if (work / ".ledger").exists() and subprocess.run(
                ["git", "status", "--porcelain", "--", "milestones", "invariants", "REFACTOR.md"],
                cwd=work, env=env, capture_output=True).stdout:
            fail("the workflow changed committed files")
    print("ok: every run step of docs/ci/github-workflow.yml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
