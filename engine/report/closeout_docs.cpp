#include "report/closeout_docs.hpp"

#include "model/commit.hpp"
#include "report/living_log.hpp"
#include "report/markdown.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace rl::report {

namespace {

using model::CloseoutEvent;
using model::CloseoutEventKind;
using model::GateOutcome;

class DocWriter
{
public:
  DocWriter(const model::Definitions& d,
            const model::Milestone& m,
            const model::CloseoutRecord& r,
            const std::vector<model::CloseoutRecord>& all)
    : m_defs(d)
    , m_ms(m)
    , m_record(r)
    , m_event(*r.last_close())
    , m_all(all)
  {
  }

  std::string summary()
  {
    header(fmt::format("Milestone Summary — {}: {}", m_ms.id, m_ms.title));
    section("1. Milestone Objective");
    prose(expand_placeholders(m_ms.intent, m_defs));
    section("2. Scope Definition");
    sub("In Scope");
    bullets(m_ms.scope_in, "Not stated.");
    sub("Out of Scope");
    bullets(m_ms.scope_out, "Not stated.");
    if (!m_ms.non_goals.empty()) {
      sub("Non-Goals");
      bullets(m_ms.non_goals, "");
    }
    sub("Allowed Paths");
    std::vector<std::string> paths;
    paths.reserve(m_ms.scope_paths.size());
    for (const std::string& p : m_ms.scope_paths) {
      paths.push_back("`" + p + "`");
    }
    bullets(paths, "None declared: the scope gate had nothing to check the diff against.");
    section("3. Refactor Classification");
    line(fmt::format("**Change Type:** {}  ",
                     m_ms.change_class ? std::string(model::to_string(*m_ms.change_class)) : "not stated"));
    if (!m_ms.risk.empty()) {
      line(fmt::format("**Risk:** {}  ", m_ms.risk));
    }
    if (!m_ms.rollback.empty()) {
      line(fmt::format("**Rollback:** {}", m_ms.rollback));
    }
    line();
    section("4. Work Executed");
    sub("Deliverables");
    std::vector<std::string> deliverables;
    deliverables.reserve(m_ms.deliverables.size());
    for (const model::Deliverable& dl : m_ms.deliverables) {
      deliverables.push_back(dl.path.empty() ? dl.text : fmt::format("{} (`{}`)", dl.text, dl.path));
    }
    bullets(deliverables, "None declared.");
    if (!m_ms.commits.empty()) {
      sub("Commits");
      for (const model::CommitRef& c : m_ms.commits) {
        line(fmt::format("- `{}` {}", c.sha, c.message));
      }
      line();
    }
    section("5. Invariants & Compatibility");
    invariants_table();
    section("6. Validation & Evidence");
    gates_table();
    ci_history();
    section("7. CI / Automation Impact");
    if (m_ms.ci_workflow.empty()) {
      prose("No milestone workflow declared.");
    } else {
      prose(fmt::format("Milestone workflow: `{}`.", m_ms.ci_workflow));
    }
    section("8. Issues, Exceptions, and Guardrails");
    findings();
    section("9. Deferred Work");
    deferred();
    section("10. Governance Outcomes");
    bullets(m_ms.outcome, "Not stated.");
    section("11. Exit Criteria Evaluation");
    exit_criteria();
    section("12. Final Verdict");
    prose(verdict_line());
    section("13. Authorized Next Step");
    prose(next_step());
    section("14. Canonical References");
    references();
    return std::move(m_out);
  }

  std::string audit()
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

private:
  void line(const std::string& text = {})
  {
    m_out += text;
    m_out += '\n';
  }

  void prose(const std::string& text)
  {
    line(trim_trailing(text));
    line();
  }

  void section(const std::string& title)
  {
    line("---");
    line();
    line("## " + title);
    line();
  }

  void sub(const std::string& title)
  {
    line("### " + title);
    line();
  }

  void bullets(const std::vector<std::string>& items, const std::string& when_empty)
  {
    if (items.empty()) {
      if (!when_empty.empty()) {
        prose(when_empty);
      }
      return;
    }
    for (const std::string& item : items) {
      line("- " + trim_trailing(item));
    }
    line();
  }

