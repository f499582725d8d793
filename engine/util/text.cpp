#include "util/text.hpp"

#include <fmt/format.h>

namespace rl::util {

std::size_t
utf8_sequence_length(std::string_view text, std::size_t pos, char32_t* code_point)
{
  if (pos >= text.size()) {
    return 0;
  }
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(pos);
  if (b0 < 0x80) {
    if (code_point != nullptr) {
      *code_point = b0;
    }
    return 1;
  }
  char32_t cp = 0;
  std::size_t length = 0;
  char32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
    cp = b0 & 0x1F;
    min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    cp = b0 & 0x0F;
    min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (length > text.size() - pos) {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    const unsigned char b = byte(pos + k);
    if ((b & 0xC0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  if (code_point != nullptr) {
    *code_point = cp;
  }
  return length;
}

namespace {

bool
yaml_forbidden(char32_t cp)
{
  if (cp < 0x20) {
    return cp != 0x09 && cp != 0x0A && cp != 0x0D;
  }
  if (cp == 0x7F) {
    return true;
  }
  if (cp >= 0x80 && cp <= 0x9F) {
    return cp != 0x85;
  }
  return cp == 0xFFFE || cp == 0xFFFF;
}

// The C0 controls terminal_safe(text) keeps; besides them it keeps a CR that
// ends a line (CSV's CRLF), but not a lone CR, which can overwrite what a line
// showed.
constexpr std::string_view k_terminal_keep = "\t\n";

// True when the character `cp` at text[i] is escaped for a terminal: a C1
// control, or a C0 control or DEL that is neither in `keep` nor (with
// `keep_crlf`) a CR before LF.
bool
terminal_escaped(char32_t cp, std::string_view text, std::size_t i, std::string_view keep, bool keep_crlf)
{
  if (cp >= 0x80 && cp <= 0x9F) {
    return true;
  }
  if (cp >= 0x20 && cp != 0x7F) {
    return false;
  }
  if (keep.find(static_cast<char>(cp)) != std::string_view::npos) {
    return false;
  }
  const bool crlf = text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n';
  return !(keep_crlf && crlf);
}

bool
needs_escape(std::string_view text, std::string_view keep, bool keep_crlf)
{
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b >= 0x20 && b < 0x7F) {
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t n = utf8_sequence_length(text, i, &cp);
    if (n == 0 || terminal_escaped(cp, text, i, keep, keep_crlf)) {
      return true;
    }
    i += n;
  }
  return false;
}

std::string
escape_for_terminal(std::string_view text, std::string_view keep, bool keep_crlf)
{
  if (!needs_escape(text, keep, keep_crlf)) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t n = utf8_sequence_length(text, i, &cp);
    if (n == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    if (terminal_escaped(cp, text, i, keep, keep_crlf)) {
      out += cp < 0x80 ? fmt::format("\\x{:02x}", static_cast<std::uint32_t>(cp))
                       : fmt::format("\\u{:04x}", static_cast<std::uint32_t>(cp));
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

} // namespace

std::optional<TextProblem>
check_text(std::string_view text, bool yaml_printable)
{
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t n = utf8_sequence_length(text, i, &cp);
    if (n == 0) {
      return TextProblem{
        i,
        line,
        column,
        fmt::format("invalid UTF-8 (byte 0x{:02x} at byte offset {})", static_cast<unsigned char>(text[i]), i)};
    }
    if (yaml_printable && yaml_forbidden(cp)) {
      return TextProblem{
        i,
        line,
        column,
        fmt::format("control character U+{:04X} at byte offset {}", static_cast<std::uint32_t>(cp), i)};
    }
    if (cp == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += n;
  }
  return std::nullopt;
}

bool
needs_terminal_escape(std::string_view text)
{
  return needs_escape(text, k_terminal_keep, true);
}

std::string
terminal_safe(std::string_view text)
{
  return escape_for_terminal(text, k_terminal_keep, true);
}

std::string
terminal_safe(std::string_view text, std::string_view keep)
{
  return escape_for_terminal(text, keep, false);
}

std::string
clip(std::string_view text, std::size_t max_bytes)
{
  if (text.size() <= max_bytes) {
    return std::string(text);
  }
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end; // not inside a UTF-8 sequence
  }
  return fmt::format("{}… ({} bytes)", text.substr(0, end), text.size());
}

} // namespace rl::util
