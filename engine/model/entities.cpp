#include "model/entities.hpp"

#include <algorithm>
#include <charconv>
#include <tuple>
#include <utility>

namespace rl::model {

namespace {

// (prefix, number, suffix) of "M06-A" or "INV-050"; an id without digits
// sorts by its text alone.
std::tuple<std::string, long, std::string>
natural_key(const std::string& id)
{
  const auto digit = std::find_if(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digit == id.end()) {
    return {id, -1, std::string()};
  }
  long number = 0;
  const char* begin = id.data() + (digit - id.begin());
  const char* end = id.data() + id.size();
  const auto [ptr, ec] = std::from_chars(begin, end, number);
  if (ec != std::errc()) {
    return {id, -1, std::string()};
  }
  return {std::string(id.begin(), digit), number, std::string(ptr, end)};
}

} // namespace

const std::vector<std::string>&
log_section_positions()
{
  static const std::vector<std::string> k_positions{"context",
                                                    "facts",
                                                    "governance",
                                                    "history",
                                                    "principles",
                                                    "deprecation",
                                                    "risks",
                                                    "deferrals",
                                                    "catalog",
                                                    "status",
                                                    "progress",
                                                    "scores"};
  return k_positions;
}

bool
Deferral::touches(const std::string& milestone) const
{
  if (discovered_in.id == milestone || (deferred_to && deferred_to->id == milestone)) {
    return true;
  }
  return std::any_of(history.begin(), history.end(), [&](const DeferralEvent& e) {
    return (e.milestone && e.milestone->id == milestone) || e.to == milestone;
  });
}

bool
natural_less(const std::string& a, const std::string& b)
{
  return natural_key(a) < natural_key(b);
}

void
canonicalize(Definitions& definitions)
{
  auto by_id = [](const auto& a, const auto& b) { return natural_less(a.id, b.id); };
  std::stable_sort(
    definitions.phases.begin(), definitions.phases.end(), [](const Phase& a, const Phase& b) { return a.id < b.id; });
  std::stable_sort(
    definitions.categories.begin(), definitions.categories.end(), [](const Category& a, const Category& b) {
      return std::tie(a.order, a.id) < std::tie(b.order, b.id);
    });
  // A category named in several catalog files is one category: the first.
  std::vector<Category> categories;
  for (Category& c : definitions.categories) {
    if (std::none_of(categories.begin(), categories.end(), [&](const Category& x) { return x.id == c.id; })) {
      categories.push_back(std::move(c));
    }
  }
  definitions.categories = std::move(categories);
  std::stable_sort(definitions.milestones.begin(), definitions.milestones.end(), by_id);
  std::stable_sort(definitions.invariants.begin(), definitions.invariants.end(), by_id);
  std::stable_sort(definitions.risks.begin(), definitions.risks.end(), by_id);
  std::stable_sort(definitions.deferrals.begin(), definitions.deferrals.end(), by_id);
}

const Milestone*
find_milestone(const Definitions& definitions, std::string_view id)
{
  const auto it = std::find_if(
    definitions.milestones.begin(), definitions.milestones.end(), [&](const Milestone& m) { return m.id == id; });
  return it == definitions.milestones.end() ? nullptr : &*it;
}

Milestone*
find_milestone(Definitions& definitions, std::string_view id)
{
  return const_cast<Milestone*>(find_milestone(std::as_const(definitions), id));
}

} // namespace rl::model
