// The audit document of a closeout (see closeout_docs_writer.hpp).

#include "model/commit.hpp"
#include "report/closeout_docs_writer.hpp"
#include "report/markdown.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
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
  for (const auto& [id, role] : frozen_links()) {
    const model::InvariantAtClose* at = snapshot(id);
    if (std::find(shown.begin(), shown.end(), id) != shown.end()) {
      continue;
    }
    shown.push_back(id);
    if (at != nullptr && at->tree) {
      line(fmt::format("**{} evidence:**", id));
      tree_lines(*at->tree, "");
      line();
    }
  }
}

void
DocWriter::gate_block(const model::GateResult& g)
{
  line(fmt::format("**Gate `{}`: {}** — {}",
                   g.gate,
                   g.outcome == GateOutcome::passed           ? "PASS"
                   : g.outcome == GateOutcome::waived         ? "WAIVED"
                   : g.outcome == GateOutcome::not_applicable ? "N/A"
                                                              : "FAIL",
                   g.reason));
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

// True when `e` of `r` counts in this closeout's cumulative sections: this
// record's events up to this closeout, and the events of milestones before
// this one in program order numbered up to it (see CloseoutEvent::seq), so
// that no later close changes them. Records written before events were
// numbered fall back to their time.
bool
DocWriter::up_to_this(const model::CloseoutRecord& r, const CloseoutEvent& e) const
{
  if (e.kind == CloseoutEventKind::reopen) {
    return false;
  }
  if (&r == &m_record) {
    return &e <= &m_event;
  }
  if (!model::natural_less(r.milestone, m_ms.id)) {
    return false;
  }
  if (m_event.seq > 0) {
    return e.seq <= m_event.seq;
  }
  return e.at <= m_event.at;
}

// Every record, in program order.
std::vector<const model::CloseoutRecord*>
DocWriter::in_program_order() const
{
  std::vector<const model::CloseoutRecord*> ordered;
  ordered.reserve(m_all.size());
  for (const model::CloseoutRecord& r : m_all) {
    ordered.push_back(&r);
  }
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) {
    return model::natural_less(a->milestone, b->milestone);
  });
  return ordered;
}

// The score dimensions (id, name) as they were at the close.
std::vector<std::pair<std::string, std::string>>
DocWriter::dimensions() const
{
  if (m_event.frozen) {
    return m_event.frozen->dimensions;
  }
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(m_defs.dimensions.size());
  for (const model::ScoreDimension& dim : m_defs.dimensions) {
    out.emplace_back(dim.id, dim.name);
  }
  return out;
}

// The cumulative registry as it stood at this closeout: each record keeps
// the deferrals its milestone touched; the latest state of each, from the
// closeouts up to this one, in id order.
void
DocWriter::registry()
{
  // id -> ((seq, position of the milestone in program order), row): the
  // highest wins, so the latest event, and among events numbered alike (or
  // not numbered) the later milestone.
  using Key = std::pair<std::int64_t, std::size_t>;
  std::map<std::string, std::pair<Key, const model::DeferralAtClose*>> latest;
  const std::vector<const model::CloseoutRecord*> ordered = in_program_order();
  for (std::size_t position = 0; position < ordered.size(); ++position) {
    const model::CloseoutRecord& r = *ordered[position];
    for (const CloseoutEvent& e : r.events) {
      if (!up_to_this(r, e)) {
        continue;
      }
      const Key key{e.seq, position};
      for (const model::DeferralAtClose& d : e.registry) {
        const auto it = latest.find(d.id);
        if (it == latest.end() || key >= it->second.first) {
          latest[d.id] = {key, &d};
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
// in program order.
void
DocWriter::score_trend()
{
  std::vector<model::ScoreRow> rows;
  const std::vector<const model::CloseoutRecord*> ordered = in_program_order();
  for (const model::CloseoutRecord* record : ordered) {
    const model::CloseoutRecord& r = *record;
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
  const std::vector<std::pair<std::string, std::string>> dims = dimensions();
  std::vector<std::string> head{"Date", "Milestone"};
  for (const auto& [id, name] : dims) {
    head.push_back(name);
  }
  m_out += table_row(head);
  m_out += table_rule(head.size());
  for (const model::ScoreRow& row : rows) {
    std::vector<std::string> cells{row.date, row.label};
    for (const auto& [id, name] : dims) {
      const auto v = std::find_if(
        row.values.begin(), row.values.end(), [&, &key = id](const auto& x) { return x.dimension.id == key; });
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
    j["gates"][g.gate] = g.outcome == GateOutcome::failed ? std::string("fail") : std::string(gate_word(g.outcome));
  }
  j["invariants"] = nlohmann::ordered_json::object();
  for (const auto& [id, role] : frozen_links()) { // a repeated id is written once
    const model::InvariantAtClose* at = snapshot(id);
    j["invariants"][id] = at == nullptr ? "not recorded" : at->status;
  }
  line("```json");
  line(j.dump(2));
  line("```");
}

} // namespace rl::report::detail
