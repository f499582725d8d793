#include "model/id_patterns.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace rl::model {

namespace {

constexpr std::size_t k_kinds = k_id_kinds;

std::size_t
index(IdKind kind)
{
  return static_cast<std::size_t>(kind);
}

// The built-in pattern and its description of each kind, in IdKind order.
struct Builtin
{
  std::string_view pattern;
  std::string_view description;
};
constexpr std::array<Builtin, k_kinds> k_builtin{{
  {"M[0-9]{2,}(-[A-Z0-9]+)?", "a milestone id such as M01 or M06-A"},
  {"INV-[0-9]{3,}", "an invariant id such as INV-050"},
  {"I[0-9]{2,}", "a risk id such as I01"},
  {"D[0-9]{2,}", "a deferral id such as D01"},
  {"[0-9]{1,4}", "a phase number such as 0 or 1"},
  {"[a-z][a-z0-9-]*", "a category id in lower case, such as api-stability"},
  {"[a-z][a-z0-9_]*", "a score dimension id in lower case, such as architecture"},
}};

constexpr std::array<std::string_view, k_kinds>
  k_kind_names{"milestone", "invariant", "risk", "deferral", "phase", "category", "dimension"};

util::Regex
compile_builtin(std::string_view pattern)
{
  std::string error;
  std::optional<util::Regex> re = util::compile_regex(pattern, util::RegexSyntax::re2, &error);
  if (!re) {
    throw std::logic_error(fmt::format("built-in id pattern '{}': {}", pattern, error));
  }
  return *re;
}

const std::array<util::Regex, k_kinds>&
builtin_regexes()
{
  static const std::array<util::Regex, k_kinds> k_regexes{compile_builtin(k_builtin[0].pattern),
                                                          compile_builtin(k_builtin[1].pattern),
                                                          compile_builtin(k_builtin[2].pattern),
                                                          compile_builtin(k_builtin[3].pattern),
                                                          compile_builtin(k_builtin[4].pattern),
                                                          compile_builtin(k_builtin[5].pattern),
                                                          compile_builtin(k_builtin[6].pattern)};
  return k_regexes;
}

// The characters every id is made of, whatever its pattern.
bool
safe_id_text(std::string_view text)
{
  if (text.empty() || text.size() > k_max_id_length) {
    return false;
  }
  auto alnum = [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (!alnum(text.front())) {
    return false;
  }
  for (const char c : text) {
    if (!alnum(c) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

// The compiled pattern, or nullopt with what is wrong in *error.
std::optional<util::Regex>
compile_id_pattern(std::string_view pattern, std::string* error)
{
  std::optional<util::Regex> re = util::compile_regex(pattern, util::RegexSyntax::re2, error);
  if (re && re->full_match("")) {
    if (error != nullptr) {
      *error = "it matches an empty id";
    }
    return std::nullopt;
  }
  return re;
}

} // namespace

const std::array<PatternKind, 4>&
pattern_kinds()
{
  static const std::array<PatternKind, 4> k_kinds_list{{
    {IdKind::milestone, "milestone", &IdPatternSet::milestone},
    {IdKind::invariant, "invariant", &IdPatternSet::invariant},
    {IdKind::risk, "risk", &IdPatternSet::risk},
    {IdKind::deferral, "deferral", &IdPatternSet::deferral},
  }};
  return k_kinds_list;
}

IdPatterns::IdPatterns() = default;

IdPatterns::IdPatterns(const IdPatternSet& set)
{
  for (const PatternKind& k : pattern_kinds()) {
    const std::string& text = set.*k.member;
    if (text.empty()) {
      continue;
    }
    if (std::optional<util::Regex> re = compile_id_pattern(text, nullptr)) {
      m_custom[index(k.kind)] = std::move(re);
      m_custom_text[index(k.kind)] = text;
    }
  }
}

const IdPatterns&
IdPatterns::defaults()
{
  static const IdPatterns k_defaults;
  return k_defaults;
}

bool
IdPatterns::valid(IdKind kind, std::string_view text) const
{
  if (!safe_id_text(text)) {
    return false;
  }
  const std::optional<util::Regex>& custom = m_custom[index(kind)];
  return custom ? custom->full_match(text) : builtin_regexes()[index(kind)].full_match(text);
}

std::string
IdPatterns::describe(IdKind kind) const
{
  if (m_custom[index(kind)]) {
    const std::string_view name = k_kind_names[index(kind)];
    return fmt::format("{} {} id matching {} (program.yaml ids.{})",
                       name.front() == 'i' ? "an" : "a",
                       name,
                       util::clip(m_custom_text[index(kind)], 80),
                       name);
  }
  return std::string(k_builtin[index(kind)].description);
}

std::string
check_id_pattern(std::string_view pattern)
{
  std::string error;
  compile_id_pattern(pattern, &error);
  return error;
}

} // namespace rl::model
