#include "app/audit_log.hpp"

#include "app/ledger.hpp"
#include "store/closeout_repo.hpp"

namespace rl::app {

model::LogResult
run_log(const GlobalOptions& global, const LogOptions& options)
{
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  return {store::audit_entries(*ledger.db, {options.milestone, options.action, options.since, options.limit})};
}

ExitCode
exit_code(const model::LogResult& /*result*/)
{
  return ExitCode::ok;
}

} // namespace rl::app
