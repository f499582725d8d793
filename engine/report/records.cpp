#include "report/records.hpp"

#include "report/markdown.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace rl::report {

namespace {

// Display width: code points, not bytes (close enough for the emoji-free
// text these tables carry).
std::size_t
display_width(const std::string& text)
{
  return static_cast<std::size_t>(
    std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string
csv_field(const std::string& text)
{
  if (text.find_first_of(",\"\n\r") == std::string::npos) {
    return text;
  }
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  out += '"';
  return out;
}

} // namespace

std::optional<OutputFormat>
parse_output_format(std::string_view text)
{
  if (text == "table") {
    return OutputFormat::table;
  }
  if (text == "json") {
    return OutputFormat::json;
  }
  if (text == "csv") {
    return OutputFormat::csv;
  }
  return std::nullopt;
}

std::string
cell_text(const nlohmann::ordered_json& value)
{
  if (value.is_null()) {
    return {};
  }
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_boolean()) {
    return value.get<bool>() ? "true" : "false";
  }
  if (value.is_number_integer()) {
    return std::to_string(value.get<long long>());
  }
  if (value.is_number()) {
    return format_number(value.get<double>());
  }
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) {
      out += (out.empty() ? "" : ", ") + cell_text(item);
    }
    return out;
  }
  return value.dump();
}

std::string
format_records(const nlohmann::ordered_json& records, const std::vector<std::string>& columns, OutputFormat format)
{
  if (format == OutputFormat::json) {
    return records.dump(2) + "\n";
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& record : records) {
    std::vector<std::string> row;
    for (const std::string& column : columns) {
      const auto it = record.find(column);
      row.push_back(it == record.end() ? std::string() : escape_cell(cell_text(*it)));
    }
    rows.push_back(std::move(row));
  }
  std::string out;
  if (format == OutputFormat::csv) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      out += (i == 0 ? "" : ",") + csv_field(columns[i]);
    }
    out += "\r\n";
    for (const auto& row : rows) {
      for (std::size_t i = 0; i < row.size(); ++i) {
        out += (i == 0 ? "" : ",") + csv_field(row[i]);
      }
      out += "\r\n";
    }
    return out;
  }
  // A table is for people, on terminals and CI logs alike: evidence text
  // (test names, messages) cannot carry escape sequences into it.
  for (auto& row : rows) {
    for (std::string& cell : row) {
      cell = util::terminal_safe(cell);
    }
  }
  std::vector<std::size_t> widths;
  for (const std::string& column : columns) {
    widths.push_back(display_width(column));
  }
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  }
  auto emit = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      line += cells[i];
      if (i + 1 < cells.size()) {
        line += std::string(widths[i] - display_width(cells[i]) + 2, ' ');
      }
    }
    out += line + "\n";
  };
  std::vector<std::string> header;
  for (const std::string& column : columns) {
    std::string upper = column;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](char c) {
      return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    });
    header.push_back(upper);
  }
  emit(header);
  for (const auto& row : rows) {
    emit(row);
  }
  return out;
}

} // namespace rl::report
