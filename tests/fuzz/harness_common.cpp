#include "fuzz/harness.hpp"

#include "store/database.hpp"
#include "store/definitions_repo.hpp"
#include "store/migrations.hpp"
#include "util/diagnostic.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <cmath>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <stdexcept>
#include <typeinfo>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <sqlite3.h>

namespace rl::fuzz {

namespace {

bool g_throw_findings = false;

} // namespace

void
set_throw_findings(bool on)
{
  g_throw_findings = on;
}

void
finding(const std::string& what)
{
  if (g_throw_findings) {
    throw Finding(what);
  }
  std::fprintf(stderr, "rl-fuzz finding: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

void
check_metrics(const std::vector<evidence::MetricRecord>& metrics)
{
  for (const evidence::MetricRecord& m : metrics) {
    if (!std::isfinite(m.value)) {
      finding("metric " + m.name + " is not a finite number: " + std::to_string(m.value));
    }
  }
}

void
expect_input_error_only(const std::function<void()>& body)
{
  try {
    body();
  } catch (const util::InputError&) {
    // Invalid input, refused as it must be (exit 3).
  } catch (const Finding&) {
    throw;
  } catch (const util::StoreError& e) {
    finding(std::string("StoreError (exit 4) from input: ") + e.what());
  } catch (const util::UsageError& e) {
    finding(std::string("UsageError (exit 2) from input: ") + e.what());
  } catch (const std::exception& e) {
    finding(std::string("unexpected exception (exit 70) ") + typeid(e).name() + ": " + e.what());
  } catch (...) {
    finding("unexpected non-std exception (exit 70)");
  }
}

// The golden case query_readonly's input (tests/golden/query_readonly/input):
// a program that loads without errors, with M00 closed by its record.
const std::vector<ContextFile>&
tiny_program()
{
  static const std::vector<ContextFile> files = {
    {"milestones/program.yaml", R"ctx(program:
  name: Tiny Program
  repository: example/tiny
  start: 2026-01-05
  baseline_commit: abc1234
  context: |
    A tiny program used by the golden tests. It protects {{invariant_count}} invariants
    across {{milestone_count}} milestones.
scores:
  - id: tests
    name: Tests
    target: 8
facts:
  - metric: Source files
    value: 42
    as_of: 2026-01-05
phases:
  - id: 0
    name: Foundation
    goal: Establish the baseline
  - id: 1
    name: Cleanup
)ctx"},
    {"milestones/M00.yaml", R"ctx(milestone:
  id: M00
  title: Baseline Audit
  phase: 0
  priority: P0
  effort:
    estimate: 2
    actual: 3
  intent: |
    Record the starting point.
  invariants:
    introduced: [INV-001, INV-002]
  score:
    date: 2026-01-06
    values: {tests: 5}
)ctx"},
    {"milestones/M01.yaml", R"ctx(milestone:
  id: M01
  title: Import Smoke Test
  phase: 0
  status: in_progress
  priority: P1
  effort:
    estimate: 4
  depends_on: [M00]
  intent: |
    Check that every module imports.
  invariants:
    protected: [INV-001]
)ctx"},
    {"milestones/M02.yaml", R"ctx(milestone:
  id: M02
  title: Remove Dead Code
  phase: 1
  status: planned
  priority: P2
  effort:
    estimate: 6
  depends_on: [M01]
  intent: |
    Delete unused modules.
  invariants:
    protected: [INV-002]
)ctx"},
    {"milestones/risks.yaml", R"ctx(risks:
  - id: I01
    title: No local build
    priority: P0
    status: active
    milestones: [M01]
    invariants: [INV-001]
  - id: I02
    title: Flaky tests
    priority: P2
    status: mitigated
)ctx"},
    {"invariants/core.yaml", R"ctx(category:
  id: core
  name: Core
  order: 1
invariants:
  - id: INV-001
    name: Public imports
    statement: Every public module imports without error.
    coverage: strong
    priority: P0
  - id: INV-002
    name: CLI exit codes
    statement: Exit codes do not change.
    coverage: partial
    priority: P1
    recommendation:
      action: Add exit-code tests
      milestone: M02
  - id: INV-003
    name: Config format
    statement: Old config files still load.
    coverage: missing
    priority: P0
)ctx"},
    {"milestones/M00.closeout.json", R"ctx({
  "format": "refactor-ledger.closeout/1",
  "milestone": "M00",
  "events": [
    {
      "event": "adopt",
      "date": "2026-01-06",
      "at": "2026-01-06T12:00:00Z",
      "by": "tester",
      "commit": "a1b2c3d4e5f6",
      "base_commit": "",
      "verdict": "PASS",
      "reason": "closed before the ledger existed",
      "definition": {
        "base_commit": "",
        "change_class": "",
        "ci": {
          "runs": [],
          "workflow": ""
        },
        "commits": [],
        "deliverables": [],
        "depends_on": [],
        "effort": {
          "actual": 3.0,
          "estimate": 2.0,
          "note": ""
        },
        "evidence_gaps": [],
        "findings": [],
        "gates": {},
        "id": "M00",
        "intent": "Record the starting point.\n",
        "invariants": [
          {
            "id": "INV-001",
            "metrics": [],
            "note": "",
            "role": "introduced"
          },
          {
            "id": "INV-002",
            "metrics": [],
            "note": "",
            "role": "introduced"
          }
        ],
        "merge": null,
        "mode": "",
        "non_goals": [],
        "notes": [],
        "outcome": [],
        "phase": "0",
        "priority": "P0",
        "risk": "",
        "rollback": "",
        "scope": {
          "in": [],
          "out": [],
          "paths": [],
          "summary": ""
        },
        "see": [],
        "title": "Baseline Audit",
        "verification": [],
        "verification_plan": []
      },
      "gates": [],
      "invariants": [
        {
          "id": "INV-001",
          "name": "Public imports",
          "status": "unverified",
          "reasons": [
            "no verification rules (add 'verify:' to the invariant)"
          ]
        },
        {
          "id": "INV-002",
          "name": "CLI exit codes",
          "status": "unverified",
          "reasons": [
            "no verification rules (add 'verify:' to the invariant)"
          ]
        }
      ],
      "ci_runs": [],
      "approvals": [],
      "score": {
        "date": "2026-01-06",
        "label": "M00",
        "values": {
          "tests": 5.0
        }
      },
      "deferrals": [],
      "risks": [],
      "artifacts": [
        "docs/refactor/milestones/M00/M00_summary.md",
        "docs/refactor/milestones/M00/M00_audit.md"
      ],
      "next_milestone": "M01 — Import Smoke Test",
      "registry": [],
      "log": [
        {
          "id": "99daa9c61dbfaa8b",
          "at": "2026-01-06T12:00:00Z",
          "user": "root",
          "action": "load",
          "milestone": "",
          "command": "refactor-ledger close M00 --adopt --commit a1b2c3d4e5f6 --date 2026-01-06 --by tester --reason 'closed before the ledger existed'",
          "commit": "",
          "summary": "definitions loaded from 6 files"
        },
        {
          "id": "7e8aa227f1a3c31a",
          "at": "2026-01-06T12:00:00Z",
          "user": "tester",
          "action": "adopt",
          "milestone": "M00",
          "command": "refactor-ledger close M00 --adopt --commit a1b2c3d4e5f6 --date 2026-01-06 --by tester --reason 'closed before the ledger existed'",
          "commit": "",
          "summary": "M00 recorded as closed 2026-01-06 at a1b2c3d4e5f6 (gates not evaluated)"
        }
      ]
    }
  ]
}
)ctx"},
  };
  return files;
}

std::vector<loader::SourceText>
tiny_program_sources(const std::vector<std::string>& without)
{
  std::vector<loader::SourceText> sources;
  for (const ContextFile& f : tiny_program()) {
    if (std::find(without.begin(), without.end(), f.path) == without.end()) {
      sources.push_back({f.path, f.text});
    }
  }
  return sources;
}

namespace {

// Makes `db` (a new in-memory connection) a copy of an empty ledger migrated
// by the real migrations. Migrating takes milliseconds; the copy (an image
// made once, deserialized) microseconds: the loader harnesses run ~10x faster.
void
empty_ledger_into(SQLite::Database& db)
{
  static const std::vector<unsigned char> image = [] {
    SQLite::Database empty(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    store::migrate(empty, store::all_migrations());
    sqlite3_int64 bytes = 0;
    unsigned char* raw = sqlite3_serialize(empty.getHandle(), "main", &bytes, 0);
    if (raw == nullptr) {
      throw std::runtime_error("sqlite3_serialize failed");
    }
    std::vector<unsigned char> copy(raw, raw + bytes);
    sqlite3_free(raw);
    return copy;
  }();
  auto* buffer = static_cast<unsigned char*>(sqlite3_malloc64(image.size()));
  if (buffer == nullptr) {
    throw std::bad_alloc();
  }
  std::memcpy(buffer, image.data(), image.size());
  const auto size = static_cast<sqlite3_int64>(image.size());
  if (const int rc = sqlite3_deserialize(
        db.getHandle(), "main", buffer, size, size, SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
      rc != SQLITE_OK) {
    throw SQLite::Exception(db.getHandle(), rc);
  }
  db.exec("PRAGMA foreign_keys = ON");
}

} // namespace

void
load_like_the_app(const std::vector<loader::SourceText>& sources)
{
  util::DiagnosticSink sink;
  loader::LoadedProgram loaded = loader::load_program(sources, sink);
  sink.throw_if_errors();
  std::vector<model::AuditEntry> log;
  for (const model::CloseoutRecord& r : loaded.records) {
    for (const model::CloseoutEvent& e : r.events) {
      log.insert(log.end(), e.log.begin(), e.log.end());
    }
  }
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  empty_ledger_into(db);
  store::replace_definitions(db, loaded.definitions, {}, loaded.records, log);
}

const std::vector<Target>&
targets()
{
  static const std::vector<Target> all = {
    {"yaml_loader", &rl_fuzz_yaml_loader},
    {"junit_stream", &rl_fuzz_junit_stream},
    {"junit_dom", &rl_fuzz_junit_dom},
    {"github_run", &rl_fuzz_github_run},
    {"sarif", &rl_fuzz_sarif},
    {"cobertura", &rl_fuzz_cobertura},
    {"lcov", &rl_fuzz_lcov},
    {"closeout_record", &rl_fuzz_closeout_record},
    {"ledger_file", &rl_fuzz_ledger_file},
    {"query_guard", &rl_fuzz_query_guard},
  };
  return all;
}

} // namespace rl::fuzz
