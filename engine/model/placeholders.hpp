#pragma once

// Computed placeholders in prose ({{invariant_count}} ...): their names, their
// values for a program, and their expansion. `\{{` writes a literal `{{` (a
// GitHub workflow's `${{ matrix.os }}`). A closed milestone's values are
// frozen in its closeout record (model/closeout.hpp FrozenContext).

#include "model/entities.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rl::model {

// name -> value, sorted by name.
using Placeholders = std::vector<std::pair<std::string, std::string>>;

// The names a text may use: invariant_count, milestone_count, risk_count, phase_count.
const std::vector<std::string_view>& placeholder_names();

// Their values for `definitions` as they stand.
Placeholders placeholder_values(const Definitions& definitions);

// `text` with each {{name}} replaced by its value and each `\{{` by `{{`. A
// name without a value stays as written (the loader refuses unknown names).
std::string expand_placeholders(std::string_view text, const Placeholders& values);

} // namespace rl::model
