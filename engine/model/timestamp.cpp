#include "model/timestamp.hpp"

#include "util/date.hpp"

namespace rl::model {

namespace {

std::optional<int>
fixed_digits(std::string_view text, std::size_t& pos, std::size_t width)
{
  if (text.size() - pos < width) {
    return std::nullopt;
  }
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  pos += width;
  return value;
}

bool
take(std::string_view text, std::size_t& pos, char c)
{
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

constexpr std::chrono::year k_first_year{0};
constexpr std::chrono::year k_last_year{9999};

} // namespace

Timestamp::Timestamp(std::chrono::sys_seconds time)
  : m_time(time)
{
}

// Parsed by hand, in one pass, and converted with C++20's calendar types:
// libstdc++ 12 (Debian 12) has no std::chrono::parse, and a parser built on
// std::regex recursed once per character (a timestamp with a few MB of
// fraction digits overflowed the stack; tests/fuzz keeps such inputs).
std::optional<Timestamp>
Timestamp::parse(std::string_view text)
{
  // YYYY-MM-DD(T| )hh:mm:ss(.f+)?(Z|(+|-)hh:?mm)?
  const std::optional<std::chrono::sys_days> date = util::parse_date(text.substr(0, 10)); // the ledger's one date check
  std::size_t pos = 10;
  if (!date || !(take(text, pos, 'T') || take(text, pos, ' '))) {
    return std::nullopt;
  }
  const auto h = fixed_digits(text, pos, 2);
  if (!h || !take(text, pos, ':')) {
    return std::nullopt;
  }
  const auto mi = fixed_digits(text, pos, 2);
  if (!mi || !take(text, pos, ':')) {
    return std::nullopt;
  }
  const auto se = fixed_digits(text, pos, 2);
  if (!se || *h > 23 || *mi > 59 || *se > 60) { // 60: a leap second
    return std::nullopt;
  }
  if (take(text, pos, '.')) { // a fraction: read, not kept
    const std::size_t digits = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
    }
    if (pos == digits) {
      return std::nullopt;
    }
  }
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    const auto oh = fixed_digits(text, pos, 2);
    (void)take(text, pos, ':');
    const auto om = oh ? fixed_digits(text, pos, 2) : std::nullopt;
    if (!oh || !om || *oh > 23 || *om > 59) {
      return std::nullopt;
    }
    offset_minutes = sign * (*oh * 60 + *om);
  } else {
    (void)take(text, pos, 'Z');
  }
  if (pos != text.size()) {
    return std::nullopt;
  }
  using namespace std::chrono;
  const sys_seconds t = *date + hours(*h) + minutes(*mi) + seconds(*se) - minutes(offset_minutes);
  const year utc_year = year_month_day(floor<days>(t)).year();
  if (utc_year < k_first_year || utc_year > k_last_year) {
    return std::nullopt;
  }
  return Timestamp(t);
}

std::chrono::sys_days
Timestamp::day() const
{
  return std::chrono::floor<std::chrono::days>(m_time);
}

std::string
Timestamp::text() const
{
  using namespace std::chrono;
  const sys_days day_part = day();
  const year_month_day ymd(day_part);
  const hh_mm_ss hms(m_time - day_part);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                     static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()),
                     hms.hours().count(),
                     hms.minutes().count(),
                     hms.seconds().count());
}

std::string
Timestamp::date() const
{
  return text().substr(0, 10);
}

} // namespace rl::model
