#pragma once

#include "model/closeout.hpp"
#include "model/entities.hpp"
#include "model/evidence.hpp"
#include "model/results.hpp"

#include <map>

#include <string>

namespace rl::report {

// Renders the living log (REFACTOR.md) from the definitions and the metrics
// computed from them. Pure and deterministic: the same input always gives the
// same bytes, which `render --check` relies on. `sections`: the text of each
// program-written section (program.sections) by file. `evaluations` and `ci_runs`
// are those recorded by the latest closeout (`evidence_as_of` names it), so
// the log is rebuilt byte for byte from committed files.
std::string render_living_log(const model::Definitions& definitions,
                              const model::ProgramMetrics& metrics,
                              const std::map<std::string, model::Evaluation>& evaluations = {},
                              const std::vector<model::CiRunEvidence>& ci_runs = {},
                              const std::vector<model::CloseoutRecord>& records = {},
                              const std::string& evidence_as_of = {},
                              const std::map<std::string, std::string>& sections = {});

// The entry of milestone `id` in the milestone history of REFACTOR.md, as
// render_living_log writes it, without the closeout history that follows it:
// `close` freezes it in the closeout record (FrozenContext::log_entry), and
// the log writes a closed milestone's frozen entry as it is from then on.
std::string render_milestone_entry(const model::Definitions& definitions,
                                   const model::ProgramMetrics& metrics,
                                   const std::map<std::string, model::Evaluation>& evaluations,
                                   const std::vector<model::CiRunEvidence>& ci_runs,
                                   const std::vector<model::CloseoutRecord>& records,
                                   const std::string& id);

} // namespace rl::report
