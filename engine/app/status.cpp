// `status`: the program summary, every figure computed.
#include "app/assess.hpp"
#include "app/ledger.hpp"
#include "app/program.hpp"
#include "rules/program_metrics.hpp"

namespace rl::app {

model::StatusResult
status(const GlobalOptions& global)
{
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  const model::Definitions& d = ledger.definitions();
  const Assessment assessment = assess(*ledger.db, d, ledger.paths.root);
  const model::ProgramMetrics m = rules::compute_metrics(d, assessment.statuses);
  model::StatusResult s;
  s.program = d.program.name;
  s.repository = d.program.repository;
  s.milestone_closed = m.milestone_closed;
  s.milestone_total = m.milestone_total;
  s.percent_complete = m.percent_complete;
  s.current_phase = m.current_phase;
  if (m.current_phase) {
    for (const model::Phase& p : d.phases) {
      if (p.id == *m.current_phase) {
        s.current_phase_name = p.name;
      }
    }
  }
  s.next_milestone = m.next_milestone;
  if (m.next_milestone) {
    s.next_milestone_title = model::find_milestone(d, *m.next_milestone)->title;
  }
  s.in_progress_milestone = m.in_progress_milestone;
  s.remaining_effort = m.remaining_effort;
  s.deferred_effort = m.deferred_effort;
  s.invariant_total = m.invariant_total;
  s.invariants_by_priority = m.invariants_by_priority;
  s.invariants_by_coverage = m.invariants_by_coverage;
  s.invariants_by_status = m.invariants_by_status;
  s.p0_strong_percent = m.p0_strong_percent;
  s.risk_total = d.risks.size();
  s.risks_by_status = m.risks_by_status;
  for (const auto& [id, e] : assessment.evaluations) {
    s.waivers_expired += e.waiver_expired ? 1 : 0;
    s.waivers_unneeded += e.waiver_unneeded ? 1 : 0;
  }
  s.deferral_total = d.deferrals.size();
  s.open_deferrals = m.open_deferrals;
  s.overdue_deferrals = m.overdue_deferrals;
  return s;
}

} // namespace rl::app
