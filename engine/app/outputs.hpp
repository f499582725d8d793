#pragma once

// Internal to app/: every file the ledger renders, from committed state only
// (definitions and closeout records), so a fresh clone rebuilds them byte for byte.

#include "model/closeout.hpp"
#include "model/entities.hpp"
#include "report/closeout_docs.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace rl::app {

// REFACTOR.md (outputs.log) first, then, once the program has closeout
// records, the tool-call log (outputs.toolcalls) and each closed milestone's
// summary and audit (outputs.milestone_docs).
// `sections`: the program-written sections (read_sections).
std::vector<report::RenderedFile> render_outputs(const model::Definitions& definitions,
                                                 const std::vector<model::CloseoutRecord>& records,
                                                 const std::map<std::string, std::string>& sections = {});

// The text of each program-written section of REFACTOR.md (program.sections),
// by file. A file that is missing, outside the root or behind a symlink is an
// InputError (exit 3) at its entry in program.yaml.
std::map<std::string, std::string> read_sections(const std::filesystem::path& root, const model::Program& program);

// What the close of `id` freezes into its event (model::FrozenContext): the
// program's name, the phase name, the placeholder values, the score
// dimensions and the milestone's REFACTOR.md entry, from `definitions` and
// `records` as they will be once the close is written.
model::FrozenContext freeze_context(const model::Definitions& definitions,
                                    const std::vector<model::CloseoutRecord>& records,
                                    const std::string& id);

// A closed milestone's documents are kept byte for byte while they match the
// SHA-256 its record holds (CloseoutEvent::digests): for each such file of
// `files` whose file under `root` matches, its text becomes the file's own, so
// that nothing (a newer refactor-ledger included) rewrites it. A missing or
// edited document is rendered again from the record.
void keep_frozen_documents(const std::filesystem::path& root,
                           const model::Program& program,
                           const std::vector<model::CloseoutRecord>& records,
                           std::vector<report::RenderedFile>& files);

// The ledger's own files, relative to the program root: milestones/ (the
// YAML, closeout records, evidence kept with them), invariants/, .ledger/,
// .refactor-ledger/ (the schemas init writes), the ledger_dir and
// the rendered outputs (outputs.log, outputs.toolcalls, outputs.milestone_docs).
// A commit that touches only these changes no code: git-based checks leave
// it out (max_commits_behind, the warning of close about uncommitted files).
std::vector<std::string> ledger_own_paths(const model::Program& program);

// root / relative for a rendered file, after util::contained_output: a path
// that leaves the root or passes through a symlink is refused (InputError,
// exit 3) at the line of program.yaml that names it (outputs.log,
// outputs.toolcalls or outputs.milestone_docs).
std::filesystem::path output_target(const std::filesystem::path& root,
                                    const model::Program& program,
                                    const std::string& relative);

} // namespace rl::app
