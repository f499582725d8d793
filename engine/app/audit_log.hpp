#pragma once

// log: the audit log, every command that changed the ledger.

#include "app/commands.hpp"
#include "model/closeout_results.hpp"

#include <string>

namespace rl::app {

struct LogOptions
{
  std::string milestone; // only entries about it
  std::string action;    // only this action
  std::string since;     // only entries at or after (YYYY-MM-DD[THH:MM:SSZ])
  int limit = 0;         // only the latest N; 0: all
};

// The audit entries selected by `options`, oldest first (read-only).
model::LogResult run_log(const GlobalOptions& global, const LogOptions& options);

// Always ok (no entry is not an error).
ExitCode exit_code(const model::LogResult& result);

} // namespace rl::app
