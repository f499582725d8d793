#include "app/recover.hpp"

#include "app/assess.hpp"
#include "app/closeout_support.hpp"
#include "app/ledger.hpp"
#include "model/gates.hpp"
#include "rules/gates.hpp"
#include "rules/program_metrics.hpp"
#include "store/closeout_repo.hpp"
#include "store/evidence_repo.hpp"

namespace rl::app {

model::RecoverResult
run_recover(const GlobalOptions& global)
{
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  const model::Definitions& d = ledger.definitions();
  const std::vector<model::CloseoutRecord> records = store::read_records(*ledger.db);
  const Assessment assessment = assess(*ledger.db, d, ledger.paths.root);
  const model::ProgramMetrics metrics = rules::compute_metrics(d, assessment.statuses);
  std::vector<model::AuditEntry> last = store::audit_entries(*ledger.db, {"", "", "", 1});

  model::RecoverResult result;
  if (!last.empty()) {
    result.last_action = std::move(last.front());
  }
  result.progress = {metrics.milestone_closed,
                     metrics.milestone_total,
                     metrics.percent_complete,
                     metrics.current_phase,
                     metrics.program_complete};
  const std::optional<std::string> next =
    metrics.in_progress_milestone ? metrics.in_progress_milestone : metrics.next_milestone;
  if (next) {
    const model::Milestone& m = find_milestone(d, *next);
    const model::EffectiveGates gates = model::effective_gates(d.program.gates, m.gates);
    const rules::GateFacts facts =
      gather_facts(*ledger.db, ledger.paths.root, d, records, m, gates, {}, assessment, store::ci_runs(*ledger.db));
    model::RecoverResult::NextAction action{m.id, m.title, {}};
    for (model::GateResult& g : rules::evaluate_gates(d, m, gates, facts)) {
      if (g.outcome == model::GateOutcome::failed) {
        action.open_gates.push_back(std::move(g));
      }
    }
    result.next = std::move(action);
  }
  return result;
}

ExitCode
exit_code(const model::RecoverResult& /*result*/)
{
  return ExitCode::ok;
}

} // namespace rl::app