  void header(const std::string& title)
  {
    line("# " + title);
    line();
    line("<!-- Generated by refactor-ledger from " + model::record_path(m_ms.id)
         + " and the program's YAML. Do not edit: regenerate with `refactor-ledger render`. -->");
    line();
    const auto phase = std::find_if(
      m_defs.phases.begin(), m_defs.phases.end(), [&](const auto& p) { return std::to_string(p.id) == m_ms.phase.id; });
    line(fmt::format("**Project:** {}  ", m_defs.program.name));
    line(fmt::format(
      "**Phase:** Phase {}{}  ", m_ms.phase.id, phase == m_defs.phases.end() ? "" : " (" + phase->name + ")"));
    line(fmt::format("**Milestone:** {} - {}  ", m_ms.id, m_ms.title));
    line(fmt::format("**Closed:** {}  ", m_event.date));
    line(fmt::format("**Status:** {}  ", m_record.closed() ? "Closed and Locked" : "Reopened"));
    line(fmt::format("**Closing Commit:** {}  ", m_event.commit.empty() ? "—" : m_event.commit));
    line(fmt::format("**Base Commit:** {}  ", m_event.base_commit.empty() ? "—" : m_event.base_commit));
    line(fmt::format("**Verdict:** {}  ", m_event.verdict));
    line(fmt::format("**Closed By:** {}{}",
                     m_event.by,
                     m_event.kind == CloseoutEventKind::adopt
                       ? " (adopted: closed before the ledger existed; gates not evaluated)"
                       : ""));
    line();
  }

