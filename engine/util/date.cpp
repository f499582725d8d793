#include "util/date.hpp"

namespace rl::util {

std::optional<std::chrono::sys_days>
parse_date(std::string_view text)
{
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  int digits[8];
  int n = 0;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') {
      return std::nullopt;
    }
    digits[n++] = text[i] - '0';
  }
  const std::chrono::year_month_day ymd{
    std::chrono::year(digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]),
    std::chrono::month(static_cast<unsigned>(digits[4] * 10 + digits[5])),
    std::chrono::day(static_cast<unsigned>(digits[6] * 10 + digits[7]))};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  return std::chrono::sys_days(ymd);
}

} // namespace rl::util
