#include "report/living_log.hpp"

#include "report/living_log_writer.hpp"
#include "report/markdown.hpp"

#include <fmt/format.h>

#include <array>

namespace rl::report {

namespace detail {

namespace {

// How the log shows each value of an enum: one table per enum, in the order
// of the model's own table (model/enums.hpp), checked at compile time to
// name every value once.
template<typename E, std::size_t N>
constexpr bool
covers_enum(const std::array<std::pair<E, std::string_view>, N>& labels)
{
  const auto& names = model::EnumTraits<E>::k_names;
  if (labels.size() != names.size()) {
    return false;
  }
  for (std::size_t i = 0; i < N; ++i) {
    if (labels[i].first != names[i].first) {
      return false;
    }
  }
  return true;
}

template<typename E, std::size_t N>
constexpr std::string_view
label_of(const std::array<std::pair<E, std::string_view>, N>& labels, E value)
{
  for (const auto& [candidate, label] : labels) {
    if (candidate == value) {
      return label;
    }
  }
  return "";
}

constexpr auto k_coverage_labels = std::to_array<std::pair<model::Coverage, std::string_view>>({
  {model::Coverage::strong, "🟢 Strong"},
  {model::Coverage::partial, "🟡 Partial"},
  {model::Coverage::weak, "🟠 Weak"},
  {model::Coverage::missing, "🔴 Missing"},
});
static_assert(covers_enum(k_coverage_labels));

constexpr auto k_priority_labels = std::to_array<std::pair<model::Priority, std::string_view>>({
  {model::Priority::p0, "P0 (Critical)"},
  {model::Priority::p1, "P1 (High)"},
  {model::Priority::p2, "P2 (Medium)"},
  {model::Priority::p3, "P3 (Low)"},
});
static_assert(covers_enum(k_priority_labels));

constexpr auto k_risk_status_labels = std::to_array<std::pair<model::RiskStatus, std::string_view>>({
  {model::RiskStatus::active, "🔵 Active"},
  {model::RiskStatus::mitigated, "🟡 Mitigated"},
  {model::RiskStatus::resolved, "✅ Resolved"},
  {model::RiskStatus::accepted, "⚪ Accepted"},
});
static_assert(covers_enum(k_risk_status_labels));

constexpr auto k_milestone_status_labels = std::to_array<std::pair<MilestoneStatus, std::string_view>>({
  {MilestoneStatus::planned, "🔵 Planned"},
  {MilestoneStatus::in_progress, "🟡 In Progress"},
  {MilestoneStatus::closed, "✅ Complete"},
  {MilestoneStatus::deferred, "🟡 Deferred"},
  {MilestoneStatus::cancelled, "⛔ Cancelled"},
});
static_assert(covers_enum(k_milestone_status_labels));

} // namespace

std::string_view
coverage_label(model::Coverage c)
{
  return label_of(k_coverage_labels, c);
}

std::string_view
priority_label(model::Priority p)
{
  return label_of(k_priority_labels, p);
}

std::string_view
risk_status_label(model::RiskStatus s)
{
  return label_of(k_risk_status_labels, s);
}

std::string_view
milestone_status_label(MilestoneStatus s)
{
  return label_of(k_milestone_status_labels, s);
}

std::string
hours(double value)
{
  return format_number(value) + (value == 1 ? " hour" : " hours");
}

LogWriter::LogWriter(const model::Definitions& d,
                     const model::ProgramMetrics& m,
                     const std::map<std::string, model::Evaluation>& evaluations,
                     const std::vector<model::CiRunEvidence>& ci_runs,
                     const std::vector<model::CloseoutRecord>& records,
                     std::string evidence_as_of,
                     const std::map<std::string, std::string>& sections)
  : m_defs(d)
  , m_metrics(m)
  , m_evaluations(evaluations)
  , m_ci_runs(ci_runs)
  , m_records(records)
  , m_evidence_as_of(std::move(evidence_as_of))
  , m_sections(sections)
  , m_values(model::placeholder_values(d))
  , m_order([&d] {
    std::vector<std::string> ids;
    ids.reserve(d.milestones.size());
    for (const model::Milestone& ms : d.milestones) {
      ids.push_back(ms.id);
    }
    return ids;
  }())
{
  for (const model::Milestone& ms : d.milestones) {
    m_milestones.emplace(ms.id, &ms);
  }
  for (const model::Invariant& inv : d.invariants) {
    m_invariants.emplace(inv.id, &inv);
  }
  for (const model::Phase& p : d.phases) {
    m_phases.emplace(p.id, &p);
  }
}

std::string
LogWriter::render()
{
  header();
  context();
  program_sections("context");
  facts();
  program_sections("facts");
  governance();
  program_sections("governance");
  history();
  program_sections("history");
  principles();
  program_sections("principles");
  deprecation();
  program_sections("deprecation");
  risks();
  program_sections("risks");
  deferrals();
  program_sections("deferrals");
  invariant_catalog();
  program_sections("catalog");
  invariant_status();
  program_sections("status");
  progress();
  program_sections("progress");
  scores();
  program_sections("scores");
  prose_section("Tool Logging", m_defs.program.tool_logging, tool_log_note());
  prose_section("Recovery Protocol",
                m_defs.program.recovery_protocol,
                m_records.empty() ? std::string()
                                  : "`refactor-ledger recover` reports the last recorded action, the next "
                                    "planned action (the next milestone and its open gates) and completion "
                                    "status.");
  document_version();
  const std::string& log = m_defs.program.log_path;
  const std::size_t slash = log.rfind('/');
  line(fmt::format("**End of {}**", slash == std::string::npos ? log : log.substr(slash + 1)));
  return std::move(m_out);
}

// The program-written sections placed after `position`, as their files say,
// each under its title.
void
LogWriter::program_sections(std::string_view position)
{
  for (const model::LogSection& section : m_defs.program.sections) {
    if (section.after != position) {
      continue;
    }
    const auto text = m_sections.find(section.file);
    line("## " + section.title);
    line();
    line(fmt::format("<!-- Written by the program in {}; refactor-ledger copies it here. -->", section.file));
    line();
    if (text != m_sections.end() && !trim_trailing(text->second).empty()) {
      line(trim_trailing(text->second));
      line();
    }
    line("---");
    line();
  }
}

std::string
LogWriter::prose(const std::string& text) const
{
  return trim_trailing(model::expand_placeholders(text, m_values));
}

std::string
LogWriter::phase_title(int id) const
{
  const auto it = m_phases.find(id);
  return it == m_phases.end() ? fmt::format("Phase {}", id) : fmt::format("Phase {}: {}", id, it->second->name);
}

std::string
LogWriter::invariant_title(const std::string& id) const
{
  const auto it = m_invariants.find(id);
  return it == m_invariants.end() ? id : fmt::format("{}: {}", id, invariant_name(*it->second));
}

// "Name (formerly INV-080)" for a renamed invariant.
std::string
LogWriter::invariant_name(const model::Invariant& inv)
{
  std::string name = inv.name;
  for (std::size_t i = 0; i < inv.aliases.size(); ++i) {
    name += (i == 0 ? " (formerly " : ", ") + inv.aliases[i].id;
  }
  return inv.aliases.empty() ? name : name + ")";
}

std::string
LogWriter::ids(const std::vector<std::string>& list) const
{
  return m_order.compress(list);
}

} // namespace detail

std::string
render_living_log(const model::Definitions& definitions,
                  const model::ProgramMetrics& metrics,
                  const std::map<std::string, model::Evaluation>& evaluations,
                  const std::vector<model::CiRunEvidence>& ci_runs,
                  const std::vector<model::CloseoutRecord>& records,
                  const std::string& evidence_as_of,
                  const std::map<std::string, std::string>& sections)
{
  return detail::LogWriter(definitions, metrics, evaluations, ci_runs, records, evidence_as_of, sections).render();
}

std::string
render_milestone_entry(const model::Definitions& definitions,
                       const model::ProgramMetrics& metrics,
                       const std::map<std::string, model::Evaluation>& evaluations,
                       const std::vector<model::CiRunEvidence>& ci_runs,
                       const std::vector<model::CloseoutRecord>& records,
                       const std::string& id)
{
  return detail::LogWriter(definitions, metrics, evaluations, ci_runs, records, {}, {}).entry(id);
}

} // namespace rl::report
