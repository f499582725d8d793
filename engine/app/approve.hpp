#pragma once

// approve: a person's sign-off on one of a milestone's approval gates.

#include "app/commands.hpp"
#include "model/closeout_results.hpp"

#include <string>

namespace rl::app {

// Records `by`'s approval `gate` of milestone `milestone` (with its audit
// entry). Usage errors: no --by, an unknown or closed milestone, an approval
// the milestone does not require.
model::ApproveResult run_approve(const GlobalOptions& global,
                                 const std::string& milestone,
                                 const std::string& gate,
                                 const std::string& by,
                                 const std::string& note,
                                 const std::string& at = {});

// Always ok: a refused approval is a usage error.
ExitCode exit_code(const model::ApproveResult& result);

} // namespace rl::app
