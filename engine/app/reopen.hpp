#pragma once

// reopen: unlock a closed milestone so that its YAML may change.

#include "app/commands.hpp"
#include "model/closeout_results.hpp"

#include <string>

namespace rl::app {

// Appends a reopen event (with `reason`, `by` or the OS user, and the audit
// entries not yet carried) to the milestone's closeout record and writes it
// with every output it changes, as one unit. Usage errors: a blank reason, an
// unknown milestone, a milestone that is not closed.
model::ReopenResult run_reopen(const GlobalOptions& global,
                               const std::string& milestone,
                               const std::string& reason,
                               const std::string& by);

// Always ok: a refused reopen is a usage error.
ExitCode exit_code(const model::ReopenResult& result);

} // namespace rl::app
