#pragma once

// Closeout gates: does a milestone meet its definition of done? Pure: app/
// gathers the facts (git, evidence, approvals, statuses) and this decides.

#include "model/closeout.hpp"
#include "model/entities.hpp"
#include "model/evidence.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rl::rules {

// What one pattern_absent gate found (`git grep -E` at the closing commit).
struct PatternMatches
{
  std::vector<std::string> lines; // "path:line: text", the first few
  std::size_t count = 0;          // all matching lines
};

struct GateFacts
{
  std::string commit;                        // the closing commit (full SHA); '' when git cannot tell
  std::string git_problem;                   // why git facts are missing ('' when present)
  std::string base_commit;                   // start of the scope diff ('' when unknown)
  std::string base_problem;                  // why it is unknown
  std::vector<std::string> files_at_commit;  // every path in the closing commit's tree
  std::vector<std::string> changed_files;    // base..commit
  std::vector<std::string> ignored_files;    // of changed_files, those .gitignore ignores: never counted
  std::vector<std::string> vendored_files;   // of changed_files, linguist-vendored or -generated ones
  std::vector<std::string> always_in_scope;  // path globs the ledger itself writes
  std::vector<PatternMatches> patterns;      // one per EffectiveGates::pattern_absent entry
  std::vector<model::CiRunEvidence> ci_runs; // newest first
  std::vector<model::MetricEvidence> metrics_at_commit;
  std::vector<model::Approval> approvals;
  std::map<std::string, model::InvariantStatus> statuses; // by invariant id
  std::map<std::string, std::vector<std::string>> reasons;
  std::string date; // the closeout's date (YYYY-MM-DD): a waiver `until` before it has lapsed
};

// "pattern:<files>", the name of a pattern_absent gate.
std::string pattern_gate_name(const model::PatternGate& gate);

// Evaluates every gate of `milestone`, in a fixed order: dependencies,
// deliverables, invariants, ci:*, scope, pattern:*, metric:*, approval:*,
// deferrals. Disabled gates are absent. Then the milestone's decisions apply:
// a `not_applicable` gate is shown as such, without being evaluated, a failed gate
// with a current `waive` entry as waived; an entry naming no gate of the
// milestone adds a failed gate that says so.
std::vector<model::GateResult> evaluate_gates(const model::Definitions& definitions,
                                              const model::Milestone& milestone,
                                              const model::EffectiveGates& gates,
                                              const GateFacts& facts);

// Path globs: `*` and `?` stay within a folder, `**` spans folders
// (`docs/**` matches everything under docs/), `[abc]` one of. A pattern
// without a wildcard matches that path, or everything under it when it names
// a folder ("docs/refactor" matches "docs/refactor/x.md").
bool path_glob_match(std::string_view pattern, std::string_view path);

} // namespace rl::rules
