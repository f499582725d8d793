#include "model/results.hpp"

namespace rl::model {

MilestoneOrder::MilestoneOrder(const std::vector<std::string>& all_ids)
{
  m_position.reserve(all_ids.size());
  for (std::size_t i = 0; i < all_ids.size(); ++i) {
    m_position.emplace(all_ids[i], i);
  }
}

std::string
MilestoneOrder::compress(const std::vector<std::string>& ids) const
{
  auto adjacent = [&](const std::string& a, const std::string& b) {
    const auto pa = m_position.find(a);
    const auto pb = m_position.find(b);
    return pa != m_position.end() && pb != m_position.end() && pb->second == pa->second + 1;
  };
  std::string out;
  std::size_t i = 0;
  while (i < ids.size()) {
    std::size_t j = i;
    while (j + 1 < ids.size() && adjacent(ids[j], ids[j + 1])) {
      ++j;
    }
    if (!out.empty()) {
      out += ", ";
    }
    out += ids[i];
    if (j > i) {
      out += "-" + ids[j];
    }
    i = j + 1;
  }
  return out;
}

std::string
compress_ids(const std::vector<std::string>& ids, const std::vector<std::string>& all_ids)
{
  return MilestoneOrder(all_ids).compress(ids);
}

} // namespace rl::model
