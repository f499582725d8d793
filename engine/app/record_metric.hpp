#pragma once

#include "app/commands.hpp"
#include "app/evidence_options.hpp"
#include "model/evidence_results.hpp"

#include <string>

namespace rl::app {

// `record metric NAME VALUE`: stores a named finite number at a commit (with
// its audit entry, in one transaction). The same name, value text, commit,
// time and source again changes nothing (already_recorded). Throws
// UsageError for a value that is not a finite number or a name that is not
// one word of UTF-8 text.
model::RecordMetricResult run_record_metric(const GlobalOptions& global,
                                            const std::string& name,
                                            const std::string& value,
                                            const EvidenceOptions& options);

// Always ok: what cannot be recorded is an error (thrown).
ExitCode exit_code(const model::RecordMetricResult& result);

} // namespace rl::app
