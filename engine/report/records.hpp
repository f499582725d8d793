#pragma once

#include "model/enums.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rl::report {

using model::OutputFormat;

// A list of records (JSON objects with the documented field names) as:
// - json: the array, pretty-printed, all fields;
// - csv: RFC 4180, a header line of `columns`, one line per record;
// - table: `columns` aligned for a terminal, with a header line.
// Arrays in a cell are joined with ", "; null is empty; booleans are true/false.
std::string format_records(const nlohmann::ordered_json& records,
                           const std::vector<std::string>& columns,
                           OutputFormat format);

// Writes records one at a time, exactly as format_records writes a whole
// list, so that a long list (a `query` result) need never be held: json and
// csv go to `sink` as they come; a table needs its column widths first, so its
// records are measure()d in a first pass, then written. finish() ends the
// output (also when no record was written: the header, or `[]`).
class RecordStream
{
public:
  using Sink = std::function<void(std::string_view)>;
  RecordStream(std::vector<std::string> columns, OutputFormat format, Sink sink);

  void measure(const nlohmann::ordered_json& record); // table only; nothing for json, csv
  void write(const nlohmann::ordered_json& record);
  void finish();

private:
  std::vector<std::string> cells(const nlohmann::ordered_json& record) const;
  void table_line(const std::vector<std::string>& row);
  void start();

  std::vector<std::string> m_columns;
  OutputFormat m_format;
  Sink m_sink;
  std::vector<std::size_t> m_widths; // table: display width of each column
  bool m_started = false;
  std::size_t m_written = 0;
};

// The text of one cell as table and csv show it.
std::string cell_text(const nlohmann::ordered_json& value);

} // namespace rl::report
