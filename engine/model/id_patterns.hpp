#pragma once

// What an id of each kind may look like. Milestone, invariant, risk and
// deferral ids follow the program's patterns (program.yaml `ids:`, RE2
// syntax, matched against the whole id) or the defaults: M01 / M06-A,
// INV-050, I01, D01. Phases, categories and score dimensions keep fixed
// forms. Whatever the pattern, an id is at most 64 characters of ASCII
// letters, digits, '.', '_' and '-', starting with a letter or a digit:
// ids name files (milestones/M02.yaml, closeout documents), Markdown anchors
// and command-line arguments.

#include "model/entities.hpp"
#include "util/regex.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rl::model {

enum class IdKind { milestone, invariant, risk, deferral, phase, category, dimension };
inline constexpr std::size_t k_id_kinds = 7;

inline constexpr std::size_t k_max_id_length = 64;

class IdPatterns
{
public:
  // The defaults.
  IdPatterns();
  // The program's patterns; a pattern that does not compile keeps the
  // default (the loader has reported it: check_id_pattern).
  explicit IdPatterns(const IdPatternSet& set);

  // The built-in patterns, compiled once.
  static const IdPatterns& defaults();

  // True when `text` is a well-formed id of `kind`.
  bool valid(IdKind kind, std::string_view text) const;

  // "a deferral id such as D01", or for a program pattern "a deferral id
  // matching M[0-9]{2}-V[0-9]{2} (program.yaml ids.deferral)", for messages.
  std::string describe(IdKind kind) const;

private:
  std::array<std::optional<util::Regex>, k_id_kinds> m_custom;
  std::array<std::string, k_id_kinds> m_custom_text;
};

// What is wrong with `pattern` as the id pattern of `kind` ("" when nothing):
// it does not compile (RE2's message), is too long, or matches the empty
// string.
std::string check_id_pattern(std::string_view pattern);

// The kinds a program may give its own pattern, with their key under `ids:`.
struct PatternKind
{
  IdKind kind;
  std::string_view key;
  std::string IdPatternSet::*member;
};
const std::array<PatternKind, 4>& pattern_kinds();

} // namespace rl::model
