#pragma once

// The program's read commands and `render`: each use case returns a typed
// result (model/program_results.hpp) and prints nothing; report::emit
// (report/emit_program.hpp) writes it. One use case per file:
// validate.cpp, load.cpp, render.cpp, status.cpp, list_invariants.cpp,
// list_milestones.cpp, list_risks.cpp, show.cpp, query.cpp.

#include "app/commands.hpp"
#include "model/program_results.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rl::app {

// Parses every YAML file and closeout record without touching the ledger;
// the problems found (InputError's diagnostics) are the result. Exit 3 when
// there is an error among them.
model::ValidateResult validate(const GlobalOptions& global);
ExitCode exit_code(const model::ValidateResult& result);

// Reloads the ledger from the YAML (always, unlike other commands).
model::LoadSummary load(const GlobalOptions& global);

enum class WriteMode { write, check_only };

struct RenderOptions
{
  WriteMode mode = WriteMode::write;
  std::filesystem::path output; // empty: program.yaml's outputs.log
};

// Regenerates the living log and the closeout documents (or, with
// check_only, compares them). Exit 1 when check_only found a stale file.
model::RenderResult render(const GlobalOptions& global, const RenderOptions& options);
ExitCode exit_code(const model::RenderResult& result);

model::StatusResult status(const GlobalOptions& global);

// Filter values are checked like YAML values: an unknown one is a usage error
// (exit 2) that lists the allowed ones, never an empty result.
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

model::InvariantList list_invariants(const GlobalOptions& global, const InvariantFilter& filter);
model::MilestoneList list_milestones(const GlobalOptions& global, const MilestoneFilter& filter);
model::RiskList list_risks(const GlobalOptions& global, const RiskFilter& filter);

// One milestone, invariant, risk or deferral; UsageError for an unknown id.
model::ShowResult show(const GlobalOptions& global, const std::string& id);

struct QueryOptions
{
  std::string sql;
  double timeout_seconds = 5;        // --timeout; > 0, at most k_max_query_timeout_seconds
  std::uint64_t max_memory_mb = 256; // --max-memory, MiB; 1 .. k_max_query_memory_mb
};
inline constexpr double k_max_query_timeout_seconds = 86400;
inline constexpr std::uint64_t k_max_query_memory_mb = 1u << 20;

// Runs one read-only statement (store::run_readonly_query) under the options'
// limits and returns its rows (at most --max-memory of them are held).
model::QueryRows query(const GlobalOptions& global, const QueryOptions& options);

} // namespace rl::app
