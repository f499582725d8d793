#pragma once

#include <fmt/format.h>

#include <chrono>
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace rl::model {

// A point in time, to the second, in UTC: the ledger's one type for "when".
// Text becomes a Timestamp once, where it enters (an evidence file, --at, the
// clock, the database), and is written back in one form,
// YYYY-MM-DDTHH:MM:SSZ: what the database stores, JSON shows and documents
// quote. Four-digit years only, so that the text form sorts as time does.
class Timestamp
{
public:
  // 1970-01-01T00:00:00Z.
  Timestamp() = default;
  explicit Timestamp(std::chrono::sys_seconds time);

  // An ISO 8601 time: YYYY-MM-DD, 'T' or ' ', hh:mm:ss, an optional fraction
  // (read, not kept) and an optional zone ('Z', +hh:mm, +hhmm; none is UTC).
  // A real calendar date and clock time (no 2026-02-30, no 24:00), a year
  // from 0000 to 9999 after conversion to UTC; nullopt otherwise.
  static std::optional<Timestamp> parse(std::string_view text);

  std::chrono::sys_seconds time() const
  {
    return m_time;
  }
  std::chrono::sys_days day() const;
  // YYYY-MM-DDTHH:MM:SSZ.
  std::string text() const;
  // YYYY-MM-DD, the day in UTC.
  std::string date() const;

  bool operator==(const Timestamp&) const = default;
  // Written out: clang-tidy 15 reads a defaulted <=> as comparing with a
  // literal 0 (modernize-use-nullptr).
  std::strong_ordering operator<=>(const Timestamp& other) const
  {
    return m_time <=> other.m_time;
  }

private:
  std::chrono::sys_seconds m_time{};
};

} // namespace rl::model

template<>
struct fmt::formatter<rl::model::Timestamp> : fmt::formatter<std::string_view>
{
  template<typename Context>
  auto format(const rl::model::Timestamp& t, Context& context) const
  {
    return fmt::formatter<std::string_view>::format(t.text(), context);
  }
};
