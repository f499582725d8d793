#pragma once

// Internal to app/: evaluating every invariant's rules against the evidence.

#include "model/entities.hpp"
#include "rules/evaluate.hpp"

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <map>
#include <string>

namespace rl::app {

// "Now" for the rule engine: SOURCE_DATE_EPOCH when set (reproducible runs
// and tests), else the clock.
model::Timestamp current_time();

// An `--at TIME` option (when something happened: an approval given, a
// closeout made, evidence taken): its time, or `now` when `at` is empty.
// Throws UsageError when it is not an ISO 8601 time, or is after `now`.
// `--at` must not be before the program's start date (`program_start`,
// YYYY-MM-DD, when given): an approval or a close of the program happened
// during it.
model::Timestamp time_option(const std::string& at, const model::Timestamp& now, const std::string& program_start = {});

struct Assessment
{
  std::map<std::string, model::Evaluation> evaluations; // by invariant id
  std::map<std::string, model::InvariantStatus> statuses;
};

// Queries the evidence the invariants' rules select and evaluates each one.
// `root` is the program root, asked (through git) how far behind HEAD the
// evidence commits are when a rule uses max_commits_behind.
Assessment assess(SQLite::Database& db, const model::Definitions& definitions, const std::filesystem::path& root);

} // namespace rl::app
