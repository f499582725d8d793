#pragma once

// recover: where the program stands, for a session that starts fresh.

#include "app/commands.hpp"
#include "model/closeout_results.hpp"

namespace rl::app {

// The last audit entry, the completion and the next planned action: the
// milestone in progress (else the next one) and its gates that fail today,
// evaluated at HEAD as `close --dry-run` would (read-only).
model::RecoverResult run_recover(const GlobalOptions& global);

// Always ok: open gates are the answer, not a failure.
ExitCode exit_code(const model::RecoverResult& result);

} // namespace rl::app
