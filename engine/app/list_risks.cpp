// `risks`: the risk register, filtered.
#include "app/ledger.hpp"
#include "app/program.hpp"
#include "app/program_support.hpp"

namespace rl::app {

model::RiskList
list_risks(const GlobalOptions& global, const RiskFilter& filter)
{
  check_values<model::Priority>(filter.priority, "--priority");
  check_values<model::RiskStatus>(filter.status, "--status");
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  model::RiskList result;
  for (const model::Risk& r : ledger.definitions().risks) {
    if (matches(filter.priority, std::string(model::to_string(r.priority)))
        && matches(filter.status, std::string(model::to_string(r.status)))) {
      result.risks.push_back(r);
    }
  }
  return result;
}

} // namespace rl::app
