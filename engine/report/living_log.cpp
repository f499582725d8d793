#include "report/living_log.hpp"

#include "model/commit.hpp"
#include "report/markdown.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

namespace rl::report {

namespace {

using model::MilestoneStatus;

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

std::string
humanize(std::string name)
{
  std::replace(name.begin(), name.end(), '_', ' ');
  return name;
}

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
            std::string evidence_as_of)
    : m_defs(d)
    , m_metrics(m)
    , m_evaluations(evaluations)
    , m_ci_runs(ci_runs)
    , m_records(records)
    , m_evidence_as_of(std::move(evidence_as_of))
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

  std::string render()
  {
    header();
    context();
    facts();
    governance();
    history();
    principles();
    deprecation();
    risks();
    deferrals();
    invariant_catalog();
    invariant_status();
    progress();
    scores();
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

  std::string prose(const std::string& text) const
  {
    return trim_trailing(expand_placeholders(text, m_defs));
  }

  std::string phase_title(int id) const
  {
    const auto it = m_phases.find(id);
    return it == m_phases.end() ? fmt::format("Phase {}", id) : fmt::format("Phase {}: {}", id, it->second->name);
  }

  std::string invariant_title(const std::string& id) const
  {
    const auto it = m_invariants.find(id);
    return it == m_invariants.end() ? id : fmt::format("{}: {}", id, it->second->name);
  }

  std::string ids(const std::vector<std::string>& list) const
  {
    return m_order.compress(list);
  }

  std::string run_url(const model::Milestone& ms, std::int64_t id) const
  {
    std::string repo = ms.merge && !ms.merge->repository.empty() ? ms.merge->repository : m_defs.program.fork;
    if (repo.empty()) {
      repo = m_defs.program.repository;
    }
    return fmt::format("https://github.com/{}/actions/runs/{}", repo, id);
  }

  void header()
  {
    const model::Program& p = m_defs.program;
    line(fmt::format("# {}", p.title));
    line();
    line("<!-- Generated by `refactor-ledger render` from milestones/ and invariants/. Do not "
         "edit: change the YAML and re-render. -->");
    line();
    line(fmt::format("**Repository:** {}{}  ", p.repository, p.fork.empty() ? "" : fmt::format(" (fork: {})", p.fork)));
    line(fmt::format("**Program Start:** {}  ", p.start));
    line(fmt::format("**Baseline Commit:** {}  ", p.baseline_commit));
    line(fmt::format("**Current Phase:** {}  ", current_phase_text()));
    line(fmt::format("**Program Progress:** {}/{} milestones complete ({}%)",
                     m_metrics.milestone_closed,
                     m_metrics.milestone_total,
                     m_metrics.percent_complete));
    rule();
  }

  std::string current_phase_text() const
  {
    if (!m_metrics.current_phase) {
      return "none";
    }
    const int id = *m_metrics.current_phase;
    const auto pp = std::find_if(
      m_metrics.phases.begin(), m_metrics.phases.end(), [&](const model::PhaseProgress& x) { return x.phase == id; });
    std::string text = phase_title(id);
    if (m_metrics.program_complete) {
      return text + " — program complete";
    }
    if (pp != m_metrics.phases.end()) {
      const int open_total = pp->closed + pp->in_progress + pp->planned + pp->deferred;
      text += fmt::format(" — {}/{} milestones complete", pp->closed, open_total);
    }
    if (m_metrics.in_progress_milestone) {
      text += fmt::format("; in progress: {}", *m_metrics.in_progress_milestone);
    }
    if (m_metrics.next_milestone) {
      text += fmt::format("; next: {}", *m_metrics.next_milestone);
    }
    return text;
  }

  void context()
  {
    line(fmt::format("## {}", m_defs.program.context_title));
    line();
    line(prose(m_defs.program.context));
    rule();
  }

  void facts()
  {
    if (m_defs.facts.empty()) {
      return;
    }
    // Latest observation per metric, in order of first appearance.
    std::vector<std::string> order;
    std::map<std::string, std::vector<const model::Fact*>> by_metric;
    for (const model::Fact& f : m_defs.facts) {
      auto& list = by_metric[f.metric];
      if (list.empty()) {
        order.push_back(f.metric);
      }
      list.push_back(&f);
    }
    std::string baseline_date = m_defs.facts.front().as_of;
    line("## Repository Facts");
    line();
    m_out += table_row({"Metric", "Value", "Source", "As of"});
    m_out += table_rule(4);
    std::vector<std::string> history;
    for (const std::string& metric : order) {
      auto& list = by_metric[metric];
      std::stable_sort(
        list.begin(), list.end(), [](const model::Fact* a, const model::Fact* b) { return a->as_of < b->as_of; });
      const model::Fact& latest = *list.back();
      m_out += table_row({fmt::format("**{}**", metric), latest.value, latest.source, latest.as_of});
      for (std::size_t i = 0; i + 1 < list.size(); ++i) {
        history.push_back(fmt::format("- **{}:** {} on {}{}",
                                      metric,
                                      list[i]->value,
                                      list[i]->as_of,
                                      list[i]->source.empty() ? "" : " (" + list[i]->source + ")"));
      }
    }
    if (!history.empty()) {
      line();
      line("Earlier observations:");
      line();
      for (const std::string& h : history) {
        line(h);
      }
    }
    rule();
  }

  void governance()
  {
    const model::Program& p = m_defs.program;
    if (p.governance.empty() && p.references.empty()) {
      return;
    }
    line("## Governance Structure");
    line();
    if (!p.governance.empty()) {
      line(prose(p.governance));
      line();
    }
    if (!p.references.empty()) {
      line("### Key References");
      line();
      for (const model::Link& ref : p.references) {
        line(fmt::format("- **{}:** [`{}`]({})", ref.title, ref.path, ref.path));
      }
    }
    rule();
  }

  void bullet_list(std::string_view title, const std::vector<std::string>& items, std::string_view mark = "")
  {
    if (items.empty()) {
      return;
    }
    line(fmt::format("**{}:**", title));
    for (const std::string& item : items) {
      line(fmt::format("- {}{}", mark, prose(item)));
    }
    line();
  }

  void milestone_entry(const model::Milestone& ms)
  {
    const bool is_next = m_metrics.next_milestone == ms.id;
    std::string badge;
    switch (ms.status) {
    case MilestoneStatus::closed:
      badge = "✅ COMPLETE";
      break;
    case MilestoneStatus::in_progress:
      badge = "🟡 IN PROGRESS";
      break;
    default:
      badge = is_next ? "🔵 NEXT" : std::string(milestone_status_label(ms.status));
      break;
    }
    line(fmt::format("#### {} — {} {}", ms.id, ms.title, badge));
    line();

    std::vector<std::string> facts;
    if (ms.status == MilestoneStatus::closed) {
      const bool locked = ms.closeout && ms.closeout->locked;
      facts.push_back(fmt::format("**Status:** {}", locked ? "🔒 Closed and Locked" : "Closed"));
      if (ms.closeout) {
        facts.push_back(fmt::format("**Date:** {}", ms.closeout->date));
      }
    } else if (ms.status == MilestoneStatus::in_progress) {
      facts.emplace_back("**Status:** In Progress");
    } else if (is_next) {
      facts.emplace_back("**Status:** Ready to Start");
    } else {
      facts.push_back(fmt::format("**Status:** {}", milestone_status_label(ms.status)));
    }
    if (ms.priority) {
      facts.push_back(fmt::format("**Priority:** {}", priority_label(*ms.priority)));
    }
    if (!ms.mode.empty()) {
      facts.push_back(fmt::format("**Mode:** {}", ms.mode));
    }
    if (ms.change_class) {
      facts.push_back(fmt::format("**Change Class:** {}", model::to_string(*ms.change_class)));
    }
    if (!ms.scope_summary.empty()) {
      facts.push_back(fmt::format("**Scope:** {}", prose(ms.scope_summary)));
    }
    if (ms.effort_estimate || ms.effort_actual) {
      std::string effort;
      if (ms.status == MilestoneStatus::closed && ms.effort_actual) {
        effort = hours(*ms.effort_actual);
        if (ms.effort_estimate && *ms.effort_estimate != *ms.effort_actual) {
          effort += fmt::format(" (estimate {})", hours(*ms.effort_estimate));
        }
      } else if (ms.effort_estimate) {
        effort = hours(*ms.effort_estimate) + " (estimate)";
      }
      if (!ms.effort_note.empty()) {
        effort += fmt::format(" — {}", ms.effort_note);
      }
      facts.push_back(fmt::format("**Effort:** {}", effort));
    }
    if (ms.merge) {
      std::string merge = ms.merge->pr ? fmt::format("PR #{}", *ms.merge->pr) : std::string("—");
      if (!ms.merge->commit.empty()) {
        merge += fmt::format(" → `{}`", ms.merge->commit);
      }
      facts.push_back(fmt::format("**Merge:** {}", merge));
    }
    if (ms.status != MilestoneStatus::closed && !ms.depends_on.empty()) {
      std::vector<std::string> open;
      std::vector<std::string> all;
      for (const model::Ref& dep : ms.depends_on) {
        all.push_back(dep.id);
        const auto it = m_milestones.find(dep.id);
        if (it != m_milestones.end() && it->second->status != MilestoneStatus::closed) {
          open.push_back(dep.id);
        }
      }
      facts.push_back(open.empty() ? fmt::format("**Blockers:** None ({} complete)", ids(all))
                                   : fmt::format("**Blockers:** {} not complete", ids(open)));
    }
    for (std::size_t i = 0; i < facts.size(); ++i) {
      line(i + 1 < facts.size() ? facts[i] + "  " : facts[i]);
    }
    line();

    line("**Intent:**");
    line(prose(ms.intent));
    line();

    if (!ms.scope_in.empty() || !ms.scope_out.empty()) {
      bullet_list("In Scope", ms.scope_in);
      bullet_list("Out of Scope", ms.scope_out);
    }
    if (!ms.deliverables.empty()) {
      line("**Deliverables:**");
      for (const model::Deliverable& dl : ms.deliverables) {
        std::string text = prose(dl.text);
        if (!dl.path.empty() && text.find(dl.path) == std::string::npos) {
          text = fmt::format("`{}` — {}", dl.path, text);
        }
        line(fmt::format("- {}{}", dl.done ? "✅ " : "⬜ ", text));
      }
      line();
    }
    if (!ms.findings.empty()) {
      line("**Key Findings:**");
      for (const model::Finding& f : ms.findings) {
        line(f.label.empty() ? fmt::format("- {}", prose(f.text))
                             : fmt::format("- **{}:** {}", f.label, prose(f.text)));
      }
      line();
    }
    bullet_list(ms.status == MilestoneStatus::closed ? "Non-Goals (Honored)" : "Non-Goals", ms.non_goals, "❌ ");
    if (!ms.evidence_gaps.empty()) {
      line("**Evidence Gaps (Accepted):**");
      for (const model::EvidenceGap& g : ms.evidence_gaps) {
        line(fmt::format("- {}{}", prose(g.text), g.deferred_to ? fmt::format(" → {}", g.deferred_to->id) : ""));
      }
      line();
    }
    bullet_list("Outcome", ms.outcome);
    invariant_lines(ms);
    if (!ms.ci_runs.empty()) {
      line(ms.ci_workflow.empty() ? std::string("**CI Progression:**")
                                  : fmt::format("**CI Progression** (`{}`):", ms.ci_workflow));
      for (const model::CiRun& r : ms.ci_runs) {
        std::string text = fmt::format("- Run {}", r.number);
        if (r.id) {
          text += fmt::format(" ([{}]({}))", *r.id, run_url(ms, *r.id));
        }
        std::string conclusion(model::to_string(r.conclusion));
        std::transform(conclusion.begin(), conclusion.end(), conclusion.begin(), [](char c) {
          return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
        });
        text += fmt::format(": {}", conclusion);
        if (!r.issue.empty()) {
          text += fmt::format(" ({})", r.issue);
        }
        if (!r.fix.empty()) {
          text += fmt::format(" → Fixed: {}", r.fix);
        }
        if (!r.commit.empty()) {
          text += fmt::format(" (`{}`)", r.commit);
        }
        // The ingested run with this id, if any: the evidence behind the line.
        if (r.id) {
          const auto run = std::find_if(
            m_ci_runs.begin(), m_ci_runs.end(), [&](const model::CiRunEvidence& x) { return x.run_id == *r.id; });
          if (run != m_ci_runs.end()) {
            const std::string wanted(model::to_string(r.conclusion));
            text += run->conclusion == wanted
                      ? fmt::format(" — evidence: ingested run concluded {} at `{}`, {}",
                                    run->conclusion,
                                    model::short_commit(run->stamp.commit, model::k_ci_run_commit_digits),
                                    run->stamp.taken_at)
                      : fmt::format(" — ⚠️ the ingested run says {}, not {}",
                                    run->conclusion.empty() ? run->status : run->conclusion,
                                    wanted);
          }
        }
        line(text);
      }
      line();
    }
    if (!ms.commits.empty()) {
      line("**Commits:**");
      for (const model::CommitRef& c : ms.commits) {
        line(fmt::format("- `{}` {}", c.sha, c.message));
      }
      line();
    }
    bullet_list("Verification", ms.verification, "✅ ");
    bullet_list("Verification Plan", ms.verification_plan);
    if (!ms.rollback.empty()) {
      line(fmt::format("**Rollback:** {}", prose(ms.rollback)));
      line();
    }
    if (!ms.risk.empty() && ms.status != MilestoneStatus::closed) {
      line(fmt::format("**Expected Risk:** {}", prose(ms.risk)));
      line();
    }
    for (const std::string& note : ms.notes) {
      line(fmt::format("**Note:** {}", prose(note)));
      line();
    }
    for (const model::Link& see : ms.see) {
      line(fmt::format("**See:** [`{}`]({}){}", see.path, see.path, see.title.empty() ? "" : " — " + see.title));
      line();
    }
    if (ms.closeout && !ms.closeout->artifacts.empty()) {
      line("**Closeout Artifacts:**");
      for (const std::string& a : ms.closeout->artifacts) {
        const std::size_t slash = a.rfind('/');
        line(fmt::format("- [`{}`]({})", slash == std::string::npos ? a : a.substr(slash + 1), a));
      }
      line();
    }
    if (ms.closeout && !ms.closeout->verdict.empty()) {
      line(fmt::format("**Verdict:** {}", ms.closeout->verdict));
      line();
    }
    closeout_history(ms);
    line("---");
    line();
  }

  void invariant_lines(const model::Milestone& ms)
  {
    static constexpr std::pair<model::InvariantRole, std::string_view> k_roles[] = {
      {model::InvariantRole::introduced, "Invariants Introduced"},
      {model::InvariantRole::protected_, "Invariants Protected"},
      {model::InvariantRole::verified, "Invariants Verified"},
    };
    for (const auto& [role, title] : k_roles) {
      std::vector<std::string> items;
      for (const model::InvariantLink& l : ms.invariants) {
        if (l.role != role) {
          continue;
        }
        std::string text = invariant_title(l.invariant.id);
        std::vector<std::string> parts;
        if (!l.note.empty()) {
          parts.push_back(prose(l.note));
        }
        for (const model::MetricValue& mv : l.metrics) {
          parts.push_back(fmt::format("{}: {}", humanize(mv.name), format_number(mv.value)));
        }
        if (!parts.empty()) {
          text += " (";
          for (std::size_t i = 0; i < parts.size(); ++i) {
            text += (i == 0 ? "" : "; ") + parts[i];
          }
          text += ")";
        }
        const auto evaluation = m_evaluations.find(l.invariant.id);
        if (evaluation != m_evaluations.end()) {
          text += fmt::format(" — now **{}**", model::to_string(evaluation->second.status));
          const auto& tree = evaluation->second.tree;
          if (role == model::InvariantRole::verified && tree) {
            evidence_lines(*tree, "  ", text);
          }
        }
        items.push_back(text);
      }
      if (!items.empty()) {
        line(fmt::format("**{}:**", title));
        for (const std::string& item : items) {
          line("- " + item);
        }
        line();
      }
    }
  }

  // What the milestone's closeout record says: how it was closed, and every
  // reopen with its reason.
  void closeout_history(const model::Milestone& ms)
  {
    const model::CloseoutRecord* record = model::find_record(m_records, ms.id);
    if (record == nullptr) {
      return;
    }
    line(fmt::format("**Closeout Record:** [`{0}`]({0})", model::record_path(ms.id)));
    for (const model::CloseoutEvent& e : record->events) {
      switch (e.kind) {
      case model::CloseoutEventKind::close: {
        const auto passed = std::count_if(
          e.gates.begin(), e.gates.end(), [](const auto& g) { return g.outcome == model::GateOutcome::passed; });
        line(fmt::format("- Closed {} by {} at `{}`: {}/{} gates passed",
                         e.date,
                         e.by,
                         model::short_commit(e.commit),
                         passed,
                         e.gates.size()));
        break;
      }
      case model::CloseoutEventKind::adopt:
        line(fmt::format("- Closed {} before the ledger existed (commit `{}`); recorded by {} "
                         "without gate evaluation{}",
                         e.date,
                         model::short_commit(e.commit),
                         e.by,
                         e.reason.empty() ? "" : ": " + e.reason));
        break;
      case model::CloseoutEventKind::reopen:
        line(fmt::format("- ⚠️ Reopened {} by {}: {}", e.date, e.by, e.reason));
        break;
      }
    }
    line();
  }

  // The rule tree as nested bullets: each condition, its result and evidence.
  static void evidence_lines(const model::ConditionResult& r, const std::string& indent, std::string& out)
  {
    out += fmt::format("\n{}- {}: {}", indent, r.description, model::to_string(r.status));
    for (const std::string& d : r.details) {
      out += fmt::format("\n{}  - {}", indent, d);
    }
    for (const model::ConditionResult& c : r.children) {
      evidence_lines(c, indent + "  ", out);
    }
  }

  void invariant_status()
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
                                   inv.name,
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

  void history()
  {
    line("## Milestone History");
    line();
    for (const model::PhaseProgress& pp : m_metrics.phases) {
      const auto phase = m_phases.find(pp.phase);
      std::string state;
      const int open = pp.in_progress + pp.planned + pp.deferred;
      if (pp.milestones.empty()) {
        state = " (Future)";
      } else if (open == 0) {
        state = " (Complete)";
      } else if (pp.closed > 0 || pp.in_progress > 0) {
        state = " (In Progress)";
      } else {
        state = " (Planned)";
      }
      line(fmt::format("### {}{}", phase_title(pp.phase), state));
      line();
      if (phase != m_phases.end() && !phase->second->goal.empty()) {
        line(fmt::format("**Goal:** {}", prose(phase->second->goal)));
        line();
      }
      std::vector<const model::Milestone*> rest;
      for (const std::string& id : pp.milestones) {
        const model::Milestone& ms = *m_milestones.at(id);
        const bool detailed = ms.status == MilestoneStatus::closed || ms.status == MilestoneStatus::in_progress
                              || m_metrics.next_milestone == ms.id;
        if (detailed) {
          milestone_entry(ms);
        } else {
          rest.push_back(&ms);
        }
      }
      if (!rest.empty()) {
        std::vector<std::string> rest_ids;
        rest_ids.reserve(rest.size());
        for (const model::Milestone* ms : rest) {
          rest_ids.push_back(ms->id);
        }
        line(fmt::format("#### {} — Not Started", ids(rest_ids)));
        line();
        m_out += table_row({"ID", "Milestone", "Effort", "Depends On", "Invariants", "Status"});
        m_out += table_rule(6);
        for (const model::Milestone* ms : rest) {
          std::vector<std::string> deps;
          deps.reserve(ms->depends_on.size());
          for (const model::Ref& dep : ms->depends_on) {
            deps.push_back(dep.id);
          }
          std::vector<std::string> invs;
          invs.reserve(ms->invariants.size());
          for (const model::InvariantLink& l : ms->invariants) {
            invs.push_back(l.invariant.id);
          }
          std::string invariants;
          for (const std::string& i : invs) {
            invariants += (invariants.empty() ? "" : ", ") + i;
          }
          m_out += table_row({ms->id,
                              ms->title,
                              ms->effort_estimate ? format_number(*ms->effort_estimate) + "h" : "—",
                              deps.empty() ? "—" : ids(deps),
                              invariants.empty() ? "—" : invariants,
                              std::string(milestone_status_label(ms->status))});
        }
        line();
      }
      if (phase != m_phases.end() && !phase->second->future.empty()) {
        line("**Future milestones (to be defined):**");
        for (const std::string& f : phase->second->future) {
          line("- " + prose(f));
        }
        line();
      }
    }
    line("---");
    line();
  }

  void principles()
  {
    const model::Program& p = m_defs.program;
    if (p.principles.empty()) {
      return;
    }
    line("## Architectural Principles");
    line();
    if (!p.principles_note.empty()) {
      line(fmt::format("*({})*", p.principles_note));
      line();
    }
    int n = 1;
    for (const model::Principle& pr : p.principles) {
      line(pr.text.empty() ? fmt::format("{}. **{}**", n, prose(pr.title))
                           : fmt::format("{}. **{}** — {}", n, prose(pr.title), prose(pr.text)));
      ++n;
    }
    rule();
  }

  void deprecation()
  {
    const model::Program& p = m_defs.program;
    if (p.deprecation_policy.empty()) {
      return;
    }
    line("## Deprecation Policy");
    line();
    if (!p.deprecation_note.empty()) {
      line(fmt::format("*({})*", p.deprecation_note));
      line();
    }
    line(prose(p.deprecation_policy));
    rule();
  }

  void risks()
  {
    if (m_defs.risks.empty()) {
      return;
    }
    line("## Active Risks");
    line();
    if (!m_defs.program.risks_intro.empty()) {
      line(prose(m_defs.program.risks_intro));
      line();
    }
    m_out += table_row({"ID", "Risk", "Priority", "Status", "Milestone"});
    m_out += table_rule(5);
    for (const model::Risk& r : m_defs.risks) {
      std::vector<std::string> ms;
      ms.reserve(r.milestones.size());
      for (const model::Ref& ref : r.milestones) {
        ms.push_back(ref.id);
      }
      std::string milestones = ms.empty() ? "—" : ids(ms);
      if (!r.milestones_note.empty()) {
        milestones += fmt::format(" ({})", r.milestones_note);
      }
      m_out += table_row({fmt::format("**{}**", r.id),
                          r.title,
                          std::string(model::to_string(r.priority)),
                          std::string(risk_status_label(r.status)),
                          milestones});
    }
    line();
    std::string counts;
    for (const auto& [status, name] : model::EnumTraits<model::RiskStatus>::k_names) {
      const int n = m_metrics.risks_by_status[model::enum_index(status)];
      if (n > 0) {
        counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, name);
      }
    }
    line(fmt::format("**Risks:** {} ({})", m_defs.risks.size(), counts));
    rule();
  }

