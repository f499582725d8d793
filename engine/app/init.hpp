#pragma once

// init: a new program in a git repository, ready for validate, render, check.

#include "app/commands.hpp"
#include "model/program_results.hpp"

#include <string>

namespace rl::app {

struct InitOptions
{
  std::string name;       // program.name; empty: the program root's folder name
  std::string repository; // program.repository, OWNER/NAME; empty: from the origin remote, else local/<folder>
  bool dry_run = false;   // say what would be written, write nothing
};

// Writes, in the program root (global.root, else the current directory),
// which must be inside a git work tree:
//   milestones/program.yaml (one phase), milestones/M01.yaml,
//   invariants/core.yaml (INV-001 with a `verify:` rule),
//   .refactor-ledger/schema/*.schema.json (what the files' yaml-language-server
//   comments name), the .gitignore line for the .ledger/ database, and
//   .github/workflows/refactor-ledger.yml at the root of the git repository.
// Never overwrites: a file that exists is reported unchanged or kept; when
// milestones/program.yaml exists, the program files are skipped. Refuses
// (UsageError, nothing written) outside git, and when milestones/ or
// invariants/ hold YAML without a program.yaml. A path through a symlink is
// refused (InputError). Everything is checked before the first write; a
// failed write removes what this run wrote.
model::InitResult run_init(const GlobalOptions& global, const InitOptions& options);

} // namespace rl::app
