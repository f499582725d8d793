#pragma once

#include "app/commands.hpp"
#include "model/evidence_results.hpp"

#include <string>

namespace rl::app {

// `why ID`: the invariant's status evaluated from the evidence, with its
// reasons and rule tree. Throws UsageError when no invariant has the id.
model::WhyResult run_why(const GlobalOptions& global, const std::string& id);

// Always ok: an explanation is not a verdict.
ExitCode exit_code(const model::WhyResult& result);

} // namespace rl::app
