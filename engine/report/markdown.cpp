#include "report/markdown.hpp"

#include <fmt/format.h>

#include <cmath>

namespace rl::report {

std::string
escape_cell(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      if (!out.empty() && out.back() != ' ') {
        out += ' ';
      }
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

std::string
table_row(const std::vector<std::string>& cells)
{
  std::string out = "|";
  for (const std::string& cell : cells) {
    out += " ";
    out += escape_cell(cell);
    out += " |";
  }
  out += "\n";
  return out;
}

std::string
table_rule(std::size_t columns)
{
  std::string out = "|";
  for (std::size_t i = 0; i < columns; ++i) {
    out += "---|";
  }
  out += "\n";
  return out;
}

std::string
format_number(double value)
{
  const bool negative = value < 0;
  const double magnitude = std::fabs(value);
  std::string text = fmt::format("{:.2f}", magnitude);
  while (text.back() == '0') {
    text.pop_back();
  }
  if (text.back() == '.') {
    text.pop_back();
  }
  const std::size_t dot = text.find('.');
  std::string whole = text.substr(0, dot);
  const std::string fraction = dot == std::string::npos ? "" : text.substr(dot);
  std::string grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) {
      grouped += ',';
    }
    grouped += whole[i];
  }
  if (grouped == "0" && fraction.empty()) {
    return "0";
  }
  return (negative ? "-" : "") + grouped + fraction;
}

std::string
trim_trailing(std::string_view text)
{
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

std::string_view
gate_badge(model::GateOutcome outcome)
{
  switch (outcome) {
  case model::GateOutcome::passed:
    return "✅ PASS";
  case model::GateOutcome::waived:
    return "⚠️ WAIVED";
  case model::GateOutcome::not_applicable:
    return "➖ N/A";
  case model::GateOutcome::failed:
    break;
  }
  return "❌ FAIL";
}

std::string_view
gate_word(model::GateOutcome outcome)
{
  switch (outcome) {
  case model::GateOutcome::passed:
    return "pass";
  case model::GateOutcome::waived:
    return "waived";
  case model::GateOutcome::not_applicable:
    return "n/a";
  case model::GateOutcome::failed:
    break;
  }
  return "FAIL";
}

} // namespace rl::report
