#include "model/query_rows.hpp"

#include <fmt/format.h>

#include <set>

namespace rl::model {

std::vector<std::string>
distinct_column_names(const std::vector<std::string>& names)
{
  std::vector<std::string> wanted;
  for (std::size_t i = 0; i < names.size(); ++i) {
    wanted.push_back(names[i].empty() ? fmt::format("column_{}", i + 1) : names[i]);
  }
  const std::set<std::string> original(wanted.begin(), wanted.end());
  std::set<std::string> given;
  std::vector<std::string> out;
  for (const std::string& name : wanted) {
    std::string chosen = name;
    for (std::size_t k = 2; given.count(chosen) != 0 || (chosen != name && original.count(chosen) != 0); ++k) {
      chosen = fmt::format("{}_{}", name, k);
    }
    given.insert(chosen);
    out.push_back(std::move(chosen));
  }
  return out;
}

} // namespace rl::model
