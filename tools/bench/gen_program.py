#!/usr/bin/env python3
"""Write a synthetic refactor-ledger program for benchmarking.

Usage: tools/bench/gen_program.py OUT N

OUT receives milestones/ and invariants/ holding a valid program with N
invariants and, in proportion, N/10 milestones, N/100 risks and N/100
deferrals (at least one of each). The shape follows the shipped example
(milestones/*.yaml, invariants/*.yaml): 5 phases, 5 score dimensions, a few
repository facts, one file per milestone, the first 10% of the milestones
to be closed (listed in OUT/adopt.txt, with a score row: the benchmarks record
them with `refactor-ledger close $(cat OUT/adopt.txt) --adopt ...`, since a
milestone is closed only by its closeout record), each milestone depending on the
previous one or two and protecting a few invariants, invariants spread over 10
category files (invariants/cat-K.yaml) with every field filled, and
recommendations that point at existing milestones.

The output is deterministic: the same N gives byte-identical files. Only the
Python standard library is used. Existing milestones/ and invariants/ folders
under OUT are replaced.
"""

import datetime
import json
import os
import random
import re
import shutil
import sys

SEED = 20260208
START = datetime.date(2026, 2, 8)

# ---- YAML scalars -------------------------------------------------------------

_PLAIN_RESERVED = {
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
}
_PLAIN_OK = re.compile(r"^[A-Za-z./][^\n]*$")
_NUMBERISH = re.compile(r"^[-+]?[0-9.,_]+$")


