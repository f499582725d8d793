// `load`: reload the ledger from the YAML, always.
#include "app/ledger.hpp"
#include "app/program.hpp"
#include "store/definitions_repo.hpp"
#include "util/fs.hpp"

namespace rl::app {

model::LoadSummary
load(const GlobalOptions& global)
{
  Ledger ledger = open_current(global, ReloadPolicy::always);
  const model::Definitions& d = ledger.definitions();
  model::LoadSummary result;
  result.updated = ledger.load_result == LoadResult::updated;
  result.database = util::display_path(ledger.paths.db, ledger.paths.root);
  result.counts = {store::read_source_stamps(*ledger.db).size(),
                   d.milestones.size(),
                   d.invariants.size(),
                   d.risks.size(),
                   d.deferrals.size(),
                   d.phases.size()};
  return result;
}

} // namespace rl::app
