#pragma once

#include <string>

namespace rl::util {

// A unified diff (3 lines of context) from `before` to `after`, with the given
// file labels; empty when the texts are equal. Line based; for very large
// changed regions it falls back to replacing the whole region.
std::string unified_diff(const std::string& before,
                         const std::string& after,
                         const std::string& before_label,
                         const std::string& after_label);

} // namespace rl::util