def scalar(text):
    """A YAML scalar for text: plain when that reads back as the same text, else double-quoted."""
    text = str(text)
    if (
        _PLAIN_OK.match(text)
        and ": " not in text
        and " #" not in text
        and not text.endswith((" ", ":"))
        and text.lower() not in _PLAIN_RESERVED
        and not _NUMBERISH.match(text)
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def block(text, indent):
    """A literal block scalar (`|`) for multi-line Markdown, indented by `indent` spaces."""
    pad = " " * indent
    lines = text.rstrip("\n").split("\n")
    return "|\n" + "\n".join((pad + line) if line else "" for line in lines)


class Out:
    """Accumulates YAML lines."""

    def __init__(self):
        self.lines = []

    def __call__(self, line=""):
        self.lines.append(line)

    def text(self):
        return "\n".join(self.lines) + "\n"


def put_list(out, indent, key, items):
    pad = " " * indent
    if not items:
        return
    out(f"{pad}{key}:")
    for item in items:
        out(f"{pad}  - {scalar(item)}")


# ---- vocabulary ---------------------------------------------------------------

CATEGORIES = [
    ("api-stability", "API Stability"),
    ("backward-compatibility", "Backward Compatibility"),
    ("numerical-correctness", "Numerical Correctness"),
    ("serialization", "Serialization"),
    ("device-hardware", "Device & Hardware"),
    ("distributed", "Distributed"),
    ("build-packaging", "Build & Packaging"),
    ("performance", "Performance"),
    ("documentation-types", "Documentation & Types"),
    ("security-supply-chain", "Security & Supply Chain"),
]

SURFACES = [
    "`torch.nn.Module`", "`torch.autograd.Function`", "`torch.Tensor` methods",
    "`torch.serialization.save` / `torch.load`", "`torch.distributed` collectives",
    "`torch.cuda` device APIs", "`torch.fx` graph transforms", "`torch.export` exported programs",
    "`torch.jit.script` / TorchScript IR", "`aten::` operator schemas", "`c10::` core types",
    "`torch.optim` optimizers", "`torch.utils.data.DataLoader`", "`torch.onnx` exporter",
    "`torch._dynamo` guards", "`torch.compile` backends", "`torch.sparse` layouts",
    "`torch.fft` transforms", "`torch.linalg` decompositions", "`torch.quantization` observers",
    "`setup.py` / CMake build", "wheel metadata (`METADATA`, `RECORD`)", "`torchgen` codegen",
    "`.github/workflows/*.yml`", "`torch.package` archives", "`torch.hub` entry points",
]

PROPERTIES = [
    "public signatures", "default argument values", "dtype promotion rules", "error messages",
    "state_dict keys", "pickle protocol compatibility", "gradient formulas",
    "determinism under fixed seeds", "memory format (contiguous / channels_last)",
    "stream and event semantics", "collective ordering", "rank-to-device mapping",
    "ABI symbol visibility", "operator registration order", "deprecation warnings",
    "import-time side effects", "thread-pool sizing", "peak memory for fixed-size inputs",
    "docstring examples", "type annotations", "hash-pinned dependencies",
]

VERBS = [
    "must not change", "must remain stable", "must be preserved", "must stay bit-identical",
    "must keep producing the same result", "must not regress", "must be verified",
]

CONDITIONS = [
    "without a full deprecation cycle", "across minor releases", "for every supported Python version",
    "on CPU, CUDA and ROCm backends", "when loading checkpoints written by the previous two releases",
    "under `torch.compile` as in eager mode", "with and without `TORCH_USE_CUDA_DSA`",
    "for all dtypes listed in the operator schema", "when the world size changes between runs",
    "in both debug and release builds", "for inputs up to 2^31 elements",
]

METHODS = ["static", "dynamic", "integration", "numerical", "snapshot", "policy", "benchmark"]

METHOD_TEXT = {
    "static": [
        "Compare signatures before/after refactor using `inspect.signature()`",
        "AST scan of public modules for removed or renamed names",
        "Diff of generated operator schemas (`native_functions.yaml`)",
    ],
    "dynamic": [
        "Run the unit tests in `test/test_{0}.py` on every PR",
        "Exercise every public entry point with random inputs under `pytest -x`",
        "Smoke-import all submodules in a clean virtual environment",
    ],
    "integration": [
        "End-to-end training of a reference model for 100 steps",
        "Round-trip a checkpoint through save, load and resume",
        "Multi-process run with `torchrun --nproc_per_node=2`",
    ],
    "numerical": [
        "Compare against float64 reference implementation with rtol=1e-5",
        "Gradient check with `torch.autograd.gradcheck` on double inputs",
        "Bitwise comparison of outputs under `torch.use_deterministic_algorithms(True)`",
    ],
    "snapshot": [
        "Golden files under `test/golden/{0}/` compared byte for byte",
        "Snapshot of `state_dict()` keys for the model zoo",
        "Recorded ONNX graphs compared node by node",
    ],
    "policy": [
        "Reviewer checklist item in the PR template",
        "CODEOWNERS approval required for `{0}` paths",
        "Deprecation registry entry required before removal",
    ],
    "benchmark": [
        "`benchmarks/operator_benchmark/` run nightly with a 5% threshold",
        "Peak memory measured with `torch.cuda.max_memory_allocated()`",
        "`benchmarks/dynamo/` suite compared with the previous nightly",
    ],
}

COVERAGE_NOTES = {
    "strong": ["comprehensive tests exist", "enforced in CI on every PR", "covered by golden files"],
    "partial": ["tests exist but are not run on every PR", "only CPU paths are covered",
                "covered for float32 only"],
    "weak": ["a few ad-hoc tests", "manual verification at release time", "covered by docs only"],
    "missing": ["no automated check", "no test infrastructure yet", "not measured"],
}

ACTIONS = [
    "Add golden-file test", "Add ABI checker", "Add perf gate", "Add mem test", "Add CI job",
    "Document policy", "Add fuzz test", "Add type check", "Pin dependencies", "Add gradcheck",
]

MODULES = [
    "nn", "autograd", "serialization", "distributed", "cuda", "fx", "export", "jit", "optim",
    "data", "onnx", "dynamo", "sparse", "fft", "linalg", "quantization", "package", "hub",
]

TITLE_VERBS = [
    "Add", "Harden", "Extract", "Consolidate", "Verify", "Document", "Pin", "Refactor", "Isolate",
    "Deduplicate", "Gate", "Migrate",
]
TITLE_OBJECTS = [
    "Import Smoke Test", "Workflow Linting", "Silent Failure Detection", "Action SHA Pinning",
    "Serialization Golden Files", "Operator Schema Snapshot", "Gradient Check Suite",
    "Distributed Smoke Test", "CUDA Stream Semantics Tests", "Deprecation Registry",
    "Dependency Audit", "SBOM Generation", "ABI Baseline", "Perf Regression Gate",
    "Memory Regression Test", "Doctest Coverage", "Type Stub Coverage", "Codegen Consolidation",
    "Device Abstraction Layer", "Dynamo Import Hooks", "Module Hook API", "Build Reproducibility",
]

CHANGE_CLASSES = [
    "documentation-only", "verification-only", "mechanical-refactor", "behavioral-change",
    "ci-change",
]
PRIORITIES = ["P0", "P1", "P2", "P3"]
PRIORITY_WEIGHTS = [2, 4, 3, 1]
COVERAGES = ["strong", "partial", "weak", "missing"]
COVERAGE_WEIGHTS = [3, 4, 2, 1]

PHASES = [
    (0, "Foundation", "Establish baseline governance and minimal verification without requiring a build."),
    (1, "CI Health & Guardrails", "Improve CI reliability, eliminate silent failures, secure the supply chain."),
    (2, "Test Infrastructure", "Close critical testing gaps identified in the audit."),
    (3, "Verification Infrastructure", "Add missing verification for critical invariants."),
    (4, "Structural Refactors", "After safety infrastructure is in place, begin architectural improvements."),
]

FILLER = [
    "The change is scoped so that it can be reverted with a single commit.",
    "Evidence is recorded in the milestone folder and linked from the living log.",
    "No public API is touched; behavior preservation is checked by the existing suite.",
    "CI is treated as the truth signal: a red run blocks the closeout.",
    "Any gap found along the way is recorded as a deferral rather than fixed in place.",
    "The audit pack remains the reference for scope decisions.",
    "Reviewers confirm that the blast radius matches the declared paths.",
    "Work is split into PR-sized steps, each with its own verification.",
]


def date(offset_days):
    return (START + datetime.timedelta(days=offset_days)).isoformat()


def width(count, minimum):
    return max(minimum, len(str(count)))


class Program:
    def __init__(self, n):
        self.n = n
        self.rng = random.Random(SEED)
        self.n_milestones = max(1, n // 10)
        self.n_risks = max(1, n // 100)
        self.n_deferrals = max(1, n // 100)
        self.n_closed = max(1, self.n_milestones // 10)
        self.mw = width(self.n_milestones - 1, 2)
        self.iw = width(n, 3)
        self.rw = width(self.n_risks, 2)
        self.dw = width(self.n_deferrals, 2)

    # ids
    def mid(self, j):
        return f"M{j:0{self.mw}d}"

    def inv(self, i):
        return f"INV-{i:0{self.iw}d}"

    def hexsha(self, length):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(length - 1)) + self.rng.choice("abcdef")

    def sentence(self):
        return self.rng.choice(FILLER)

    def phase_of(self, j):
        return j * len(PHASES) // self.n_milestones

    def status_of(self, j):
        if j < self.n_closed:
            return "closed"
        if j == self.n_closed:
            return "in_progress"
        h = (j * 2654435761) % 100
        if h < 5:
            return "deferred"
        if h < 7:
            return "cancelled"
        return "planned"

    # ---- program.yaml -------------------------------------------------------------

    def program_yaml(self):
        o = Out()
        o("# Synthetic program written by tools/bench/gen_program.py (benchmark input).")
        o("program:")
        o(f"  name: Synthetic Refactoring Program {self.n}")
        o(f"  title: {scalar(f'Synthetic Refactoring Program {self.n} — Living Log')}")
        o("  repository: example/monorepo")
        o("  fork: bench/monorepo")
        o(f"  start: {date(0)}")
        o(f"  baseline_commit: {self.hexsha(40)}")
        o("  outputs:")
        o("    log: REFACTOR.md")
        o("    toolcalls: docs/refactor/toolcalls.md")
        o("    milestone_docs: docs/refactor/milestones")
        o("  context_title: Project Context — AI-Native Refactoring Program")
        context = (
            "This project applies an **AI-native, audit-first refactoring methodology** to an existing, "
            "large-scale production codebase.\n\n"
            "The program is **not greenfield**. The default posture is **behavior preservation**, with all "
            "changes evaluated against explicitly declared **invariants**, **blast-radius awareness**, and "
            "**verifiable evidence** (tests, CI signals, documented gaps).\n\n"
            "Work proceeds in **small, non-overlapping milestones**, each with:\n\n"
            "* a clearly stated intent and scope boundary,\n"
            "* explicit non-goals,\n"
            "* defined verification methods,\n"
            "* and a safe rollback plan.\n\n"
            "The program tracks {{milestone_count}} milestones and {{invariant_count}} invariants."
        )
        o(f"  context: {block(context, 4)}")
        governance = (
            "**This document (`REFACTOR.md`)** = Living refactor log (updated after each milestone)\n\n"
            "**Audit Pack (`docs/refactor/audit/`)** = Immutable baseline (Phase 0 snapshot)"
        )
        o(f"  governance: {block(governance, 4)}")
        o("  references:")
        for title, path in [
            ("Baseline Audit", "docs/refactor/audit/BASELINE_AUDIT.md"),
            ("System Surfaces", "docs/refactor/audit/SYSTEM_SURFACES.md"),
            ("Invariants Catalog", "docs/refactor/audit/INVARIANTS_CATALOG.md"),
            ("Milestone Roadmap", "docs/refactor/audit/REFACTOR_PHASE_MAP.md"),
        ]:
            o(f"    - title: {scalar(title)}")
            o(f"      path: {scalar(path)}")
        o("  principles:")
        for title, text in [
            ("Behavior Preservation First", "All changes must prove correctness"),
            ("Evidence-Based Decisions", "No changes without measurable justification"),
            ("Small, Verifiable Milestones", "PR-sized work with clear rollback"),
            ("Invariant Protection", "{{invariant_count}} cataloged invariants must be verified"),
            ("CI as Truth Signal", "Green CI is necessary, not sufficient"),
        ]:
            o(f"    - title: {scalar(title)}")
            o(f"      text: {scalar(text)}")
        deprecation = (
            "**Standard Cycle:** 2 releases\n"
            "- Release N: Add deprecation warning\n"
            "- Release N+1: Warning remains\n"
            "- Release N+2: Remove deprecated feature"
        )
        o(f"  deprecation_policy: {block(deprecation, 4)}")
        o(f"  tool_logging: {block('All tool invocations are logged in: [`docs/refactor/toolcalls.md`](docs/refactor/toolcalls.md)', 4)}")
        recovery = (
            "If session is interrupted:\n\n"
            "1. Read `docs/refactor/toolcalls.md` for last recorded action\n"
            "2. Report: last action, next planned action, completion status\n"
            "3. Wait for user confirmation before resuming"
        )
        o(f"  recovery_protocol: {block(recovery, 4)}")
        o(f"  risks_intro: {scalar('From baseline audit, top risks requiring mitigation:')}")
        o("  score_targets_label: Post-Phase 3")
        o("")
        o("scores:")
        for sid, name, target, text in [
            ("architecture", "Architecture", 8, "Maintain 8/10"),
            ("tests", "Tests", 8, "Improve to 8/10"),
            ("ci", "CI", 8, "Maintain 8/10"),
            ("security", "Security", 7, "Improve to 7/10"),
        ]:
            o(f"  - id: {sid}")
            o(f"    name: {name}")
            o("    kind: numeric")
            o("    max: 10")
            o(f"    target: {target}")
            o(f"    target_text: {scalar(text)}")
        o("  - id: velocity")
        o("    name: Velocity")
        o("    kind: label")
        o(f"    target_text: {scalar('Establish baseline after ' + self.mid(min(1, self.n_milestones - 1)))}")
        o("")
        o("facts:")
        for metric, value, source, as_of in [
            ("Total Tracked Files", f"{self.n * 20:,}", "`git ls-files`", 0),
            ("Python Files", f"{self.n * 4:,}", "File count", 0),
            ("C/C++ Files", f"{self.n * 4 + 187:,}", "File count", 0),
            ("CI Workflows", "130+", "`.github/workflows/`", 0),
            ("Estimated Test Coverage", "70-75%", "CI inference", 0),
            ("Estimated Test Coverage", "76%", "Coverage run", 30),
        ]:
            o(f"  - metric: {scalar(metric)}")
            o(f"    value: {json.dumps(value)}")
            o(f"    source: {scalar(source)}")
            o(f"    as_of: {date(as_of)}")
        o("")
        o("phases:")
        for pid, name, goal in PHASES:
            o(f"  - id: {pid}")
            o(f"    name: {scalar(name)}")
            o(f"    goal: {scalar(goal)}")
            if pid == PHASES[-1][0]:
                o("    future:")
                base = self.n_milestones
                for k, what in enumerate([
                    "Extract `torch.distributed` into a separate repository (if desired)",
                    "Migrate legacy code to the main namespace",
                    "Unify device abstractions",
                ]):
                    o(f"      - {scalar(f'M{base + k:0{self.mw}d}: {what}')}")
        return o.text()

    # ---- milestones ------------------------------------------------------------------

    def protected_for(self, j):
        """A few invariants per milestone, roughly in catalog order, all distinct."""
        count = 2 + (j % 4)
        centre = j * self.n // self.n_milestones
        picks = set()
        while len(picks) < min(count, self.n):
            picks.add(1 + (centre + self.rng.randrange(-20, 40)) % self.n)
        return sorted(picks)

    def milestone_yaml(self, j):
        rng = self.rng
        m = self.mid(j)
        status = self.status_of(j)
        closed = status == "closed"
        module = rng.choice(MODULES)
        o = Out()
        o("# Synthetic milestone (tools/bench/gen_program.py).")
        o("milestone:")
        o(f"  id: {m}")
        o(f"  title: {scalar(rng.choice(TITLE_VERBS) + ' ' + rng.choice(TITLE_OBJECTS) + ' for `torch.' + module + '`')}")
        o(f"  phase: {self.phase_of(j)}")
        # Closed milestones are written in progress; their closeout record closes them.
        o(f"  status: {'in_progress' if closed else status}")
        o(f"  priority: {rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0]}")
        estimate = rng.choice([2, 4, 6, 8, 12, 16, 20, 24, 40])
        o("  effort:")
        o(f"    estimate: {estimate}")
        if closed:
            o(f"    actual: {estimate + rng.choice([-1, 0, 0, 1, 2, 4])}")
            o(f"    note: {scalar('implementation, CI iterations and closeout documents')}")
        deps = [self.mid(k) for k in range(max(0, j - 1 - (j % 2)), j)]
        if deps:
            o(f"  depends_on: [{', '.join(deps)}]")
        o(f"  change_class: {rng.choice(CHANGE_CLASSES)}")
        if closed and j == 0:
            o("  mode: BASELINE RESET")
        o(f"  risk: {rng.choice(['Low', 'Medium', 'High', 'Low-Medium'])}")
        o(f"  rollback: {scalar(rng.choice(['Revert the merge commit', 'Delete the new workflow file', 'Remove the test files', 'Restore the previous lock file']))}")
        intent = (
            f"Make `torch.{module}` safer to refactor by adding the verification it lacks. "
            f"{self.sentence()} {self.sentence()}"
        )
        o(f"  intent: {block(intent, 4)}")
        o("  scope:")
        o(f"    summary: {scalar(rng.choice(['Documentation & audit only', 'Tests only', 'CI workflows only', 'Mechanical moves, no behavior change']))}")
        put_list(o, 4, "in", [
            f"Add tests under `test/{module}/`",
            f"Wire them into `.github/workflows/{module}-smoke.yml`",
            "Record results in the milestone summary",
        ])
        if closed:
            put_list(o, 4, "out", ["No behavior changes", "No dependency upgrades"])
        put_list(o, 4, "paths", [f"test/{module}/**", f".github/workflows/{module}-smoke.yml"])
        if closed:
            put_list(o, 2, "non_goals", ["No refactors", "No formatting sweeps", "No performance work"])
        o("  deliverables:")
        o(f"    - text: {scalar(f'Smoke test for `torch.{module}`')}")
        o(f"      path: test/{module}/test_smoke.py")
        if closed:
            o("      done: true")
        o(f"    - text: {scalar('Milestone summary and audit')}")
        o(f"      path: docs/refactor/milestones/{m}/{m}_summary.md")
        if closed:
            o("      done: true")
        protected = self.protected_for(j)
        o("  invariants:")
        if closed and j % 3 == 0:
            o(f"    introduced: [{self.inv(protected[0])}]")
        o(f"    protected: [{', '.join(self.inv(i) for i in protected)}]")
        if closed:
            o("    verified:")
            for i in protected[:2]:
                o(f"      - id: {self.inv(i)}")
                o(f"        note: {scalar('Smoke test exits 0 on all supported platforms')}")
                o("        metrics:")
                o(f"          files_scanned: {rng.randrange(100, 5000)}")
                o(f"          failures: 0")
        put_list(o, 2, "verification_plan", [
            f"Run `pytest test/{module}/test_smoke.py` in CI",
            "Introduce an intentional failure and verify CI catches it",
        ])
        if closed:
            put_list(o, 2, "verification", [
                "All scope boundaries honored",
                "All invariants preserved (zero behavioral impact)",
                "CI green on the merge commit",
            ])
            later = min(self.n_milestones - 1, j + 3 + rng.randrange(10))
            o("  evidence_gaps:")
            o(f"    - text: {scalar('No coverage metrics for the new tests')}")
            o(f"      deferred_to: {self.mid(later)}")
            o("  findings:")
            o("    - label: Wins")
            o(f"      text: {scalar(self.sentence())}")
            o("    - label: Gaps")
            o(f"      text: {scalar(self.sentence())}")
            put_list(o, 2, "outcome", [self.sentence(), f"Ready to proceed to {self.mid(min(j + 1, self.n_milestones - 1))}"])
        put_list(o, 2, "notes", [self.sentence()])
        if closed:
            o("  see:")
            o("    - title: Audit Pack Index")
            o("      path: docs/refactor/audit/README.md")
            day = 1 + j
            o("  merge:")
            o(f"    pr: {j + 1}")
            o("    repository: bench/monorepo")
            o(f"    commit: {self.hexsha(11)}")
            o("  commits:")
            o(f"    - sha: {self.hexsha(11)}")
            o(f"      message: {scalar(f'feat({m}): add smoke test for torch.{module}')}")
            o("  ci:")
            o(f"    workflow: .github/workflows/{module}-smoke.yml")
            o("    runs:")
            o("      - number: 1")
            o(f"        id: {21794076924 + j * 7}")
            o("        conclusion: failure")
            o(f"        issue: {scalar('pytest not installed')}")
            o(f"        fix: {scalar('use stdlib unittest')}")
            o(f"        commit: {self.hexsha(11)}")
            o("      - number: 2")
            o(f"        id: {21794076925 + j * 7}")
            o("        conclusion: success")
            o("  score:")
            o(f"    date: {date(day)}")
            o(f"    label: {scalar(m + ' (Baseline)' if j == 0 else m)}")
            o("    values:")
            base = [8, 7, 8, 6]
            for k, sid in enumerate(["architecture", "tests", "ci", "security"]):
                o(f"      {sid}: {min(10, base[k] + (j * (k + 1) // 7) % 3)}")
            o(f"      velocity: {scalar('N/A' if j == 0 else rng.choice(['High', 'Medium', 'Low']))}")
        return o.text()

    # ---- risks and deferrals ------------------------------------------------------

    def risks_yaml(self):
        rng = self.rng
        o = Out()
        o("# Synthetic risks (tools/bench/gen_program.py).")
        o("risks:")
        for r in range(1, self.n_risks + 1):
            status = rng.choice(["active", "active", "mitigated", "resolved", "accepted"])
            first = rng.randrange(self.n_milestones)
            span = rng.choice([1, 1, 2, 3])
            ms = [self.mid(k) for k in range(first, min(self.n_milestones, first + span))]
            o(f"  - id: I{r:0{self.rw}d}")
            o(f"    title: {scalar(rng.choice(['Silent CI failures in', 'Unpinned actions in', 'Missing tests for', 'Undocumented behavior of']) + ' `torch.' + rng.choice(MODULES) + '`')}")
            o(f"    priority: {rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0]}")
            o(f"    status: {status}")
            o(f"    milestones: [{', '.join(ms)}]")
            if r % 3 == 0:
                o("    milestones_note: mitigation")
            invs = sorted({1 + rng.randrange(self.n) for _ in range(rng.randrange(1, 4))})
            o(f"    invariants: [{', '.join(self.inv(i) for i in invs)}]")
            desc = f"{self.sentence()} {self.sentence()} Guardrail: every change in this area needs a CI-validated test."
            o(f"    description: {block(desc, 6)}")
            o("    history:")
            o(f"      - date: {date(0)}")
            o("        status: active")
            o(f"        milestone: {self.mid(0)}")
            o("        note: Identified in baseline audit")
            if status != "active":
                o(f"      - date: {date(1 + first)}")
                o(f"        status: {status}")
                o(f"        milestone: {ms[0]}")
                o(f"        note: {scalar(self.sentence())}")
        return o.text()

    def deferrals_yaml(self):
        rng = self.rng
        o = Out()
        o("# Synthetic deferrals (tools/bench/gen_program.py).")
        o("deferrals:")
        for d in range(1, self.n_deferrals + 1):
            found = rng.randrange(self.n_closed)
            # Some are deferred to milestones that already closed (overdue), most to later ones.
            to = rng.randrange(found, self.n_milestones)
            o(f"  - id: D{d:0{self.dw}d}")
            o(f"    what: {scalar(rng.choice(['Coverage metrics for', 'Lint rule audit of', 'Version numbering for', 'ABI baseline of']) + ' `torch.' + rng.choice(MODULES) + '`')}")
            o(f"    why: {scalar(self.sentence())}")
            o(f"    risk: {scalar(rng.choice(['Minor supply-chain risk', 'Regression may go unnoticed', 'Low: documentation only']))}")
            o(f"    discovered_in: {self.mid(found)}")
            o(f"    deferred_to: {self.mid(to)}")
            o(f"    exit_criteria: {scalar('A CI job enforces it and the audit entry is closed')}")
            o(f"    blocker: {'true' if d % 7 == 0 else 'false'}")
            o(f"    status: {rng.choice(['open', 'open', 'open', 'resolved', 'dropped'])}")
            o(f"    source_ref: CI-{d:03d}")
        return o.text()

    # ---- invariants -----------------------------------------------------------------

    def invariant_lines(self, o, i):
        rng = self.rng
        prop = rng.choice(PROPERTIES)
        surface = rng.choice(SURFACES)
        module = rng.choice(MODULES)
        o(f"  - id: {self.inv(i)}")
        o(f"    name: {scalar(prop[0].upper() + prop[1:] + ' of ' + surface.replace('`', ''))}")
        statement = f"The {prop} of {surface} {rng.choice(VERBS)} {rng.choice(CONDITIONS)}."
        o(f"    statement: {scalar(statement)}")
        o(f"    surface: {scalar(surface + ' (all non-underscore-prefixed names)')}")
        o("    verification:")
        for method in rng.sample(METHODS, rng.choice([1, 2, 2, 3])):
            o(f"      - method: {method}")
            o(f"        text: {scalar(rng.choice(METHOD_TEXT[method]).format(module))}")
        coverage = rng.choices(COVERAGES, COVERAGE_WEIGHTS)[0]
        o(f"    coverage: {coverage}")
        o(f"    coverage_note: {scalar(rng.choice(COVERAGE_NOTES[coverage]))}")
        o(f"    priority: {rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0]}")
        put_list(o, 4, "notes", [self.sentence(), f"Refactors touching `torch/{module}/` must cite this invariant"])
        target = min(self.n_milestones - 1, max(0, i * self.n_milestones // self.n + rng.randrange(-3, 4)))
        action = rng.choice(ACTIONS)
        o("    recommendation:")
        o(f"      action: {scalar(action)}")
        o(f"      text: {scalar(f'{action} for {surface} and make it a required check')}")
        o(f"      milestone: {self.mid(target)}")
        o(f"    statement_changed: {date(rng.randrange(0, 60))}")

    def category_yaml(self, k, first, last):
        cid, name = CATEGORIES[k]
        o = Out()
        o("# Synthetic invariant catalog (tools/bench/gen_program.py).")
        o("category:")
        o(f"  id: {cid}")
        o(f"  name: {scalar(name)}")
        o(f"  order: {k + 1}")
        o("invariants:")
        for i in range(first, last + 1):
            self.invariant_lines(o, i)
        return o.text()

    # ---- output -----------------------------------------------------------------------

    def write(self, out_dir):
        ms_dir = os.path.join(out_dir, "milestones")
        inv_dir = os.path.join(out_dir, "invariants")
        for d in (ms_dir, inv_dir):
            if os.path.isdir(d):
                shutil.rmtree(d)
            os.makedirs(d)

        def put(path, text):
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)

        put(os.path.join(ms_dir, "program.yaml"), self.program_yaml())
        for j in range(self.n_milestones):
            put(os.path.join(ms_dir, f"{self.mid(j)}.yaml"), self.milestone_yaml(j))
        put(os.path.join(ms_dir, "risks.yaml"), self.risks_yaml())
        put(os.path.join(ms_dir, "deferrals.yaml"), self.deferrals_yaml())
        put(os.path.join(out_dir, "adopt.txt"), "".join(self.mid(j) + "\n" for j in range(self.n_closed)))
        cats = len(CATEGORIES)
        for k in range(cats):
            first = 1 + k * self.n // cats
            last = (k + 1) * self.n // cats
            if last >= first:
                put(os.path.join(inv_dir, f"cat-{k + 1}.yaml"), self.category_yaml(k, first, last))


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: gen_program.py OUT N\n")
        return 2
    try:
        n = int(argv[2])
    except ValueError:
        n = 0
    if n < 1:
        sys.stderr.write("gen_program.py: N must be a positive integer\n")
        return 2
    Program(n).write(argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
