// The invariant and progress sections of REFACTOR.md: the invariant status
// at the latest closeout, the invariant catalog, milestone progress and the
// score trend with its chart (see living_log_writer.hpp).

#include "report/living_log_writer.hpp"
#include "report/markdown.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

namespace rl::report::detail {

void
LogWriter::invariant_status()
{
  if (m_evaluations.empty()) {
    return;
  }
  line("## Invariant Status");
  line();
  line(fmt::format("As computed by each invariant's `verify:` rules at the latest closeout "
                   "({}); `refactor-ledger status` and `why INV-…` give the live view.",
                   m_evidence_as_of));
  line();
  std::vector<std::string> head{"Priority"};
  for (const auto& [status, name] : model::EnumTraits<model::InvariantStatus>::k_names) {
    head.emplace_back(name);
  }
  m_out += table_row(head);
  m_out += table_rule(head.size());
  for (const auto& [p, pname] : model::EnumTraits<model::Priority>::k_names) {
    std::vector<int> counts(model::enum_count<model::InvariantStatus>(), 0);
    for (const model::Invariant& inv : m_defs.invariants) {
      const auto it = m_evaluations.find(inv.id);
      if (inv.priority == p && it != m_evaluations.end()) {
        ++counts[model::enum_index(it->second.status)];
      }
    }
    std::vector<std::string> row{std::string(pname)};
    for (const int c : counts) {
      row.push_back(std::to_string(c));
    }
    m_out += table_row(row);
  }
  line();
  std::vector<std::string> notable;
  for (const model::Invariant& inv : m_defs.invariants) {
    const auto it = m_evaluations.find(inv.id);
    if (it == m_evaluations.end()) {
      continue;
    }
    const model::Evaluation& e = it->second;
    const bool listed = e.status == model::InvariantStatus::failing || e.status == model::InvariantStatus::stale
                        || e.status == model::InvariantStatus::waived || e.status == model::InvariantStatus::verified
                        || e.waiver_expired || e.waiver_unneeded;
    if (!listed) {
      continue;
    }
    std::string reasons;
    for (const std::string& r : e.reasons) {
      reasons += (reasons.empty() ? "" : "<br>") + r;
    }
    notable.push_back(table_row({inv.id,
                                 invariant_name(inv),
                                 std::string(model::to_string(inv.priority)),
                                 std::string(model::to_string(e.status)),
                                 reasons}));
  }
  if (!notable.empty()) {
    m_out += table_row({"ID", "Invariant", "Priority", "Status", "Why"});
    m_out += table_rule(5);
    for (const std::string& row : notable) {
      m_out += row;
    }
    line();
    line("Invariants not listed are unverified: no rules, or no evidence yet.");
  } else {
    line("No invariant is verified, failing, stale or waived yet: every one is unverified.");
  }
  rule();
}

void
LogWriter::invariant_catalog()
{
  if (m_defs.invariants.empty()) {
    return;
  }
  line("## Invariant Catalog");
  line();
  line(fmt::format("**Invariants:** {} cataloged", m_metrics.invariant_total));
  line();
  std::vector<std::string> head{"Priority"};
  for (const auto& [c, name] : model::EnumTraits<model::Coverage>::k_names) {
    head.emplace_back(coverage_label(c));
  }
  head.emplace_back("Total");
  m_out += table_row(head);
  m_out += table_rule(head.size());
  for (const auto& [p, pname] : model::EnumTraits<model::Priority>::k_names) {
    std::vector<std::string> row{std::string(priority_label(p))};
    const std::size_t pi = model::enum_index(p);
    for (std::size_t ci = 0; ci < model::enum_count<model::Coverage>(); ++ci) {
      row.push_back(std::to_string(m_metrics.invariants_by_priority_coverage[pi][ci]));
    }
    row.push_back(std::to_string(m_metrics.invariants_by_priority[pi]));
    m_out += table_row(row);
  }
  std::vector<std::string> total{"**Total**"};
  for (std::size_t ci = 0; ci < model::enum_count<model::Coverage>(); ++ci) {
    total.push_back(std::to_string(m_metrics.invariants_by_coverage[ci]));
  }
  total.push_back(std::to_string(m_metrics.invariant_total));
  m_out += table_row(total);
  line();
  const int p0 = m_metrics.invariants_by_priority[0];
  line(fmt::format("**P0 invariants with strong coverage:** {}/{} ({}%)",
                   m_metrics.invariants_by_priority_coverage[0][0],
                   p0,
                   m_metrics.p0_strong_percent));
  line();
  std::string statuses;
  for (const auto& [s, name] : model::EnumTraits<model::InvariantStatus>::k_names) {
    const int n = m_metrics.invariants_by_status[model::enum_index(s)];
    if (n > 0) {
      statuses += fmt::format("{}{} {}", statuses.empty() ? "" : ", ", n, name);
    }
  }
  line(fmt::format("**Invariant status (from evidence):** {}", statuses));
  line();
  line("### P0 and P1 Invariants");
  line();
  m_out += table_row({"ID", "Invariant", "Priority", "Coverage", "Action Required"});
  m_out += table_rule(5);
  for (const model::Invariant& inv : m_defs.invariants) {
    if (inv.priority != model::Priority::p0 && inv.priority != model::Priority::p1) {
      continue;
    }
    std::string action = "None";
    if (inv.recommendation) {
      action = prose(inv.recommendation->action);
      if (inv.recommendation->milestone) {
        action += fmt::format(" ({})", inv.recommendation->milestone->id);
      }
    }
    m_out += table_row({inv.id,
                        invariant_name(inv),
                        std::string(model::to_string(inv.priority)),
                        std::string(coverage_label(inv.coverage)),
                        action});
  }
  rule();
}

void
LogWriter::progress()
{
  line("## Milestone Progress");
  line();
  m_out += table_row({"Phase", "Milestones", "Complete", "In Progress", "Planned", "Deferred"});
  m_out += table_rule(6);
  for (const model::PhaseProgress& pp : m_metrics.phases) {
    std::vector<std::string> closed;
    for (const std::string& id : pp.milestones) {
      if (m_milestones.at(id)->status == MilestoneStatus::closed) {
        closed.push_back(id);
      }
    }
    const auto phase = m_phases.find(pp.phase);
    const bool future = pp.milestones.empty();
    std::string name = fmt::format("**{}**", phase_title(pp.phase));
    m_out += table_row(
      {name,
       future ? (phase != m_phases.end() && !phase->second->future.empty() ? "TBD" : "—") : ids(pp.milestones),
       closed.empty() ? std::to_string(pp.closed) : fmt::format("{} ({})", pp.closed, ids(closed)),
       std::to_string(pp.in_progress),
       future ? "TBD" : std::to_string(pp.planned),
       std::to_string(pp.deferred)});
  }
  line();
  line(fmt::format("**Program Progress:** {}/{} milestones complete ({}%)  ",
                   m_metrics.milestone_closed,
                   m_metrics.milestone_total,
                   m_metrics.percent_complete));
  std::string remaining = fmt::format("**Estimated Remaining:** {}", hours(m_metrics.remaining_effort));
  if (!m_metrics.remaining_milestones.empty()) {
    remaining += fmt::format(" ({}; {} open milestone{})",
                             ids(m_metrics.remaining_milestones),
                             m_metrics.remaining_milestones.size(),
                             m_metrics.remaining_milestones.size() == 1 ? "" : "s");
  }
  if (m_metrics.unestimated_open > 0) {
    remaining += fmt::format(", {} without an estimate", m_metrics.unestimated_open);
  }
  if (!m_metrics.deferred_milestones.empty()) {
    line(remaining + "  ");
    line(fmt::format("**Deferred:** {} ({})", hours(m_metrics.deferred_effort), ids(m_metrics.deferred_milestones)));
  } else {
    line(remaining);
  }
  rule();
}

void
LogWriter::scores()
{
  std::vector<Scored> rows;
  for (const model::Milestone& ms : m_defs.milestones) {
    if (const auto& score = ms.score) {
      rows.push_back({&ms, &*score});
    }
  }
  if (m_defs.dimensions.empty()) { // rows: in program order
    return;
  }
  line("## Score Trend");
  line();
  std::vector<std::string> head{"Date", "Milestone"};
  for (const model::ScoreDimension& d : m_defs.dimensions) {
    head.push_back(d.footnote.empty() ? d.name : fmt::format("{}[^{}]", d.name, d.id));
  }
  m_out += table_row(head);
  m_out += table_rule(head.size());
  std::map<std::string, double> previous;
  for (const Scored& r : rows) {
    const model::ScoreRow& score = *r.score;
    std::vector<std::string> row{score.date, score.label};
    for (const model::ScoreDimension& d : m_defs.dimensions) {
      const auto v = std::find_if(
        score.values.begin(), score.values.end(), [&](const model::ScoreValue& x) { return x.dimension.id == d.id; });
      if (v == score.values.end()) {
        row.emplace_back("—");
        continue;
      }
      const std::optional<double>& number = v->number;
      if (d.kind == model::ScoreKind::label || !number) {
        row.push_back(v->text);
        continue;
      }
      std::string cell = fmt::format("{}/{}", format_number(*number), format_number(d.max));
      const auto prev = previous.find(d.id);
      if (prev != previous.end()) {
        const double delta = *number - prev->second;
        cell += delta == 0 ? " (=)" : fmt::format(" ({}{})", delta > 0 ? "+" : "", format_number(delta));
      }
      previous[d.id] = *number;
      row.push_back(cell);
    }
    m_out += table_row(row);
  }
  line();
  const std::string label = m_defs.program.score_targets_label;
  line(label.empty() ? "**Targets:**" : fmt::format("**Targets ({}):**", label));
  for (const model::ScoreDimension& d : m_defs.dimensions) {
    std::string target = d.target_text;
    if (target.empty() && d.target) {
      target = fmt::format("{}/{}", format_number(*d.target), format_number(d.max));
    }
    if (!target.empty()) {
      line(fmt::format("- {}: {}", d.name, prose(target)));
    }
  }
  line();
  bool footnotes = false;
  for (const model::ScoreDimension& d : m_defs.dimensions) {
    if (!d.footnote.empty()) {
      line(fmt::format("[^{}]: {}", d.id, prose(d.footnote)));
      footnotes = true;
    }
  }
  if (footnotes) {
    line();
  }
  chart(rows);
  rule();
}

void
LogWriter::chart(const std::vector<Scored>& rows)
{
  std::vector<const model::ScoreDimension*> numeric;
  for (const model::ScoreDimension& d : m_defs.dimensions) {
    if (d.kind == model::ScoreKind::numeric) {
      numeric.push_back(&d);
    }
  }
  if (rows.empty() || numeric.empty()) {
    return;
  }
  double max = 0;
  for (const model::ScoreDimension* d : numeric) {
    max = std::max(max, d->max);
  }
  line("```mermaid");
  line("xychart-beta");
  line("    title \"Score trend\"");
  std::string axis;
  for (const Scored& r : rows) {
    axis += fmt::format("{}\"{}\"", axis.empty() ? "" : ", ", r.ms->id);
  }
  line(fmt::format("    x-axis [{}]", axis));
  line(fmt::format("    y-axis \"Score\" 0 --> {}", format_number(max)));
  for (const model::ScoreDimension* d : numeric) {
    std::string values;
    double last = 0;
    for (const Scored& r : rows) {
      const std::vector<model::ScoreValue>& scored = r.score->values;
      const auto v =
        std::find_if(scored.begin(), scored.end(), [&](const model::ScoreValue& x) { return x.dimension.id == d->id; });
      if (v != scored.end()) {
        if (const std::optional<double>& number = v->number) {
          last = *number;
        }
      }
      values += fmt::format("{}{}", values.empty() ? "" : ", ", format_number(last));
    }
    line(fmt::format("    line [{}]", values));
  }
  line("```");
  line();
  std::string legend;
  for (const model::ScoreDimension* d : numeric) {
    legend += (legend.empty() ? "" : ", ") + d->name;
  }
  line(fmt::format("*Lines, top to bottom in the legend order: {}. A value missing from a row "
                   "repeats the previous one.*",
                   legend));
}

} // namespace rl::report::detail
