#include "evidence/records.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace rl::evidence {

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
TestTotals::add(model::ResultStatus outcome)
{
  ++tests;
  switch (outcome) {
  case model::ResultStatus::passed:
  case model::ResultStatus::flaky:
    ++passed;
    break;
  case model::ResultStatus::failed:
    ++failed;
    break;
  case model::ResultStatus::error:
    ++errors;
    break;
  case model::ResultStatus::skipped:
  case model::ResultStatus::expected_failure:
    ++skipped;
    break;
  }
}

namespace {

// Reads exactly `width` ASCII digits at `pos` (advancing it); nullopt otherwise.
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

} // namespace

// Parsed by hand, in one pass (std::regex recursed once per character, and a
// timestamp of a few MB of fraction digits overflowed the stack).
std::optional<std::string>
normalize_time(std::string_view text)
{
  // YYYY-MM-DD(T| )hh:mm:ss(.f+)?(Z|(+|-)hh:?mm)?
  std::size_t pos = 0;
  const auto y = fixed_digits(text, pos, 4);
  if (!y || !take(text, pos, '-')) {
    return std::nullopt;
  }
  const auto mo = fixed_digits(text, pos, 2);
  if (!mo || !take(text, pos, '-')) {
    return std::nullopt;
  }
  const auto d = fixed_digits(text, pos, 2);
  if (!d || !(take(text, pos, 'T') || take(text, pos, ' '))) {
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
  const year_month_day date{year(*y), month(static_cast<unsigned>(*mo)), day(static_cast<unsigned>(*d))};
  if (!date.ok()) {
    return std::nullopt;
  }
  const sys_seconds t = sys_days(date) + hours(*h) + minutes(*mi) + seconds(*se) - minutes(offset_minutes);
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
