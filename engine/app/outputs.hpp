#pragma once

// Internal to app/: every file the ledger renders, from committed state only
// (definitions and closeout records), so a fresh clone rebuilds them byte for byte.

#include "model/closeout.hpp"
#include "model/entities.hpp"
#include "report/closeout_docs.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace rl::app {

// REFACTOR.md (outputs.log) first, then, once the program has closeout
// records, the tool-call log (outputs.toolcalls) and each closed milestone's
// summary and audit (outputs.milestone_docs).
std::vector<report::RenderedFile> render_outputs(const model::Definitions& definitions,
                                                 const std::vector<model::CloseoutRecord>& records);

// root / relative for a rendered file, after util::contained_output: a path
// that leaves the root or passes through a symlink is refused (InputError,
// exit 3) at the line of program.yaml that names it (outputs.log,
// outputs.toolcalls or outputs.milestone_docs).
std::filesystem::path output_target(const std::filesystem::path& root,
                                    const model::Program& program,
                                    const std::string& relative);

} // namespace rl::app
