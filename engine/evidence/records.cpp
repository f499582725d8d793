#include "evidence/records.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <regex>

namespace rl::evidence {

std::string_view
to_string(TestOutcome outcome)
{
  switch (outcome) {
  case TestOutcome::passed:
    return "passed";
  case TestOutcome::failed:
    return "failed";
  case TestOutcome::error:
    return "error";
  case TestOutcome::skipped:
    return "skipped";
  case TestOutcome::expected_failure:
    return "expected_failure";
  case TestOutcome::flaky:
    return "flaky";
  }
  return "?";
}

std::string
TestCaseRecord::identity() const
{
  std::string out;
  identity_into(out);
  return out;
}

void
TestCaseRecord::identity_into(std::string& out) const
{
  out.clear();
  // Python test files: pytest's node id, "test/test_x.py::TestClass::test_name".
  if (file.size() > 3 && file.compare(file.size() - 3, 3, ".py") == 0) {
    // The classname is the module ("test/test_x.py" read as "test.test_x"),
    // a dot, then the class path; its dots become "::".
    const std::size_t module_size = file.size() - 3;
    bool in_module = classname.size() > module_size + 1 && classname[module_size] == '.';
    for (std::size_t i = 0; in_module && i < module_size; ++i) {
      in_module = classname[i] == (file[i] == '/' ? '.' : file[i]);
    }
    out.append(file).append("::");
    if (in_module) {
      for (std::size_t i = module_size + 1; i < classname.size(); ++i) {
        if (classname[i] == '.') {
          out.append("::");
        } else {
          out.push_back(classname[i]);
        }
      }
      out.append("::");
    }
    out.append(name);
    return;
  }
  out.append(classname.empty() ? suite : classname).append("::").append(name);
}

std::string
pytest_file_from_classname(const std::string& classname)
{
  // "test.sub.test_x.TestClass" -> "test/sub/test_x.py": the module is the
  // dotted prefix before the first component that starts with a capital.
  std::string path;
  std::size_t start = 0;
  while (start <= classname.size()) {
    std::size_t dot = classname.find('.', start);
    if (dot == std::string::npos) {
      dot = classname.size();
    }
    const std::string part = classname.substr(start, dot - start);
    if (part.empty() || (part[0] >= 'A' && part[0] <= 'Z')) {
      break;
    }
    path += (path.empty() ? "" : "/") + part;
    start = dot + 1;
  }
  return path.empty() ? std::string() : path + ".py";
}

void
TestTotals::add(TestOutcome outcome)
{
  ++tests;
  switch (outcome) {
  case TestOutcome::passed:
  case TestOutcome::flaky:
    ++passed;
    break;
  case TestOutcome::failed:
    ++failed;
    break;
  case TestOutcome::error:
    ++errors;
    break;
  case TestOutcome::skipped:
  case TestOutcome::expected_failure:
    ++skipped;
    break;
  }
}

std::optional<std::string>
normalize_time(std::string_view text)
{
  static const std::regex k_time(
    R"((\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, k_time)) {
    return std::nullopt;
  }
  using namespace std::chrono;
  const year_month_day date{year(std::stoi(m[1].str())),
                            month(static_cast<unsigned>(std::stoi(m[2].str()))),
                            day(static_cast<unsigned>(std::stoi(m[3].str())))};
  if (!date.ok()) {
    return std::nullopt;
  }
  sys_seconds t = sys_days(date) + hours(std::stoi(m[4].str())) + minutes(std::stoi(m[5].str()))
                  + seconds(std::stoi(m[6].str()));
  if (m[8].matched && m[8].str() != "Z") {
    std::string zone = m[8].str();
    const int sign = zone[0] == '-' ? -1 : 1;
    zone.erase(std::remove(zone.begin(), zone.end(), ':'), zone.end());
    const int offset = std::stoi(zone.substr(1, 2)) * 60 + std::stoi(zone.substr(3, 2));
    t -= minutes(sign * offset);
  }
  const sys_days day_part = floor<days>(t);
  const year_month_day ymd(day_part);
  const hh_mm_ss hms(t - day_part);
  char buffer[32];
  std::snprintf(buffer,
                sizeof buffer,
                "%04d-%02u-%02uT%02ld:%02ld:%02ldZ",
                static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()),
                static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return std::string(buffer);
}

std::string
cap_message(std::string text)
{
  if (text.size() <= k_max_message_bytes) {
    return text;
  }
  std::size_t cut = k_max_message_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  text.resize(cut);
  text += "…";
  return text;
}

} // namespace rl::evidence
