// `validate`: parse everything, write nothing.
#include "app/git.hpp"
#include "app/ledger.hpp"
#include "app/program.hpp"
#include "util/error.hpp"

namespace rl::app {

model::ValidateResult
validate(const GlobalOptions& global)
{
  const ProgramPaths paths = resolve_paths(global);
  model::ValidateResult result;
  result.repo_prefix = repo_prefix(paths.root);
  try {
    const auto stamps = scan_sources(paths.root);
    result.counts.files = stamps.size();
    const model::Definitions d = parse_program(paths.root, stamps).definitions;
    result.counts = {
      stamps.size(), d.milestones.size(), d.invariants.size(), d.risks.size(), d.deferrals.size(), d.phases.size()};
  } catch (const util::InputError& e) {
    // The problems are validate's result: every --format reports them.
    result.diagnostics = e.diagnostics();
  }
  return result;
}

ExitCode
exit_code(const model::ValidateResult& result)
{
  return result.valid() ? ExitCode::ok : ExitCode::input_error;
}

} // namespace rl::app
