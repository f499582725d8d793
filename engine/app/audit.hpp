#pragma once

// Internal to app/: audit log entries for the commands that change the ledger.

#include "app/commands.hpp"
#include "model/closeout.hpp"

#include <filesystem>
#include <string>

namespace rl::app {

// The OS user (getpwuid, else $USER), or "unknown".
std::string os_user();

// An entry stamped with now (current_time), `by` (else the OS user), the
// command line and the git HEAD of `root`.
model::AuditEntry make_entry(const GlobalOptions& global,
                             const std::filesystem::path& root,
                             std::string action,
                             std::string milestone,
                             std::string summary,
                             const std::string& by = {});

// The git HEAD of `root`, or '' outside git.
std::string head_commit(const std::filesystem::path& root);

} // namespace rl::app
