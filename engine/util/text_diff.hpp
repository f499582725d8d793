#pragma once

#include <string>

namespace rl::util {

// A unified diff (3 lines of context, changes up to 6 unchanged lines apart in
// one hunk, as GNU diff -u) from `before` to `after`, with the given file
// labels; empty when the texts are equal. Line based, and the shortest such
// diff (dtl) unless the texts are far apart (about 1,400 lines removed and
// 1,400 added): then dtl stops searching and the diff may be longer, but is
// still right.
std::string unified_diff(const std::string& before,
                         const std::string& after,
                         const std::string& before_label,
                         const std::string& after_label);

} // namespace rl::util
