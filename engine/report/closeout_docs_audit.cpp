// The audit document of a closeout (see closeout_docs_writer.hpp).

#include "model/commit.hpp"
#include "report/closeout_docs_writer.hpp"
#include "report/markdown.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace rl::report::detail {

std::string
DocWriter::audit()
{
  header(fmt::format("{} Milestone Audit", m_ms.id));
  section("1. Executive Summary (Delta-First)");
  findings();
  prose(fmt::format("**Most Important Next Action:** {}", next_step()));
  section("2. Delta Map & Blast Radius");
  gate_detail("scope", "Scope was not checked at this closeout.");
  section("3. Architecture & Modularity Review");
  gate_detail("deliverables", "Deliverables were not checked at this closeout.");
  gate_detail("dependencies", "");
  section("4. CI/CD & Workflow Audit");
  bool any_ci = false;
  for (const model::GateResult& g : m_event.gates) {
    if (g.gate.rfind("ci:", 0) == 0 || g.gate.rfind("pattern:", 0) == 0) {
      gate_block(g);
      any_ci = true;
    }
  }
  if (!any_ci) {
    prose("No CI or pattern gate applied.");
  }
  ci_history();
  section("5. Tests, Coverage, and Invariants (Delta-Only)");
  invariants_table();
  evidence_trees();
  for (const model::GateResult& g : m_event.gates) {
    if (g.gate.rfind("metric:", 0) == 0) {
      gate_block(g);
    }
  }
  section("6. Refactor Guardrail Compliance Check");
  gates_table();
  section("7. Approvals");
  if (m_event.approvals.empty()) {
    prose("No approval was required or recorded.");
  } else {
    m_out += table_row({"Approval", "By", "At", "Commit", "Note"});
    m_out += table_rule(5);
    for (const model::Approval& a : m_event.approvals) {
      m_out += table_row({a.name, a.by, a.at, model::short_commit(a.commit), a.note});
    }
    line();
  }
  section("8. Deferred Issues Registry (Cumulative)");
  registry();
  section("9. Score Trend (Cumulative)");
  score_trend();
  section("10. Audit Log");
  if (m_event.log.empty()) {
    prose("No entries.");
  } else {
    m_out += table_row({"At", "User", "Action", "Command", "Summary"});
    m_out += table_rule(5);
    for (const model::AuditEntry& e : m_event.log) {
      m_out += table_row({e.at, e.user, e.action, "`" + e.command + "`", e.summary});
    }
    line();
  }
  section("Machine-Readable Appendix (JSON)");
  appendix();
  return std::move(m_out);
}

void
DocWriter::tree_lines(const model::ConditionSnapshot& c, const std::string& indent)
{
  line(fmt::format("{}- {}: {}", indent, c.description, c.status));
  for (const std::string& d : c.details) {
    line(fmt::format("{}  - {}", indent, d));
  }
  for (const model::ConditionSnapshot& child : c.children) {
    tree_lines(child, indent + "  ");
  }
}

void
DocWriter::evidence_trees()
{
  std::vector<std::string> shown;
  for (const model::InvariantLink& l : m_ms.invariants) {
    const model::InvariantAtClose* at = snapshot(l.invariant.id);
    if (std::find(shown.begin(), shown.end(), l.invariant.id) != shown.end()) {
      continue;
    }
    shown.push_back(l.invariant.id);
    if (at != nullptr && at->tree) {
      line(fmt::format("**{} evidence:**", l.invariant.id));
      tree_lines(*at->tree, "");
      line();
    }
  }
}

void
DocWriter::gate_block(const model::GateResult& g)
{
  line(fmt::format("**Gate `{}`: {}** — {}", g.gate, g.outcome == GateOutcome::passed ? "PASS" : "FAIL", g.reason));
  for (const std::string& e : g.evidence) {
    line("- " + e);
  }
  line();
}

void
DocWriter::gate_detail(const std::string& name, const std::string& when_absent)
{
  const auto it =
    std::find_if(m_event.gates.begin(), m_event.gates.end(), [&](const auto& g) { return g.gate == name; });
  if (it != m_event.gates.end()) {
    gate_block(*it);
  } else if (!when_absent.empty()) {
    prose(when_absent);
  }
}

