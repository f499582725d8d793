#pragma once

// The one place a command's result becomes text. Each command's use case
// (app/) returns a typed result (model/*_results.hpp); one report::emit()
// overload per result type writes it to a Sink in each output format the
// result can be shown in. k_formats<Result> lists those formats: the command
// line offers exactly them for --format and refuses any other with exit 2.
// Adding a format: a value of model::OutputFormat, then one branch in the
// emit() of each result that can be shown in it.

#include "model/enums.hpp"
#include "report/sink.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <span>
#include <string>
#include <vector>

namespace rl::report {

inline constexpr std::array k_every_format{model::OutputFormat::table,
                                           model::OutputFormat::json,
                                           model::OutputFormat::csv};
inline constexpr std::array k_table_or_json{model::OutputFormat::table, model::OutputFormat::json};
inline constexpr std::array k_table_only{model::OutputFormat::table};

// The formats a result type can be written in (default: all). A result that
// is not a list or a single record (a verdict with its explanation, say) has
// no CSV form: its header specializes this.
template<typename Result>
inline constexpr std::span<const model::OutputFormat> k_formats = k_every_format;

// Records (JSON objects with the documented field names) as a table of
// `columns`, CSV of `columns`, or a JSON array of whole records.
void emit_records(const nlohmann::ordered_json& records,
                  const std::vector<std::string>& columns,
                  model::OutputFormat format,
                  Sink& sink);

// One record: JSON as it is; table and CSV as field,value rows, nested
// objects flattened to dotted field names ("scope.paths", "gates[0].id").
void emit_object(const nlohmann::ordered_json& object, model::OutputFormat format, Sink& sink);

// JSON as the ledger prints it: two-space indent, invalid UTF-8 replaced by
// U+FFFD, a final newline.
std::string json_text(const nlohmann::ordered_json& value);

} // namespace rl::report
