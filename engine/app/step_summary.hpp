#pragma once

// The GitHub Actions job summary: validate, check, close and render append
// their report::step_summary to the file named by $GITHUB_STEP_SUMMARY.

#include "app/commands.hpp"

#include <string_view>

namespace rl::app {

// Appends `markdown` to the file $GITHUB_STEP_SUMMARY names, when it is set
// and not empty. Never the ledger database (nor its -wal, -shm or -journal
// file, by name or through a link) and only a regular file: anything else,
// or a failed write, is one "refactor-ledger: warning:" line on the error
// stream; the command's exit code does not change.
void append_step_summary(const GlobalOptions& global, std::string_view markdown);

} // namespace rl::app
