#include "app/why.hpp"

#include "app/assess.hpp"
#include "app/ledger.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace rl::app {

model::WhyResult
run_why(const GlobalOptions& global, const std::string& id)
{
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  const model::Definitions& d = ledger.definitions();
  const auto inv = std::find_if(d.invariants.begin(), d.invariants.end(), [&](const auto& x) { return x.id == id; });
  if (inv == d.invariants.end()) {
    throw util::UsageError(
      fmt::format("no invariant has the id '{}'; list them with `refactor-ledger invariants`", id));
  }
  const Assessment a = assess(*ledger.db, d, ledger.paths.root);
  return {id, inv->name, a.evaluations.at(id)};
}

ExitCode
exit_code(const model::WhyResult& /*result*/)
{
  return ExitCode::ok;
}

} // namespace rl::app
