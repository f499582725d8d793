#include "model/timestamp.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

using rl::model::Timestamp;

namespace {

// The UTC text of `text` parsed, or "(none)".
std::string
utc(std::string_view text)
{
  const std::optional<Timestamp> t = Timestamp::parse(text);
  return t ? t->text() : "(none)";
}

} // namespace

TEST_CASE("a timestamp reads ISO 8601 date-times in any zone and writes them in UTC", "[model][time]")
{
  CHECK(utc("2026-02-08T07:30:00Z") == "2026-02-08T07:30:00Z");
  CHECK(utc("2026-02-08T07:30:00") == "2026-02-08T07:30:00Z");
  CHECK(utc("2026-02-08 07:30:00") == "2026-02-08T07:30:00Z");
  CHECK(utc("2026-02-08T07:30:00.123456") == "2026-02-08T07:30:00Z");
  CHECK(utc("2026-02-08T07:30:00.5+02:00") == "2026-02-08T05:30:00Z");
  CHECK(utc("2026-02-08T07:30:00-0130") == "2026-02-08T09:00:00Z");
  CHECK(utc("2026-01-01T00:30:00+01:00") == "2025-12-31T23:30:00Z");
  CHECK(utc("2024-02-29T23:59:60Z") == "2024-03-01T00:00:00Z"); // a leap second
  CHECK(utc("0000-01-01T00:00:00Z") == "0000-01-01T00:00:00Z");
  CHECK(utc("9999-12-31T23:59:59Z") == "9999-12-31T23:59:59Z");
}

TEST_CASE("a timestamp refuses text that is not a real date and time", "[model][time]")
{
  for (const std::string_view bad : {
         "",
         "2026-02-30T00:00:00Z",
         "2026-13-01T00:00:00Z",
         "2026-02-08T24:00:00Z",
         "2026-02-08T07:60:00Z",
         "2026-02-08T07:30:61Z",
         "2026-02-08T07:30Z",
         "2026-02-08T07:30:00.",
         "2026-02-08T07:30:00.Z",
         "2026-02-08T07:30:00+2:00",
         "2026-02-08T07:30:00+24:00",
         "2026-02-08T07:30:00+02:60",
         "2026-02-08T07:30:00Zjunk",
         " 2026-02-08T07:30:00Z",
         "2026-2-08T07:30:00Z",
         "2026-02-08t07:30:00Z",
         "0000-01-01T00:30:00+01:00", // year -1 in UTC: its text would not sort
         "9999-12-31T23:30:00-01:00", // year 10000 in UTC
       }) {
    INFO(bad);
    CHECK(utc(bad) == "(none)");
  }
  CHECK(utc(std::string_view("2026-02-08T07:30:00\0Z", 21)) == "(none)");
}

TEST_CASE("a timestamp's day and date are those of UTC, and timestamps order as time does", "[model][time]")
{
  using namespace std::chrono;
  const Timestamp late_evening = *Timestamp::parse("2026-02-08T23:30:00-02:00");
  CHECK(late_evening.date() == "2026-02-09");
  CHECK(late_evening.day() == sys_days(year(2026) / February / 9));
  CHECK(late_evening.time() == sys_days(year(2026) / February / 9) + hours(1) + minutes(30));
  const Timestamp earlier = *Timestamp::parse("2026-02-09T02:00:00+02:00");
  CHECK(earlier < late_evening);
  CHECK(earlier.text() < late_evening.text()); // the text form sorts the same way
  CHECK(*Timestamp::parse("2026-02-09T01:30:00Z") == late_evening);
  CHECK(Timestamp().text() == "1970-01-01T00:00:00Z");
  CHECK(fmt::format("taken {}", late_evening) == "taken 2026-02-09T01:30:00Z");
}
