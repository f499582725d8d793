#pragma once

#include "evidence/records.hpp"

#include <string>
#include <vector>

namespace rl::evidence {

// Coverage from a Cobertura XML report (the root's line-rate / branch-rate)
// or an lcov tracefile (LF/LH, BRF/BRH summed over files), as
// "<prefix>.line_percent" and "<prefix>.branch_percent" (0-100). The format
// is recognised from the content. Rates must be decimal numbers from 0 to 1;
// lcov counts whole numbers from 0 to INT64_MAX with LH <= LF and BRH <= BRF
// in each record; both must be UTF-8 (Cobertura: no DTD entities, nesting
// and values within util::limits()). No branch metric when nothing counted
// branches (BRF 0, branches-valid="0"). Throws util::InputError naming the
// file and line:col.
std::vector<MetricRecord> parse_coverage(const std::string& text,
                                         const std::string& display_path,
                                         const std::string& prefix);

// Findings of a SARIF 2.1 log counted by level ("<prefix>.error", ".warning",
// ".note", ".none", ".total"). A result without a level has the level SARIF
// 2.1.0 gives it (section 3.27.10): "none" for a kind other than "fail", else
// its rule's defaultConfiguration.level, else "warning". Throws
// util::InputError naming the file and the JSON Pointer of a bad value.
std::vector<MetricRecord> parse_sarif(const std::string& text,
                                      const std::string& display_path,
                                      const std::string& prefix);

} // namespace rl::evidence
