#pragma once

// close: evaluate a milestone's gates and, when they pass, write its closeout.

#include "app/closeout_edits.hpp"
#include "app/commands.hpp"
#include "model/closeout_results.hpp"
#include "model/entities.hpp"

#include <string>
#include <vector>

namespace rl::app {

struct CloseOptions
{
  bool dry_run = false;
  bool adopt = false; // record a milestone closed before the ledger existed
  std::string commit; // closing commit; empty: HEAD of the checkout
  std::string base;   // start of the scope diff; empty: base_commit / previous closeout
  std::string date;   // empty: the day of --at (UTC)
  std::string at;     // when it was closed (ISO 8601); empty: now
  std::string by;     // empty: the OS user
  std::string verdict = "PASS";
  std::string reason;                 // adopt: where the evidence is
  std::vector<std::string> scores;    // DIM=VALUE
  std::vector<std::string> artifacts; // files attached to the closeout (path and SHA-256 recorded)
  CloseoutEdits edits;                // --resolve, --mitigate, --defer/--to: written into the YAML
};

// One milestone, or (with --adopt) several closed at the same commit and date.
// Evaluates the gates at the closing commit; with every gate passing (and not
// a dry run), writes the closeout record, the closeout documents, the tool-call
// log and REFACTOR.md as one unit and locks the milestone. A failing gate
// changes nothing (outcome refused). Usage errors (unknown milestone, already
// closed, bad --date/--commit/--score) throw UsageError.
model::CloseResult run_close(const GlobalOptions& global,
                             const std::vector<std::string>& milestones,
                             const CloseOptions& options);

// The score dimension of the program that `--score DIM=VALUE` names. Throws
// UsageError naming the program's dimensions, or, when it declares none,
// where to declare them.
const model::ScoreDimension& score_dimension(const model::Definitions& d, const std::string& item);

// ok, or negative when a gate fails (dry run or refused).
ExitCode exit_code(const model::CloseResult& result);

} // namespace rl::app
