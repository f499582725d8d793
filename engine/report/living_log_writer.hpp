#pragma once

// Internal to report/: the LogWriter that renders REFACTOR.md, shared by
// living_log.cpp (the entry point, the display labels and the class's common
// helpers) and the living_log_<sections>.cpp files that write its sections:
// _program (the program's own sections), _milestones (the milestone history)
// and _metrics (invariant catalog and status, progress, scores). Not a public
// header: only report/*.cpp include it.

#include "model/placeholders.hpp"
#include "report/living_log.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace rl::report::detail {

using model::MilestoneStatus;

// How the log shows each value of an enum (living_log.cpp).
std::string_view coverage_label(model::Coverage c);
std::string_view priority_label(model::Priority p);
std::string_view risk_status_label(model::RiskStatus s);
std::string_view milestone_status_label(MilestoneStatus s);

// "1 hour", "2.5 hours" (living_log.cpp).
std::string hours(double value);

// A milestone of the score trend, with its score.
struct Scored
{
  const model::Milestone* ms;
  const model::ScoreRow* score;
};

class LogWriter
{
public:
  LogWriter(const model::Definitions& d,
            const model::ProgramMetrics& m,
            const std::map<std::string, model::Evaluation>& evaluations,
            const std::vector<model::CiRunEvidence>& ci_runs,
            const std::vector<model::CloseoutRecord>& records,
            std::string evidence_as_of,
            const std::map<std::string, std::string>& sections);

  std::string render();
  // One milestone's entry without its closeout history (render_milestone_entry).
  std::string entry(const std::string& id);

private:
  void line(std::string_view text = {})
  {
    m_out += text;
    m_out += '\n';
  }

  void rule()
  {
    line();
    line("---");
    line();
  }

  // Common helpers (living_log.cpp).
  std::string prose(const std::string& text) const;
  std::string phase_title(int id) const;
  std::string invariant_title(const std::string& id) const;
  static std::string invariant_name(const model::Invariant& inv);
  std::string ids(const std::vector<std::string>& list) const;

  // The program's sections (living_log_program.cpp).
  void header();
  std::string current_phase_text() const;
  void context();
  void facts();
  void governance();
  void principles();
  void deprecation();
  void risks();
  void deferrals();
  void prose_section(std::string_view title, const std::string& text, const std::string& note = {});
  std::string tool_log_note() const;
  void document_version();
  void program_sections(std::string_view position);

  // The milestone history (living_log_milestones.cpp).
  void history();
  void milestone_entry(const model::Milestone& ms);
  void entry_body(const model::Milestone& ms);
  void bullet_list(std::string_view title, const std::vector<std::string>& items, std::string_view mark = "");
  std::string run_url(const model::Milestone& ms, std::int64_t id) const;
  std::string pull_request_state(const model::Merge& merge) const;
  void invariant_lines(const model::Milestone& ms);
  void closeout_history(const model::Milestone& ms);
  static void evidence_lines(const model::ConditionResult& r, const std::string& indent, std::string& out);

  // Invariants, progress and scores (living_log_metrics.cpp).
  void invariant_status();
  void invariant_catalog();
  void progress();
  void scores();
  void chart(const std::vector<Scored>& rows);

  const model::Definitions& m_defs;
  const model::ProgramMetrics& m_metrics;
  const std::map<std::string, model::Evaluation>& m_evaluations;
  const std::vector<model::CiRunEvidence>& m_ci_runs;
  const std::vector<model::CloseoutRecord>& m_records;
  std::string m_evidence_as_of;
  const std::map<std::string, std::string>& m_sections; // program-written sections by file
  model::Placeholders m_values;
  model::MilestoneOrder m_order;
  std::map<std::string, const model::Milestone*> m_milestones;
  std::map<std::string, const model::Invariant*> m_invariants;
  std::map<int, const model::Phase*> m_phases;
  std::string m_out;
};

} // namespace rl::report::detail
