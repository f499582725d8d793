#include "util/limits.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <charconv>
#include <limits>

namespace rl::util {

namespace {

Limits g_limits;

struct Named
{
  std::string_view name;
  std::uint64_t Limits::*field;
};

constexpr Named k_names[] = {{"depth", &Limits::depth},
                             {"token-bytes", &Limits::token_bytes},
                             {"file-bytes", &Limits::file_bytes},
                             {"yaml-aliases", &Limits::yaml_aliases}};

std::string
known_names()
{
  std::string out;
  for (const Named& n : k_names) {
    out += (out.empty() ? "" : ", ") + std::string(n.name);
  }
  return out;
}

} // namespace

const Limits&
limits()
{
  return g_limits;
}

void
set_limit(std::string_view assignment)
{
  const std::size_t eq = assignment.find('=');
  if (eq == std::string_view::npos) {
    throw UsageError(fmt::format("--limit '{}': expected NAME=VALUE (names: {})", assignment, known_names()));
  }
  const std::string_view name = assignment.substr(0, eq);
  std::string_view value = assignment.substr(eq + 1);
  const Named* found = nullptr;
  for (const Named& n : k_names) {
    if (n.name == name) {
      found = &n;
    }
  }
  if (found == nullptr) {
    throw UsageError(fmt::format("--limit: unknown limit '{}' (names: {})", name, known_names()));
  }
  std::uint64_t scale = 1;
  if (!value.empty()) {
    switch (value.back()) {
    case 'K':
    case 'k':
      scale = 1ull << 10;
      break;
    case 'M':
    case 'm':
      scale = 1ull << 20;
      break;
    case 'G':
    case 'g':
      scale = 1ull << 30;
      break;
    default:
      break;
    }
    if (scale != 1) {
      value.remove_suffix(1);
    }
  }
  std::uint64_t number = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (value.empty() || ec != std::errc{} || end != value.data() + value.size() || number == 0
      || number > std::numeric_limits<std::uint64_t>::max() / scale) {
    throw UsageError(fmt::format(
      "--limit {}: '{}' is not a positive whole number (optionally with K, M or G)", name, assignment.substr(eq + 1)));
  }
  g_limits.*(found->field) = number * scale;
}

std::string
limit_help(std::string_view name)
{
  std::uint64_t value = 0;
  for (const Named& n : k_names) {
    if (n.name == name) {
      value = g_limits.*(n.field);
    }
  }
  return fmt::format("the limit '{}' is {}; if this input is trusted, raise it with "
                     "`refactor-ledger --limit {}=N ...` (README, 'Input limits')",
                     name,
                     value,
                     name);
}

void
reset_limits()
{
  g_limits = Limits{};
}

} // namespace rl::util
