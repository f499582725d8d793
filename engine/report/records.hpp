#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace rl::report {

enum class OutputFormat { table, json, csv };

// Parses "table", "json" or "csv".
std::optional<OutputFormat> parse_output_format(std::string_view text);

// A list of records (JSON objects with the documented field names) as:
// - json: the array, pretty-printed, all fields;
// - csv: RFC 4180, a header line of `columns`, one line per record;
// - table: `columns` aligned for a terminal, with a header line.
// Arrays in a cell are joined with ", "; null is empty; booleans are true/false.
std::string format_records(const nlohmann::ordered_json& records,
                           const std::vector<std::string>& columns,
                           OutputFormat format);

// The text of one cell as table and csv show it.
std::string cell_text(const nlohmann::ordered_json& value);

} // namespace rl::report