  void invariants_table()
  {
    // One row per invariant, with every role it plays in the milestone.
    std::vector<std::pair<std::string, std::string>> rows; // id, roles
    for (const model::InvariantLink& l : m_ms.invariants) {
      const auto it = std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.first == l.invariant.id; });
      const std::string role(model::to_string(l.role));
      if (it == rows.end()) {
        rows.emplace_back(l.invariant.id, role);
      } else if (it->second.find(role) == std::string::npos) {
        it->second += ", " + role;
      }
    }
    if (rows.empty()) {
      prose("No invariants in scope.");
      return;
    }
    m_out += table_row({"ID", "Invariant", "Role", "Status at Closeout", "Why"});
    m_out += table_rule(5);
    for (const auto& [id, roles] : rows) {
      const auto inv = std::find_if(
        m_defs.invariants.begin(), m_defs.invariants.end(), [&key = id](const auto& i) { return i.id == key; });
      const model::InvariantAtClose* at = snapshot(id);
      std::string why;
      if (at != nullptr) {
        for (const std::string& r : at->reasons) {
          why += (why.empty() ? "" : "<br>") + r;
        }
      }
      const std::string name = at != nullptr && !at->name.empty() ? at->name
                               : inv == m_defs.invariants.end()   ? ""
                                                                  : inv->name;
      m_out += table_row({id, name, roles, at == nullptr ? "not recorded" : at->status, why});
    }
    line();
  }

  const model::InvariantAtClose* snapshot(const std::string& id) const
  {
    const auto it =
      std::find_if(m_event.invariants.begin(), m_event.invariants.end(), [&](const auto& i) { return i.id == id; });
    return it == m_event.invariants.end() ? nullptr : &*it;
  }

  void tree_lines(const model::ConditionSnapshot& c, const std::string& indent)
  {
    line(fmt::format("{}- {}: {}", indent, c.description, c.status));
    for (const std::string& d : c.details) {
      line(fmt::format("{}  - {}", indent, d));
    }
    for (const model::ConditionSnapshot& child : c.children) {
      tree_lines(child, indent + "  ");
    }
  }

  void evidence_trees()
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

  void gate_block(const model::GateResult& g)
  {
    line(fmt::format("**Gate `{}`: {}** — {}", g.gate, g.outcome == GateOutcome::passed ? "PASS" : "FAIL", g.reason));
    for (const std::string& e : g.evidence) {
      line("- " + e);
    }
    line();
  }

  void gate_detail(const std::string& name, const std::string& when_absent)
  {
    const auto it =
      std::find_if(m_event.gates.begin(), m_event.gates.end(), [&](const auto& g) { return g.gate == name; });
    if (it != m_event.gates.end()) {
      gate_block(*it);
    } else if (!when_absent.empty()) {
      prose(when_absent);
    }
  }

  void gates_table()
  {
    if (m_event.kind == CloseoutEventKind::adopt) {
      prose(fmt::format("Gates were not evaluated: {} was closed before the ledger existed{}.",
                        m_ms.id,
                        m_event.reason.empty() ? "" : " (" + m_event.reason + ")"));
      return;
    }
    m_out += table_row({"Gate", "Result", "Reason"});
    m_out += table_rule(3);
    for (const model::GateResult& g : m_event.gates) {
      m_out += table_row({"`" + g.gate + "`", g.outcome == GateOutcome::passed ? "✅ PASS" : "❌ FAIL", g.reason});
    }
    line();
  }

  void ci_history()
  {
    if (m_ms.ci_runs.empty()) {
      return;
    }
    sub("CI Run History");
    m_out += table_row({"Run", "Status", "Issue", "Resolution", "Evidence"});
    m_out += table_rule(5);
    for (const model::CiRun& r : m_ms.ci_runs) {
      std::string evidence = "—";
      if (r.id) {
        const auto run = std::find_if(
          m_event.ci_runs.begin(), m_event.ci_runs.end(), [&](const auto& x) { return x.run_id == *r.id; });
        if (run != m_event.ci_runs.end()) {
          evidence = fmt::format("run {} concluded {} at `{}`",
                                 run->run_id,
                                 run->conclusion,
                                 model::short_commit(run->stamp.commit, model::k_ci_run_commit_digits));
        }
      }
      m_out += table_row({fmt::format("Run {}", r.number),
                          r.conclusion == model::CiConclusion::success ? "PASS" : "FAILED",
                          r.issue.empty() ? "N/A" : r.issue,
                          r.fix.empty() ? "N/A" : r.fix,
                          evidence});
    }
    line();
  }

  void findings()
  {
    if (m_ms.findings.empty()) {
      prose("No findings recorded.");
      return;
    }
    for (const model::Finding& f : m_ms.findings) {
      line(fmt::format("- {}{}", f.label.empty() ? "" : "**" + f.label + ":** ", trim_trailing(f.text)));
    }
    line();
  }

  void deferred()
  {
    std::vector<std::string> items;
    for (const std::string& id : m_event.deferrals) {
      const auto d =
        std::find_if(m_event.registry.begin(), m_event.registry.end(), [&](const auto& x) { return x.id == id; });
      items.push_back(
        d == m_event.registry.end()
          ? id
          : fmt::format("{}: {}{}", id, d->what, d->deferred_to.empty() ? "" : " (→ " + d->deferred_to + ")"));
    }
    for (const model::EvidenceGap& g : m_ms.evidence_gaps) {
      items.push_back(fmt::format("Evidence gap: {}{}", g.text, g.deferred_to ? " (→ " + g.deferred_to->id + ")" : ""));
    }
    bullets(items, "None.");
    if (!m_event.risks.empty()) {
      sub("Risk Status Changes");
      for (const model::RiskAtClose& r : m_event.risks) {
        line(fmt::format("- {}: {}{}", r.risk, r.status, r.note.empty() ? "" : " — " + r.note));
      }
      line();
    }
  }

  void exit_criteria()
  {
    if (m_event.kind == CloseoutEventKind::adopt) {
      bullets(m_ms.verification, "Not recorded.");
      return;
    }
    m_out += table_row({"Criterion", "Status", "Evidence"});
    m_out += table_rule(3);
    for (const model::GateResult& g : m_event.gates) {
      std::string evidence;
      for (const std::string& e : g.evidence) {
        evidence += (evidence.empty() ? "" : "<br>") + e;
      }
      m_out += table_row({"`" + g.gate + "`",
                          g.outcome == GateOutcome::passed ? "Met" : "Not met",
                          evidence.empty() ? g.reason : evidence});
    }
    line();
  }

  std::string verdict_line() const
  {
    if (m_event.kind == CloseoutEventKind::adopt) {
      return fmt::format("**{}** — recorded from the program's own closeout documents.", m_event.verdict);
    }
    return fmt::format("**{}** — every gate passed at `{}`. The milestone is closed and locked; its "
                       "definition changes only after `refactor-ledger reopen {} --reason TEXT`.",
                       m_event.verdict,
                       model::short_commit(m_event.commit),
                       m_ms.id);
  }

  std::string next_step() const
  {
    return m_event.next_milestone.empty() ? "None: this was the last milestone." : m_event.next_milestone;
  }

  void references()
  {
    if (m_ms.merge) {
      line(fmt::format("- Merge: {}{}{}",
                       m_ms.merge->repository,
                       m_ms.merge->pr ? fmt::format(" PR #{}", *m_ms.merge->pr) : "",
                       m_ms.merge->commit.empty() ? "" : " (`" + m_ms.merge->commit + "`)"));
    }
    for (const model::CiRunEvidence& r : m_event.ci_runs) {
      if (!r.url.empty()) {
        line(fmt::format("- CI run {}: {}", r.run_id, r.url));
      }
    }
    line(fmt::format("- Closeout record: `{}`", model::record_path(m_ms.id)));
    for (const std::string& a : m_event.artifacts) {
      line(fmt::format("- Document: `{}`", a));
    }
    line();
  }

  // True when `e` of `r` came before this closeout (or is it): by time, and
  // within the same second by milestone order.
  bool up_to_this(const model::CloseoutRecord& r, const CloseoutEvent& e) const
  {
    return e.kind != CloseoutEventKind::reopen
           && (e.at < m_event.at || (e.at == m_event.at && !model::natural_less(m_ms.id, r.milestone)));
  }

  // The cumulative registry as it stood at this closeout: each record keeps
  // the deferrals its milestone touched; the latest state of each, from the
  // closeouts up to this one, in id order.
  void registry()
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
  void score_trend()
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

  void appendix()
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

  const model::Definitions& m_defs;
  const model::Milestone& m_ms;
  const model::CloseoutRecord& m_record;
  const CloseoutEvent& m_event;
  const std::vector<model::CloseoutRecord>& m_all;
  std::string m_out;
};

} // namespace

