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

struct CloseOptions
{
  bool dry_run = false;
  bool adopt = false; // record a milestone closed before the ledger existed
  std::string commit; // closing commit; empty: HEAD of the checkout
  std::string base;   // start of the scope diff; empty: base_commit / previous closeout
  std::string date;   // empty: today (UTC)
  std::string by;     // empty: the OS user
  std::string verdict = "PASS";
  std::string reason;                 // adopt: where the evidence is
  std::vector<std::string> scores;    // DIM=VALUE
  std::vector<std::string> artifacts; // adopt: documents that already exist
  std::string format = "table";
};

// One milestone, or (with --adopt) several closed at the same commit and date.
ExitCode run_close(const GlobalOptions& global,
                   const std::vector<std::string>& milestones,
                   const CloseOptions& options);
ExitCode run_approve(const GlobalOptions& global,
                     const std::string& milestone,
                     const std::string& gate,
                     const std::string& by,
                     const std::string& note,
                     const std::string& format);
ExitCode run_reopen(const GlobalOptions& global,
                    const std::string& milestone,
                    const std::string& reason,
                    const std::string& by,
                    const std::string& format);

struct LogOptions
{
  std::string milestone;
  std::string action;
  std::string since;
  int limit = 0;
  std::string format = "table";
};

ExitCode run_log(const GlobalOptions& global, const LogOptions& options);
ExitCode run_recover(const GlobalOptions& global, const std::string& format);

// Runs `action` and maps every exception to a message on `sink`'s error
// stream and an exit code: InputError -> 3 (each diagnostic), UsageError -> 2,
// StoreError and SQLite errors -> 4, anything else -> 70. The program's only
// catch-all.
int run_guarded(const std::function<ExitCode()>& action, report::Sink& sink);

} // namespace rl::app
