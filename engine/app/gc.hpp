#pragma once

// gc: folds the ledger files of closed periods into one file.

#include "app/commands.hpp"
#include "model/evidence_results.hpp"

namespace rl::app {

// Folds every ledger file written up to the latest closeout (by the time in
// its name) into one (store::fold_ledger_events), under the write lock: the
// folded file is written, the database renamed to it and the old files
// removed, in that order (a kill leaves both, which import to the same rows).
// `dry_run`: says what it would do and writes nothing.
model::GcResult run_gc(const GlobalOptions& global, bool dry_run);

ExitCode exit_code(const model::GcResult& result);

} // namespace rl::app
