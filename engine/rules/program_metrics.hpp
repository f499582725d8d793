#pragma once

#include "model/entities.hpp"
#include "model/results.hpp"

#include <array>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace rl::rules {

// `statuses`: each invariant's computed status (rules::evaluate); an invariant
// missing from it counts as unverified.
model::ProgramMetrics compute_metrics(const model::Definitions& definitions,
                                      const std::map<std::string, model::InvariantStatus>& statuses = {});

// Rounds `part / whole` to a whole percent (0 when whole is 0).
int percent(int part, int whole);

using InvariantLinkRef = model::MilestoneRole;

// For each invariant id, the milestones that introduce, protect or verify it,
// in program order: one pass over the milestones.
std::unordered_map<std::string, std::vector<InvariantLinkRef>> links_by_invariant(
  const model::Definitions& definitions);

} // namespace rl::rules
