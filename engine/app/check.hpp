#pragma once

#include "app/commands.hpp"
#include "model/enums.hpp"
#include "model/evidence_results.hpp"

#include <string>

namespace rl::app {

struct CheckOptions
{
  std::string min_priority = "P0";
  bool require_verified = false;
  model::OutputFormat format = model::OutputFormat::table; // for report::emit (the use case does not print)
};

// `check`: the invariants at or above the priority that are failing (or, with
// require_verified, not verified or waived), in catalog order. Throws
// UsageError for a priority that is not P0..P3.
model::CheckResult run_check(const GlobalOptions& global, const CheckOptions& options);

// ok when nothing offends, else negative (exit 1).
ExitCode exit_code(const model::CheckResult& result);

} // namespace rl::app
