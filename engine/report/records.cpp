#include "report/records.hpp"

#include "report/markdown.hpp"
#include "util/text.hpp"

#include <algorithm>

#include <utf8proc.h>

namespace rl::report {

namespace {

// Display width on a terminal, by utf8proc's character widths: 2 for East
// Asian wide characters and most emoji, 0 for combining marks, 1 otherwise.
// A byte that is not UTF-8 counts 1 (a table shows it escaped anyway).
std::size_t
display_width(const std::string& text)
{
  std::size_t width = 0;
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  auto left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t code_point = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(bytes, left, &code_point);
    if (n <= 0) {
      ++width;
      ++bytes;
      --left;
      continue;
    }
    width += static_cast<std::size_t>(std::max(0, utf8proc_charwidth(code_point)));
    bytes += n;
    left -= n;
  }
  return width;
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
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

RecordStream::RecordStream(std::vector<std::string> columns, OutputFormat format, Sink sink)
  : m_columns(std::move(columns))
  , m_format(format)
  , m_sink(std::move(sink))
{
  for (const std::string& column : m_columns) {
    m_widths.push_back(display_width(column));
  }
}

std::vector<std::string>
RecordStream::cells(const nlohmann::ordered_json& record) const
{
  std::vector<std::string> row;
  row.reserve(m_columns.size());
  for (const std::string& column : m_columns) {
    const auto it = record.find(column);
    std::string cell = it == record.end() ? std::string() : escape_cell(cell_text(*it));
    // A table is for people, on terminals and CI logs alike: evidence text
    // (test names, messages) cannot carry escape sequences into it.
    row.push_back(m_format == OutputFormat::table ? util::terminal_safe(cell) : std::move(cell));
  }
  return row;
}

void
RecordStream::measure(const nlohmann::ordered_json& record)
{
  if (m_format != OutputFormat::table) {
    return;
  }
  const std::vector<std::string> row = cells(record);
  for (std::size_t i = 0; i < row.size(); ++i) {
    m_widths[i] = std::max(m_widths[i], display_width(row[i]));
  }
}

void
RecordStream::table_line(const std::vector<std::string>& row)
{
  std::string line;
  for (std::size_t i = 0; i < row.size(); ++i) {
    line += row[i];
    if (i + 1 < row.size()) {
      line += std::string(std::max(m_widths[i], display_width(row[i])) - display_width(row[i]) + 2, ' ');
    }
  }
  line += '\n';
  m_sink(line);
}

void
RecordStream::start()
{
  if (m_started) {
    return;
  }
  m_started = true;
  if (m_format == OutputFormat::csv) {
    std::string line;
    for (std::size_t i = 0; i < m_columns.size(); ++i) {
      line += (i == 0 ? "" : ",") + csv_field(m_columns[i]);
    }
    m_sink(line + "\r\n");
  } else if (m_format == OutputFormat::table) {
    std::vector<std::string> header;
    for (const std::string& column : m_columns) {
      std::string upper = column;
      std::transform(upper.begin(), upper.end(), upper.begin(), [](char c) {
        return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
      });
      header.push_back(upper);
    }
    table_line(header);
  }
}

void
RecordStream::write(const nlohmann::ordered_json& record)
{
  start();
  if (m_format == OutputFormat::json) {
    // As the whole array's dump(2) would write it: each record one level in.
    // Text that is not UTF-8 (a command line in the audit log) shows U+FFFD.
    const std::string text = record.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    std::string indented = m_written == 0 ? "[\n  " : ",\n  ";
    indented.reserve(indented.size() + text.size() + text.size() / 8);
    for (const char c : text) {
      indented += c;
      if (c == '\n') {
        indented += "  ";
      }
    }
    m_sink(indented);
  } else if (m_format == OutputFormat::csv) {
    const std::vector<std::string> row = cells(record);
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += (i == 0 ? "" : ",") + csv_field(row[i]);
    }
    m_sink(line + "\r\n");
  } else {
    table_line(cells(record));
  }
  ++m_written;
}

void
RecordStream::finish()
{
  start();
  if (m_format == OutputFormat::json) {
    m_sink(m_written == 0 ? "[]\n" : "\n]\n");
  }
}

std::string
format_records(const nlohmann::ordered_json& records, const std::vector<std::string>& columns, OutputFormat format)
{
  std::string out;
  RecordStream stream(columns, format, [&out](std::string_view text) { out.append(text); });
  for (const auto& record : records) {
    stream.measure(record);
  }
  for (const auto& record : records) {
    stream.write(record);
  }
  stream.finish();
  return out;
}

} // namespace rl::report
