#include "rules/program_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace rl::rules {

using model::MilestoneStatus;

int
percent(int part, int whole)
{
  if (whole <= 0) {
    return 0;
  }
  return static_cast<int>(std::lround(100.0 * part / whole));
}

model::ProgramMetrics
compute_metrics(const model::Definitions& d, const std::map<std::string, model::InvariantStatus>& statuses)
{
  model::ProgramMetrics m;
  std::map<std::string, const model::Milestone*> by_id;
  for (const model::Milestone& ms : d.milestones) {
    by_id.emplace(ms.id, &ms);
  }
  auto closed = [&](const std::string& id) {
    const auto it = by_id.find(id);
    return it != by_id.end() && it->second->status == MilestoneStatus::closed;
  };

  std::map<int, model::PhaseProgress> phases;
  for (const model::Phase& p : d.phases) {
    phases[p.id].phase = p.id;
  }
  for (const model::Milestone& ms : d.milestones) {
    const int phase = std::stoi(ms.phase.id);
    model::PhaseProgress& pp = phases[phase];
    pp.phase = phase;
    pp.milestones.push_back(ms.id);
    switch (ms.status) {
    case MilestoneStatus::closed:
      ++pp.closed;
      ++m.milestone_closed;
      break;
    case MilestoneStatus::in_progress:
      ++pp.in_progress;
      if (!m.in_progress_milestone) {
        m.in_progress_milestone = ms.id;
      }
      break;
    case MilestoneStatus::planned:
      ++pp.planned;
      break;
    case MilestoneStatus::deferred:
      ++pp.deferred;
      break;
    case MilestoneStatus::cancelled:
      ++pp.cancelled;
      break;
    }
    if (ms.status != MilestoneStatus::cancelled) {
      ++m.milestone_total;
    }
    if (ms.status == MilestoneStatus::planned || ms.status == MilestoneStatus::in_progress) {
      m.remaining_effort += ms.effort_estimate.value_or(0);
      m.remaining_milestones.push_back(ms.id);
      m.unestimated_open += ms.effort_estimate ? 0 : 1;
    } else if (ms.status == MilestoneStatus::deferred) {
      m.deferred_effort += ms.effort_estimate.value_or(0);
      m.deferred_milestones.push_back(ms.id);
    }
    if (!m.next_milestone && ms.status == MilestoneStatus::planned
        && std::all_of(
          ms.depends_on.begin(), ms.depends_on.end(), [&](const model::Ref& dep) { return closed(dep.id); })) {
      m.next_milestone = ms.id;
    }
    if (ms.status == MilestoneStatus::closed && ms.closeout && ms.closeout->date >= m.last_closeout_date) {
      m.last_closeout_date = ms.closeout->date;
      m.last_closed_milestone = ms.id;
    }
    if (ms.status == MilestoneStatus::closed && ms.closeout) {
      ++m.document_version;
    }
  }
  for (auto& [id, pp] : phases) {
    m.phases.push_back(pp);
  }
  m.percent_complete = percent(m.milestone_closed, m.milestone_total);
  m.program_complete = m.milestone_total > 0 && m.milestone_closed == m.milestone_total;

  // Current phase: where the work is (in progress, else next); else the first
  // phase with open milestones; else the last phase.
  const std::optional<std::string> focus = m.in_progress_milestone ? m.in_progress_milestone : m.next_milestone;
  if (focus) {
    m.current_phase = std::stoi(by_id.at(*focus)->phase.id);
  } else {
    for (const model::PhaseProgress& pp : m.phases) {
      if (pp.planned + pp.in_progress > 0) {
        m.current_phase = pp.phase;
        break;
      }
    }
    if (!m.current_phase && !m.phases.empty()) {
      m.current_phase = m.phases.back().phase;
    }
  }

  int p0_total = 0;
  int p0_strong = 0;
  for (const model::Invariant& inv : d.invariants) {
    const std::size_t p = model::enum_index(inv.priority);
    const std::size_t c = model::enum_index(inv.coverage);
    ++m.invariants_by_priority_coverage[p][c];
    ++m.invariants_by_priority[p];
    ++m.invariants_by_coverage[c];
    if (inv.priority == model::Priority::p0) {
      ++p0_total;
      p0_strong += inv.coverage == model::Coverage::strong ? 1 : 0;
    }
  }
  m.invariant_total = static_cast<int>(d.invariants.size());
  m.p0_strong_percent = percent(p0_strong, p0_total);
  for (const model::Invariant& inv : d.invariants) {
    const auto it = statuses.find(inv.id);
    ++m.invariants_by_status[model::enum_index(it == statuses.end() ? model::InvariantStatus::unverified : it->second)];
  }

  for (const model::Risk& r : d.risks) {
    ++m.risks_by_status[model::enum_index(r.status)];
  }

  for (const model::Deferral& def : d.deferrals) {
    model::DeferralState state;
    state.deferral = &def;
    if (def.status == model::DeferralStatus::open) {
      ++m.open_deferrals;
      if (def.deferred_to && closed(def.deferred_to->id)) {
        state.overdue = true;
        ++m.overdue_deferrals;
        bool counting = false;
        for (const model::Milestone& ms : d.milestones) {
          counting = counting || ms.id == def.deferred_to->id;
          if (counting && ms.status == MilestoneStatus::closed) {
            ++state.slipped;
          }
        }
      }
    }
    m.deferrals.push_back(state);
  }
  return m;
}

std::unordered_map<std::string, std::vector<InvariantLinkRef>>
links_by_invariant(const model::Definitions& definitions)
{
  std::unordered_map<std::string, std::vector<InvariantLinkRef>> links;
  for (const model::Milestone& m : definitions.milestones) {
    for (const model::InvariantLink& l : m.invariants) {
      links[l.invariant.id].push_back({m.id, l.role});
    }
  }
  return links;
}

} // namespace rl::rules
