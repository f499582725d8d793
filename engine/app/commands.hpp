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

struct EvidenceOptions
{
  std::string commit;     // empty: git HEAD of the program root
  std::string at;         // empty: from the file, else now
  std::string source;     // empty: the path as given
  std::string repository; // github-run: owner/name when the document does not say
  std::string prefix;     // coverage / sarif: metric name prefix (default: coverage / sarif)
  std::string format = "table";
};

enum class IngestKind { junit, github_run, coverage, sarif };

struct CheckOptions
{
  std::string min_priority = "P0";
  bool require_verified = false;
  std::string format = "table";
};

ExitCode run_ingest(const GlobalOptions& global,
                    IngestKind kind,
                    const std::vector<std::string>& paths,
                    const EvidenceOptions& options);
ExitCode run_record_metric(const GlobalOptions& global,
                           const std::string& name,
                           const std::string& value,
                           const EvidenceOptions& options);
ExitCode run_why(const GlobalOptions& global, const std::string& id, const std::string& format);
ExitCode run_check(const GlobalOptions& global, const CheckOptions& options);

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

// Runs `action` and maps every exception to a message on stderr and an exit
// code: InputError -> 3 (each diagnostic), UsageError -> 2, StoreError and
// SQLite errors -> 4, anything else -> 70. The program's only catch-all.
int run_guarded(const std::function<ExitCode()>& action);

} // namespace rl::app
