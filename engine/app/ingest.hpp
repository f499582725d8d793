#pragma once

#include "app/commands.hpp"
#include "app/evidence_options.hpp"
#include "model/evidence_results.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace rl::app {

// `ingest <reader> PATHS...`: stores the evidence files (a directory is
// searched for the reader's files, a glob expanded) with the reader named
// `reader` (junit, github-run, coverage, sarif: see app/ingest_reader.cpp),
// in one transaction committed in parts of store::IngestBatch::k_batch_rows
// results, each part with its audit entry. A rejected file (its diagnostics
// go to global.output().err) stores nothing and the others go on; a file
// already stored changes nothing. Throws UsageError when a path matches no
// file.
model::IngestResult run_ingest(const GlobalOptions& global,
                               std::string_view reader,
                               const std::vector<std::string>& paths,
                               const EvidenceOptions& options);

// input_error (exit 3) when any file was rejected, else ok.
ExitCode exit_code(const model::IngestResult& result);

} // namespace rl::app
