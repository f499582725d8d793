#include "model/placeholders.hpp"

#include <algorithm>

namespace rl::model {

const std::vector<std::string_view>&
placeholder_names()
{
  static const std::vector<std::string_view> k_names{"invariant_count", "milestone_count", "phase_count", "risk_count"};
  return k_names;
}

Placeholders
placeholder_values(const Definitions& d)
{
  return {{"invariant_count", std::to_string(d.invariants.size())},
          {"milestone_count", std::to_string(d.milestones.size())},
          {"phase_count", std::to_string(d.phases.size())},
          {"risk_count", std::to_string(d.risks.size())}};
}

std::string
expand_placeholders(std::string_view text, const Placeholders& values)
{
  if (text.find("{{") == std::string_view::npos) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      break;
    }
    if (open > pos && text[open - 1] == '\\') { // \{{ -> {{
      out.append(text.substr(pos, open - 1 - pos));
      out += "{{";
      pos = open + 2;
      continue;
    }
    out.append(text.substr(pos, open - pos));
    const std::size_t close = text.find("}}", open + 2);
    const std::string_view name =
      close == std::string_view::npos ? std::string_view() : text.substr(open + 2, close - open - 2);
    const auto it = std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.first == name; });
    if (close == std::string_view::npos || it == values.end()) {
      out += "{{";
      pos = open + 2;
      continue;
    }
    out += it->second;
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

} // namespace rl::model