std::vector<std::string>
closeout_document_paths(const model::Program& program, const std::string& id)
{
  const std::string dir = program.milestone_docs_path + "/" + id + "/" + id;
  return {dir + "_summary.md", dir + "_audit.md"};
}

std::vector<RenderedFile>
render_closeout_documents(const model::Definitions& d, const std::vector<model::CloseoutRecord>& records)
{
  std::vector<RenderedFile> out;
  for (const model::CloseoutRecord& r : records) {
    const model::Milestone* m = model::find_milestone(d, r.milestone);
    if (m == nullptr || r.last_close() == nullptr) {
      continue;
    }
    const std::vector<std::string> paths = closeout_document_paths(d.program, r.milestone);
    out.push_back({paths[0], DocWriter(d, *m, r, records).summary()});
    out.push_back({paths[1], DocWriter(d, *m, r, records).audit()});
  }
  return out;
}

std::string
render_toolcalls(const model::Definitions& d, const std::vector<model::CloseoutRecord>& records)
{
  std::string out;
  out += fmt::format("# {} — Tool Call Log\n\n", d.program.name);
  out += "<!-- Generated by refactor-ledger from the audit log carried by the closeout records "
         "(milestones/*.closeout.json). Do not edit. -->\n\n";
  out += "Every command that changed the ledger, as recorded by `refactor-ledger` and carried by "
         "each milestone's closeout record. `refactor-ledger log` lists the entries not yet carried "
         "by a closeout too.\n\n";
  bool any = false;
  for (const model::CloseoutRecord& r : records) {
    std::vector<const model::AuditEntry*> entries;
    for (const model::CloseoutEvent& e : r.events) {
      for (const model::AuditEntry& a : e.log) {
        entries.push_back(&a);
      }
    }
    if (entries.empty()) {
      continue;
    }
    any = true;
    out += fmt::format("## {}\n\n", r.milestone);
    for (const model::AuditEntry* a : entries) {
      out += fmt::format("### {} — {}\n", a->at, a->action);
      out += fmt::format("**User:** {}  \n", a->user);
      out += fmt::format("**Command:** `{}`  \n", a->command);
      out += fmt::format("**Commit:** {}  \n", a->commit.empty() ? "—" : model::short_commit(a->commit));
      out += fmt::format("**Outcome:** {}\n\n", a->summary);
    }
  }
  if (!any) {
    out += "No entries yet.\n";
  }
  return out;
}

} // namespace rl::report
