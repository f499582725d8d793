#pragma once

#include "model/enums.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace rl::report {

// Makes text safe inside a Markdown table cell: '|' escaped, line breaks folded.
std::string escape_cell(std::string_view text);

// "| a | b |" for one row of cells (escaped).
std::string table_row(const std::vector<std::string>& cells);

// "|---|---|" for `columns` columns.
std::string table_rule(std::size_t columns);

// 2372 -> "2,372"; 2.5 -> "2.5"; trailing zeros trimmed; never locale-dependent.
std::string format_number(double value);

// Text with trailing newlines removed (YAML block scalars end in one).
std::string trim_trailing(std::string_view text);

// How documents show a gate's result: "✅ PASS", "❌ FAIL", "⚠️ WAIVED", "➖ N/A".
std::string_view gate_badge(model::GateOutcome outcome);

// The short word: "pass", "FAIL", "waived", "n/a" (command output, appendices).
std::string_view gate_word(model::GateOutcome outcome);

} // namespace rl::report
