#pragma once

#include "loader/loader.hpp"

namespace rl::loader {

// Parses one file and appends what it defines to `out`. Problems go to `sink`.
// Records the program file's location in `program_files` (there must be one).
// Returns false when the file is not valid YAML at all.
bool parse_source(const SourceText& source,
                  model::Definitions& out,
                  std::vector<model::Origin>& program_files,
                  util::DiagnosticSink& sink);

// Cross-file checks on everything parsed.
// `unparsed` lists the files that were not valid YAML: references to what
// they may define are not reported (their syntax error already is).
void validate_definitions(const model::Definitions& definitions,
                          const std::vector<model::Origin>& program_files,
                          const std::vector<std::string>& unparsed,
                          util::DiagnosticSink& sink);

} // namespace rl::loader
