#pragma once

// Internal to the program's read commands (app/program.hpp): filters and the
// views they return.

#include "app/assess.hpp"
#include "model/program_results.hpp"
#include "rules/program_metrics.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace rl::app {

template<typename T>
bool
matches(const std::vector<T>& wanted, const T& value)
{
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
}

// Filter values are checked like YAML values: an unknown one is a usage error
// that lists the allowed ones, never an empty result.
template<typename E>
void
check_values(const std::vector<std::string>& values, std::string_view option)
{
  for (const std::string& v : values) {
    if (!model::parse_enum<E>(v)) {
      throw util::UsageError(
        fmt::format("invalid value '{}' for {}: allowed values are {}", v, option, model::allowed_values<E>()));
    }
  }
}

using LinkIndex = std::unordered_map<std::string, std::vector<model::MilestoneRole>>;

model::InvariantView invariant_view(const model::Invariant& invariant,
                                    const Assessment& assessment,
                                    const LinkIndex& links);

model::MilestoneView milestone_view(const model::Milestone& milestone, const model::ProgramMetrics& metrics);

} // namespace rl::app