// True when `e` of `r` came before this closeout (or is it): by time, and
// within the same second by milestone order.
bool
DocWriter::up_to_this(const model::CloseoutRecord& r, const CloseoutEvent& e) const
{
  return e.kind != CloseoutEventKind::reopen
         && (e.at < m_event.at || (e.at == m_event.at && !model::natural_less(m_ms.id, r.milestone)));
}

// The cumulative registry as it stood at this closeout: each record keeps
// the deferrals its milestone touched; the latest state of each, from the
// closeouts up to this one, in id order.
void
DocWriter::registry()
{
  std::map<std::string, std::pair<std::string, const model::DeferralAtClose*>> latest; // id -> (at, row)
  for (const model::CloseoutRecord& r : m_all) {
    for (const CloseoutEvent& e : r.events) {
      if (!up_to_this(r, e)) {
        continue;
      }
      for (const model::DeferralAtClose& d : e.registry) {
        const auto it = latest.find(d.id);
        if (it == latest.end() || e.at >= it->second.first) {
          latest[d.id] = {e.at, &d};
        }
      }
    }
  }
  if (latest.empty()) {
    prose("No deferrals recorded.");
    return;
  }
  std::vector<const model::DeferralAtClose*> rows;
  rows.reserve(latest.size());
  for (const auto& [id, entry] : latest) {
    rows.push_back(entry.second);
  }
  std::sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) { return model::natural_less(a->id, b->id); });
  m_out += table_row({"ID", "Issue", "Discovered", "Deferred To", "Status", "Blocker"});
  m_out += table_rule(6);
  for (const model::DeferralAtClose* d : rows) {
    m_out += table_row({d->id,
                        d->what,
                        d->discovered_in,
                        d->deferred_to.empty() ? "—" : d->deferred_to,
                        d->status,
                        d->blocker ? "yes" : "no"});
  }
  line();
}

// The score rows of the closeouts up to this one (each milestone's latest),
// by date.
void
DocWriter::score_trend()
{
  std::vector<model::ScoreRow> rows;
  for (const model::CloseoutRecord& r : m_all) {
    // The score of the latest event up to this closeout, if it has one.
    const model::ScoreRow* score = nullptr;
    for (const CloseoutEvent& e : r.events) {
      if (up_to_this(r, e)) {
        score = e.score ? &*e.score : nullptr;
      }
    }
    if (score != nullptr) {
      rows.push_back(*score);
      if (rows.back().label.empty()) {
        rows.back().label = r.milestone;
      }
    }
  }
  if (rows.empty()) {
    prose("No score rows recorded.");
    return;
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.date < b.date; });
  std::vector<std::string> head{"Date", "Milestone"};
  for (const model::ScoreDimension& dim : m_defs.dimensions) {
    head.push_back(dim.name);
  }
  m_out += table_row(head);
  m_out += table_rule(head.size());
  for (const model::ScoreRow& row : rows) {
    std::vector<std::string> cells{row.date, row.label};
    for (const model::ScoreDimension& dim : m_defs.dimensions) {
      const auto v =
        std::find_if(row.values.begin(), row.values.end(), [&](const auto& x) { return x.dimension.id == dim.id; });
      if (v == row.values.end()) {
        cells.emplace_back("—");
      } else if (const auto& number = v->number) {
        cells.push_back(format_number(*number));
      } else {
        cells.push_back(v->text);
      }
    }
    m_out += table_row(cells);
  }
  line();
}

void
DocWriter::appendix()
{
  nlohmann::ordered_json j;
  j["milestone"] = m_ms.id;
  j["verdict"] = m_event.verdict;
  j["closed"] = m_event.date;
  j["commit"] = m_event.commit;
  j["gates"] = nlohmann::ordered_json::object();
  for (const model::GateResult& g : m_event.gates) {
    j["gates"][g.gate] = g.outcome == GateOutcome::passed ? "pass" : "fail";
  }
  j["invariants"] = nlohmann::ordered_json::object();
  for (const model::InvariantLink& l : m_ms.invariants) { // a repeated id is written once
    const model::InvariantAtClose* at = snapshot(l.invariant.id);
    j["invariants"][l.invariant.id] = at == nullptr ? "not recorded" : at->status;
  }
  line("```json");
  line(j.dump(2));
  line("```");
}

} // namespace rl::report::detail
