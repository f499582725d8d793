#pragma once

#include "evidence/records.hpp"

#include <string>
#include <vector>

namespace rl::evidence {

// Coverage from a Cobertura XML report (the root's line-rate / branch-rate)
// or an lcov tracefile (LF/LH, BRF/BRH summed over files), as
// "<prefix>.line_percent" and "<prefix>.branch_percent" (0-100). The format
// is recognised from the content. Throws util::InputError naming the file.
std::vector<MetricRecord> parse_coverage(const std::string& text,
                                         const std::string& display_path,
                                         const std::string& prefix);

// Findings of a SARIF 2.1 log counted by level ("<prefix>.error", ".warning",
// ".note", ".none", ".total"); a result without a level counts as warning.
std::vector<MetricRecord> parse_sarif(const std::string& text,
                                      const std::string& display_path,
                                      const std::string& prefix);

} // namespace rl::evidence
