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

enum class WriteMode { write, check_only };

struct RenderOptions
{
  WriteMode mode = WriteMode::write;
  std::filesystem::path output; // empty: program.yaml's outputs.log
};

struct InvariantFilter
{
  std::vector<std::string> priority;
  std::vector<std::string> coverage;
  std::vector<std::string> category;
  std::vector<std::string> milestone;
  std::vector<std::string> status;
};

struct MilestoneFilter
{
  std::vector<int> phase;
  std::vector<std::string> status;
};

struct RiskFilter
{
  std::vector<std::string> priority;
  std::vector<std::string> status;
};

// Every command takes the output format as text: table, json or csv (the CLI
// restricts it to those).
ExitCode run_validate(const GlobalOptions& global);
ExitCode run_load(const GlobalOptions& global, const std::string& format);
ExitCode run_render(const GlobalOptions& global, const RenderOptions& options);
ExitCode run_status(const GlobalOptions& global, const std::string& format);
ExitCode run_invariants(const GlobalOptions& global, const InvariantFilter& filter, const std::string& format);
ExitCode run_milestones(const GlobalOptions& global, const MilestoneFilter& filter, const std::string& format);
ExitCode run_risks(const GlobalOptions& global, const RiskFilter& filter, const std::string& format);
ExitCode run_show(const GlobalOptions& global, const std::string& id, const std::string& format);

struct QueryOptions
{
  std::string sql;
  std::string format = "table";
  double timeout_seconds = 5;        // --timeout; > 0, at most k_max_query_timeout_seconds
  std::uint64_t max_memory_mb = 256; // --max-memory, MiB; 1 .. k_max_query_memory_mb
};
inline constexpr double k_max_query_timeout_seconds = 86400;
inline constexpr std::uint64_t k_max_query_memory_mb = 1u << 20;
// Runs one read-only statement (store::run_readonly_query) under the options'
// limits and prints its rows. Table and CSV output show control characters
// escaped (\x1b); JSON shows text as JSON strings (invalid UTF-8 replaced by
// U+FFFD). BLOBs print as X'HEX'.
ExitCode run_query(const GlobalOptions& global, const QueryOptions& options);

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

// Runs `action` and maps every exception to a message on stderr and an exit
// code: InputError -> 3 (each diagnostic), UsageError -> 2, StoreError and
// SQLite errors -> 4, anything else -> 70. The program's only catch-all.
int run_guarded(const std::function<ExitCode()>& action);

} // namespace rl::app
