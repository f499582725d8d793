#include "app/check.hpp"

#include "app/assess.hpp"
#include "app/git.hpp"
#include "app/ledger.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

namespace rl::app {

model::CheckResult
run_check(const GlobalOptions& global, const CheckOptions& options)
{
  const auto threshold = model::parse_enum<model::Priority>(options.min_priority);
  if (!threshold) {
    throw util::UsageError(fmt::format("invalid value '{}' for --priority: allowed values are {}",
                                       options.min_priority,
                                       model::allowed_values<model::Priority>()));
  }
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  const model::Definitions& d = ledger.definitions();
  const Assessment a = assess(*ledger.db, d, ledger.paths.root);
  model::CheckResult result;
  result.min_priority = *threshold;
  result.require_verified = options.require_verified;
  result.repo_prefix = repo_prefix(ledger.paths.root);
  for (const model::Invariant& inv : d.invariants) {
    if (model::enum_index(inv.priority) > model::enum_index(*threshold)) {
      continue;
    }
    const model::Evaluation& e = a.evaluations.at(inv.id);
    const bool bad = e.status == model::InvariantStatus::failing
                     || (options.require_verified && e.status != model::InvariantStatus::verified
                         && e.status != model::InvariantStatus::waived);
    if (bad) {
      result.offenders.push_back({inv.id, inv.name, inv.priority, e.status, e.reasons, inv.statement, inv.origin});
    }
  }
  return result;
}

ExitCode
exit_code(const model::CheckResult& result)
{
  return result.passed() ? ExitCode::ok : ExitCode::negative;
}

} // namespace rl::app
