#pragma once

#include "model/closeout.hpp"
#include "model/entities.hpp"
#include "model/evidence.hpp"
#include "model/results.hpp"

#include <map>
#include <string>
#include <vector>

namespace rl::rules {

// Every tunable of the rule engine, including "now": rules never read a clock.
struct Policy
{
  model::Timestamp now;
};

// The evidence the rules of a program can look at, already queried by app/.
struct EvidenceIndex
{
  // A tests rule's selectors (joined with '\n', see selection_key) -> what
  // their latest results are.
  std::map<std::string, model::TestSelection> tests;
  std::vector<model::CiRunEvidence> ci_runs;            // newest first
  std::map<std::string, model::MetricEvidence> metrics; // latest per name
  // Commit -> commits behind HEAD (nullopt: not an ancestor of HEAD), for the
  // commits of the evidence above, filled only when a rule uses max_commits_behind.
  std::map<std::string, std::optional<int>> commits_behind;
};

// The commits of every piece of evidence in `evidence` (to fill commits_behind).
std::vector<std::string> evidence_commits(const EvidenceIndex& evidence);

// True when some invariant's rules use max_commits_behind.
bool uses_commit_distance(const model::Definitions& definitions);

// The selector lists of every tests rule of the invariants (to fill
// EvidenceIndex::tests), and the key each is filed under.
std::vector<std::vector<std::string>> selections_of(const model::Definitions& definitions);
std::string selection_key(const std::vector<std::string>& selectors);

// Decides the status of `invariant` from `evidence`. Pure: no I/O, no clock.
model::Evaluation evaluate(const model::Invariant& invariant, const EvidenceIndex& evidence, const Policy& policy);

// An evaluation as a closeout record keeps it, and back.
model::InvariantAtClose snapshot_of(const std::string& invariant_id, const model::Evaluation& evaluation);
model::Evaluation evaluation_from(const model::InvariantAtClose& snapshot);

// True when `text` matches the glob `pattern` (*, ?, [set]; case-sensitive),
// with the semantics of SQLite's GLOB.
bool glob_match(std::string_view pattern, std::string_view text);

// "source, commit abc123def456, taken 2026-02-08T07:51:04Z"
std::string stamp_text(const model::EvidenceStamp& stamp);

// 3 for 3.0, else the shortest form.
std::string format_value(double value);

// `lhs op rhs` for the metric operators ==, !=, <, <=, >, >= (false for others).
bool compare(std::string_view op, double lhs, double rhs);

// True when `pattern` (a glob) matches the run's workflow name, path or file name.
bool workflow_matches(std::string_view pattern, const model::CiRunEvidence& run);

} // namespace rl::rules
