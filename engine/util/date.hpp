#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace rl::util {

// The day of a YYYY-MM-DD date (a real calendar date: no 2026-02-30), or
// nullopt. The one date check of the YAML, the rule engine and the CLI.
std::optional<std::chrono::sys_days> parse_date(std::string_view text);

} // namespace rl::util
