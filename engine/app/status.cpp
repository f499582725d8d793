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
  model::StatusResult s;
  s.program = d.program.name;
  s.repository = d.program.repository;
  s.metrics = rules::compute_metrics(d, assessment.statuses);
  const model::ProgramMetrics& m = s.metrics;
  if (m.current_phase) {
    for (const model::Phase& p : d.phases) {
      if (p.id == *m.current_phase) {
        s.current_phase_name = p.name;
      }
    }
  }
  if (m.next_milestone) {
    s.next_milestone_title = model::find_milestone(d, *m.next_milestone)->title;
  }
  s.risk_total = d.risks.size();
  for (const auto& [id, e] : assessment.evaluations) {
    s.waivers_expired += e.waiver_expired ? 1 : 0;
    s.waivers_unneeded += e.waiver_unneeded ? 1 : 0;
  }
  s.deferral_total = d.deferrals.size();
  return s;
}

} // namespace rl::app
