// `validate`: parse everything, write nothing.
#include "app/ledger.hpp"
#include "app/program.hpp"

namespace rl::app {

model::ValidateResult
validate(const GlobalOptions& global)
{
  const ProgramPaths paths = resolve_paths(global);
  const auto stamps = scan_sources(paths.root);
  const model::Definitions d = parse_program(paths.root, stamps).definitions;
  return {
    {stamps.size(), d.milestones.size(), d.invariants.size(), d.risks.size(), d.deferrals.size(), d.phases.size()}};
}

} // namespace rl::app
