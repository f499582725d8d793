#pragma once

#include "loader/loader.hpp"
#include "util/diagnostic.hpp"

#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace rl::test {

// A fresh temporary directory, removed with its content on destruction.
class TempDir
{
public:
  TempDir()
  {
    std::random_device rd;
    m_path = std::filesystem::temp_directory_path() / ("rl-test-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(m_path);
  }
  ~TempDir()
  {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const
  {
    return m_path;
  }

private:
  std::filesystem::path m_path;
};

// Every diagnostic formatted, in sorted order.
inline std::vector<std::string>
formatted(const util::DiagnosticSink& sink)
{
  std::vector<std::string> out;
  for (const util::Diagnostic& d : sink.sorted()) {
    out.push_back(util::format_diagnostic(d));
  }
  return out;
}

// A closeout record that adopts `id` of `sources` as closed on `date` (what
// `close ID --adopt` writes, without audit entries).
inline loader::SourceText
adopted_record(const std::vector<loader::SourceText>& sources, const std::string& id, const std::string& date)
{
  util::DiagnosticSink sink;
  const model::Definitions d = loader::load_definitions(sources, sink);
  model::CloseoutRecord record{id, {}, {}};
  model::CloseoutEvent e;
  e.kind = model::CloseoutEventKind::adopt;
  e.date = date;
  e.at = date + "T12:00:00Z";
  e.by = "tester";
  e.commit = "abcdef1";
  e.verdict = "PASS";
  for (const model::Milestone& m : d.milestones) {
    if (m.id == id) {
      e.definition = model::definition_json(m);
      e.score = m.score;
    }
  }
  record.events.push_back(std::move(e));
  return {model::record_path(id), model::format_record(record)};
}

// A minimal valid program: program.yaml, M00 (closed through its closeout
// record), M01 (planned, depends on M00), one invariant file with INV-001 and
// INV-002, risks.yaml.
inline std::vector<loader::SourceText>
minimal_program_yaml()
{
  return {
    {"milestones/program.yaml", R"(program:
  name: Demo
  repository: acme/demo
  start: 2026-01-05
  baseline_commit: abcdef1
  context: Demo context.
scores:
  - {id: quality, name: Quality, target: 8}
  - {id: velocity, name: Velocity, kind: label}
phases:
  - {id: 0, name: Foundation}
  - {id: 1, name: Hardening}
)"},
    {"milestones/M00.yaml", R"(milestone:
  id: M00
  title: Baseline
  phase: 0
  effort: {estimate: 10, actual: 12}
  intent: Take stock.
  score: {date: 2026-01-10, values: {quality: 6, velocity: N/A}}
)"},
    {"milestones/M01.yaml", R"(milestone:
  id: M01
  title: Smoke test
  phase: 1
  status: planned
  effort: {estimate: 4}
  depends_on: [M00]
  intent: Add a smoke test.
  invariants:
    protected: [INV-001]
)"},
    {"milestones/risks.yaml", R"(risks:
  - {id: I01, title: No build, priority: P0, status: active, milestones: [M01]}
)"},
    {"invariants/core.yaml", R"(category: {id: core, name: Core, order: 1}
invariants:
  - id: INV-001
    name: Imports work
    statement: Public imports keep working.
    coverage: partial
    priority: P0
    recommendation: {action: Add smoke test, milestone: M01}
  - id: INV-002
    name: Docs match
    statement: Docs match behaviour.
    coverage: weak
    priority: P3
)"},
  };
}

inline std::vector<loader::SourceText>
minimal_program()
{
  auto sources = minimal_program_yaml();
  sources.push_back(adopted_record(sources, "M00", "2026-01-10"));
  return sources;
}

// An entry of milestones/deferrals.yaml for minimal_program(): D01, found in
// M00, deferred to free text, with one history event in M01.
inline const std::string k_deferral_with_history = R"(  - id: D01
    what: Coverage
    discovered_in: M00
    deferred_to: post-M10
    history:
      - {date: "2026-01-02", event: retargeted, milestone: M01, to: post-M10, note: not yet}
)";

// `minimal_program()` with the file at `path` replaced by `text` (added when absent).
inline std::vector<loader::SourceText>
with_file(const std::string& path, const std::string& text)
{
  auto sources = minimal_program();
  for (auto& s : sources) {
    if (s.path == path) {
      s.text = text;
      return sources;
    }
  }
  sources.push_back({path, text});
  return sources;
}

} // namespace rl::test
