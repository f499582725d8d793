#pragma once

#include "model/entities.hpp"
#include "model/evidence.hpp"
#include "rules/evaluate.hpp"
#include "rules/program_metrics.hpp"

#include <map>

#include <string>

namespace rl::report {

// Expands the computed placeholders ({{invariant_count}} ...) in prose.
std::string expand_placeholders(const std::string& text, const model::Definitions& definitions);

// Renders the living log (REFACTOR.md) from the definitions and the metrics
// computed from them. Pure and deterministic: the same input always gives the
// same bytes, which `render --check` relies on.
std::string render_living_log(const model::Definitions& definitions,
                              const rules::ProgramMetrics& metrics,
                              const std::map<std::string, rules::Evaluation>& evaluations = {},
                              const std::vector<model::CiRunEvidence>& ci_runs = {});

} // namespace rl::report