  void deferrals()
  {
    if (m_defs.deferrals.empty()) {
      return;
    }
    line("## Deferred Issues");
    line();
    line(fmt::format("**Open:** {} · **Overdue:** {} (deferred to a milestone that closed without "
                     "resolving them)",
                     m_metrics.open_deferrals,
                     m_metrics.overdue_deferrals));
    line();
    m_out += table_row({"ID", "Issue", "Discovered", "Deferred To", "Blocker", "Exit Criteria", "Status"});
    m_out += table_rule(7);
    for (const model::DeferralState& state : m_metrics.deferrals) {
      const model::Deferral& d = *state.deferral;
      std::string id = d.id;
      if (!d.source_ref.empty()) {
        id += fmt::format(" ({})", d.source_ref);
      }
      std::string status(model::to_string(d.status));
      if (state.overdue) {
        status = state.slipped >= 2 ? fmt::format("⚠️ overdue: slipped past {} milestones", state.slipped)
                                    : std::string("⚠️ overdue");
      }
      m_out += table_row({id,
                          prose(d.what),
                          d.discovered_in.id,
                          d.deferred_to ? d.deferred_to->id : "—",
                          d.blocker ? "Yes" : "No",
                          d.exit_criteria.empty() ? "—" : prose(d.exit_criteria),
                          status});
    }
    rule();
  }

