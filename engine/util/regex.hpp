#pragma once

// Regular expressions that come from input (program.yaml id patterns,
// pattern_absent gates), compiled by RE2: matching takes time linear in the
// text, memory is bounded, and neither the pattern nor the text is walked by
// recursion, so no input can hang or crash the tool (std::regex recursed once
// per character and overflowed the stack on a long id or a deeply nested
// pattern). Backreferences and look-around are not supported; that is the
// price of the guarantee.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace rl::util {

enum class RegexSyntax {
  re2,           // RE2 / Perl-like: \d, (?i), non-greedy repeats
  posix_extended // POSIX ERE, as `git grep -E` takes (no \d, no (?i))
};

// The longest pattern compile_regex accepts, in bytes.
inline constexpr std::size_t k_max_regex_bytes = 4096;

class Regex
{
public:
  // True when the whole of `text` matches.
  bool full_match(std::string_view text) const;
  // True when some part of `text` matches.
  bool partial_match(std::string_view text) const;
  // The pattern as written.
  const std::string& pattern() const;

private:
  friend std::optional<Regex> compile_regex(std::string_view, RegexSyntax, std::string*);
  explicit Regex(std::shared_ptr<const re2::RE2> re);
  std::shared_ptr<const re2::RE2> m_re;
};

// The compiled pattern, or nullopt with what is wrong in *error (RE2's
// message: "missing ): (a", "invalid escape sequence: \\1", ...; too long;
// too large a program). Nothing is logged.
std::optional<Regex> compile_regex(std::string_view pattern, RegexSyntax syntax, std::string* error);

} // namespace rl::util
