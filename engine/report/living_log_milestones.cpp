// The milestone history of REFACTOR.md: each phase, the detailed entry of
// every closed, in-progress and next milestone, the table of the others (see
// living_log_writer.hpp).

#include "model/commit.hpp"
#include "report/living_log_writer.hpp"
#include "report/markdown.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace rl::report::detail {

namespace {

std::string
humanize(std::string name)
{
  std::replace(name.begin(), name.end(), '_', ' ');
  return name;
}

} // namespace

void
LogWriter::history()
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

void
LogWriter::bullet_list(std::string_view title, const std::vector<std::string>& items, std::string_view mark)
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

// "open, upstream pytorch/pytorch": the state, and which repository.
std::string
LogWriter::pull_request_state(const model::Merge& merge) const
{
  std::string text(model::to_string(merge.state.value_or(model::PullRequestState::merged)));
  const std::string& repo = merge.repository;
  if (!repo.empty()) {
    const char* where = repo == m_defs.program.repository ? "upstream " : repo == m_defs.program.fork ? "fork " : "";
    text += fmt::format(", {}{}", where, repo);
  }
  return text;
}

std::string
LogWriter::run_url(const model::Milestone& ms, std::int64_t id) const
{
  std::string repo = ms.merge && !ms.merge->repository.empty() ? ms.merge->repository : m_defs.program.fork;
  if (repo.empty()) {
    repo = m_defs.program.repository;
  }
  return fmt::format("https://github.com/{}/actions/runs/{}", repo, id);
}

std::string
LogWriter::entry(const std::string& id)
{
  m_out.clear();
  entry_body(*m_milestones.at(id));
  return std::move(m_out);
}

// A closed milestone's entry as its close froze it, else as it stands; then
// its closeout history (which only a reopen or a close extends).
void
LogWriter::milestone_entry(const model::Milestone& ms)
{
  const model::CloseoutRecord* record = model::find_record(m_records, ms.id);
  const model::CloseoutEvent* close = record != nullptr && record->closed() ? record->last_close() : nullptr;
  if (ms.status == MilestoneStatus::closed && close != nullptr && close->frozen) {
    m_out += close->frozen->log_entry;
  } else {
    entry_body(ms);
  }
  closeout_history(ms);
  line("---");
  line();
}

void
LogWriter::entry_body(const model::Milestone& ms)
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
    if (ms.merge->state) { // said only when the YAML says it: a merge: without state was merged
      merge += fmt::format(" ({})", pull_request_state(*ms.merge));
    }
    if (!ms.merge->commit.empty()) {
      merge += fmt::format(" → `{}`", ms.merge->commit);
    }
    facts.push_back(
      fmt::format("**{}:** {}",
                  ms.merge->state && *ms.merge->state != model::PullRequestState::merged ? "Pull Request" : "Merge",
                  merge));
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
      line(fmt::format("- {}{}", model::deliverable_done(ms, dl) ? "✅ " : "⬜ ", text));
    }
    line();
  }
  if (!ms.findings.empty()) {
    line("**Key Findings:**");
    for (const model::Finding& f : ms.findings) {
      line(f.label.empty() ? fmt::format("- {}", prose(f.text)) : fmt::format("- **{}:** {}", f.label, prose(f.text)));
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
          const std::optional<model::CiConclusion>& got = run->conclusion;
          text += got == r.conclusion
                    ? fmt::format(" — evidence: ingested run concluded {} at `{}`, {}",
                                  to_string(r.conclusion),
                                  model::short_commit(run->stamp.commit, model::k_ci_run_commit_digits),
                                  run->stamp.taken_at)
                    : fmt::format(" — ⚠️ the ingested run says {}, not {}",
                                  got ? to_string(*got) : run->status,
                                  to_string(r.conclusion));
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
}

void
LogWriter::invariant_lines(const model::Milestone& ms)
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
void
LogWriter::closeout_history(const model::Milestone& ms)
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
      const auto count = [&](model::GateOutcome o) {
        return std::count_if(e.gates.begin(), e.gates.end(), [&](const auto& g) { return g.outcome == o; });
      };
      std::string decided;
      if (const auto waived = count(model::GateOutcome::waived); waived > 0) {
        decided += fmt::format(", {} waived", waived);
      }
      if (const auto na = count(model::GateOutcome::not_applicable); na > 0) {
        decided += fmt::format(", {} not applicable", na);
      }
      line(fmt::format("- Closed {} by {} at `{}`: {}/{} gates passed{}",
                       e.date,
                       e.by,
                       model::short_commit(e.commit),
                       passed,
                       e.gates.size(),
                       decided));
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
      line(fmt::format("- ⚠️ Reopened {} by {}: {}{}",
                       e.date,
                       e.by,
                       e.reason,
                       e.changed.empty() ? std::string() : fmt::format(" (changed: {})", fmt::join(e.changed, ", "))));
      break;
    }
  }
  line();
}

// The rule tree as nested bullets: each condition, its result and evidence.
void
LogWriter::evidence_lines(const model::ConditionResult& r, const std::string& indent, std::string& out)
{
  out += fmt::format("\n{}- {}: {}", indent, r.description, model::to_string(r.status));
  for (const std::string& d : r.details) {
    out += fmt::format("\n{}  - {}", indent, d);
  }
  for (const model::ConditionResult& c : r.children) {
    evidence_lines(c, indent + "  ", out);
  }
}

} // namespace rl::report::detail