  void invariant_catalog()
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
                          inv.name,
                          std::string(model::to_string(inv.priority)),
                          std::string(coverage_label(inv.coverage)),
                          action});
    }
    rule();
  }

  void progress()
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

  void scores()
  {
    std::vector<Scored> rows;
    for (const model::Milestone& ms : m_defs.milestones) {
      if (const auto& score = ms.score) {
        rows.push_back({&ms, &*score});
      }
    }
    std::stable_sort(
      rows.begin(), rows.end(), [](const Scored& a, const Scored& b) { return a.score->date < b.score->date; });
    if (m_defs.dimensions.empty()) {
      return;
    }
    line("## Score Trend");
    line();
    std::vector<std::string> head{"Date", "Milestone"};
    for (const model::ScoreDimension& d : m_defs.dimensions) {
      head.push_back(d.name);
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
    chart(rows);
    rule();
  }

  void chart(const std::vector<Scored>& rows)
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
        const auto v = std::find_if(
          scored.begin(), scored.end(), [&](const model::ScoreValue& x) { return x.dimension.id == d->id; });
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

  // A section of the program's prose, with a computed note after it.
  void prose_section(std::string_view title, const std::string& text, const std::string& note = {})
  {
    if (text.empty() && note.empty()) {
      return;
    }
    line(fmt::format("## {}", title));
    line();
    if (!text.empty()) {
      line(prose(text));
    }
    if (!note.empty()) {
      if (!text.empty()) {
        line();
      }
      line(note);
    }
    rule();
  }

  // Where the rendered tool-call log is, once closeouts carry audit entries.
  std::string tool_log_note() const
  {
    if (m_records.empty()) {
      return {};
    }
    const std::string& path = m_defs.program.toolcalls_path;
    return fmt::format("The ledger's audit log, as the closeout records carry it, is rendered to "
                       "[`{0}`]({0}); `refactor-ledger log` lists every entry, including those since the "
                       "last closeout.",
                       path);
  }

  void document_version()
  {
    line("## Document Version");
    line();
    line(fmt::format("**Version:** {} (one per milestone closeout)  ", m_metrics.document_version));
    if (m_metrics.last_closed_milestone) {
      line(fmt::format(
        "**Last Updated:** {} ({} closeout)  ", m_metrics.last_closeout_date, *m_metrics.last_closed_milestone));
    } else {
      line("**Last Updated:** no milestone closed yet  ");
    }
    if (m_metrics.next_milestone) {
      line(fmt::format("**Next Update:** {} completion  ", *m_metrics.next_milestone));
    } else if (m_metrics.in_progress_milestone) {
      line(fmt::format("**Next Update:** {} completion  ", *m_metrics.in_progress_milestone));
    }
    line(fmt::format("**Baseline Locked:** Commit {}",
                     model::short_commit(m_defs.program.baseline_commit, model::k_baseline_commit_digits)));
    rule();
  }

  const model::Definitions& m_defs;
  const model::ProgramMetrics& m_metrics;
  const std::map<std::string, model::Evaluation>& m_evaluations;
  const std::vector<model::CiRunEvidence>& m_ci_runs;
  const std::vector<model::CloseoutRecord>& m_records;
  std::string m_evidence_as_of;
  model::MilestoneOrder m_order;
  std::map<std::string, const model::Milestone*> m_milestones;
  std::map<std::string, const model::Invariant*> m_invariants;
  std::map<int, const model::Phase*> m_phases;
  std::string m_out;
};

} // namespace

std::string
expand_placeholders(const std::string& text, const model::Definitions& d)
{
  if (text.find("{{") == std::string::npos) {
    return text;
  }
  const std::pair<std::string_view, std::size_t> values[] = {
    {"{{invariant_count}}", d.invariants.size()},
    {"{{milestone_count}}", d.milestones.size()},
    {"{{risk_count}}", d.risks.size()},
    {"{{phase_count}}", d.phases.size()},
  };
  std::string out = text;
  for (const auto& [name, value] : values) {
    std::size_t pos = 0;
    const std::string replacement = std::to_string(value);
    while ((pos = out.find(name, pos)) != std::string::npos) {
      out.replace(pos, name.size(), replacement);
      pos += replacement.size();
    }
  }
  return out;
}

std::string
render_living_log(const model::Definitions& definitions,
                  const model::ProgramMetrics& metrics,
                  const std::map<std::string, model::Evaluation>& evaluations,
                  const std::vector<model::CiRunEvidence>& ci_runs,
                  const std::vector<model::CloseoutRecord>& records,
                  const std::string& evidence_as_of)
{
  return LogWriter(definitions, metrics, evaluations, ci_runs, records, evidence_as_of).render();
}

} // namespace rl::report
