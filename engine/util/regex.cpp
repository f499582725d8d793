#include "util/regex.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

namespace rl::util {

namespace {

// Far more than any id or source-line pattern needs; RE2 refuses to build a
// larger program ("pattern too large - compile failed").
constexpr std::int64_t k_max_program_bytes = 1 << 20;

} // namespace

Regex::Regex(std::shared_ptr<const re2::RE2> re)
  : m_re(std::move(re))
{
}

bool
Regex::full_match(std::string_view text) const
{
  return re2::RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *m_re);
}

bool
Regex::partial_match(std::string_view text) const
{
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *m_re);
}

const std::string&
Regex::pattern() const
{
  return m_re->pattern();
}

std::optional<Regex>
compile_regex(std::string_view pattern, RegexSyntax syntax, std::string* error)
{
  if (pattern.size() > k_max_regex_bytes) {
    if (error != nullptr) {
      *error = fmt::format("the pattern is {} bytes long, longer than {}", pattern.size(), k_max_regex_bytes);
    }
    return std::nullopt;
  }
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(k_max_program_bytes);
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  if (syntax == RegexSyntax::posix_extended) {
    options.set_posix_syntax(true);
    options.set_longest_match(true);
    // \b and \B, which glibc's regcomp also takes. Not \d: regcomp reads it
    // as a plain 'd', so a gate would pass without looking; [[:digit:]] it is.
    options.set_word_boundary(true);
  }
  auto re = std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    if (error != nullptr) {
      *error = re->error();
    }
    return std::nullopt;
  }
  return Regex(std::move(re));
}

} // namespace rl::util
