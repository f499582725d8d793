// `invariants`: the catalog with each invariant's computed status, filtered.
#include "app/ledger.hpp"
#include "app/program.hpp"
#include "app/program_support.hpp"

namespace rl::app {

model::InvariantList
list_invariants(const GlobalOptions& global, const InvariantFilter& filter)
{
  check_values<model::Priority>(filter.priority, "--priority");
  check_values<model::Coverage>(filter.coverage, "--coverage");
  check_values<model::InvariantStatus>(filter.status, "--status");
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  const model::Definitions& d = ledger.definitions();
  const Assessment assessment = assess(*ledger.db, d, ledger.paths.root);
  const LinkIndex links = rules::links_by_invariant(d);
  const auto text = [](auto value) { return std::string(model::to_string(value)); };
  model::InvariantList result;
  for (const model::Invariant& inv : d.invariants) {
    const model::InvariantStatus status = assessment.evaluations.at(inv.id).status;
    if (!matches(filter.priority, text(inv.priority)) || !matches(filter.coverage, text(inv.coverage))
        || !matches(filter.category, inv.category) || !matches(filter.status, text(status))) {
      continue;
    }
    if (!filter.milestone.empty()) {
      bool linked = inv.recommendation && inv.recommendation->milestone
                    && matches(filter.milestone, inv.recommendation->milestone->id);
      if (const auto it = links.find(inv.id); it != links.end()) {
        for (const model::MilestoneRole& l : it->second) {
          linked = linked || matches(filter.milestone, l.milestone);
        }
      }
      if (!linked) {
        continue;
      }
    }
    result.invariants.push_back(invariant_view(inv, assessment, links));
  }
  return result;
}

} // namespace rl::app
