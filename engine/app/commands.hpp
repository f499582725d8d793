#pragma once

#include "report/sink.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace rl::app {

// Documented in README "Exit codes"; asserted by the golden tests.
enum class ExitCode : int {
  ok = 0,
  negative = 1,    // a negative verdict: `render --check` found a stale file
  usage = 2,       // the command line is wrong (unknown option, unknown id, not a program)
  input_error = 3, // invalid YAML or SQL (see the diagnostics); nothing was written
  store_error = 4, // the ledger database or the file system cannot be used
  internal = 70,   // a bug (EX_SOFTWARE)
};

struct GlobalOptions
{
  std::filesystem::path root; // empty: found from the current directory
  std::filesystem::path db;   // empty: <root>/.ledger/ledger.db
  std::string command_line;   // as typed, for the audit log
  // Where notes, warnings and progress go while a use case runs (its result
  // goes through report::emit); null: standard output and error.
  report::Sink* sink = nullptr;

  report::Sink& output() const
  {
    return sink != nullptr ? *sink : report::stdio();
  }
};

// Runs `action` and maps every exception to a message on `sink`'s error
// stream and an exit code: InputError -> 3 (each diagnostic), UsageError -> 2,
// StoreError and SQLite errors -> 4, anything else -> 70. The program's only
// catch-all.
int run_guarded(const std::function<ExitCode()>& action, report::Sink& sink);

} // namespace rl::app
