// `milestones`: program order, with the computed next milestone marked.
#include "app/ledger.hpp"
#include "app/program.hpp"
#include "app/program_support.hpp"

namespace rl::app {

model::MilestoneList
list_milestones(const GlobalOptions& global, const MilestoneFilter& filter)
{
  check_values<model::MilestoneStatus>(filter.status, "--status");
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  const model::Definitions& d = ledger.definitions();
  const model::ProgramMetrics metrics = rules::compute_metrics(d);
  model::MilestoneList result;
  for (const model::Milestone& m : d.milestones) {
    if (matches(filter.phase, std::stoi(m.phase.id))
        && matches(filter.status, std::string(model::to_string(m.status)))) {
      result.milestones.push_back(milestone_view(m, metrics));
    }
  }
  return result;
}

} // namespace rl::app
