#include "evidence/input_text.hpp"

#include "util/error.hpp"
#include "util/limits.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace rl::evidence {

util::SourceLocation
location_at(std::string_view text, std::size_t offset, const std::string& display_path)
{
  offset = std::min(offset, text.size());
  const std::string_view before = text.substr(0, offset);
  const std::size_t lines = static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t line_start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
  constexpr std::size_t k_max = static_cast<std::size_t>(std::numeric_limits<int>::max());
  return {display_path,
          static_cast<int>(std::min(lines + 1, k_max)),
          static_cast<int>(std::min(offset - line_start + 1, k_max))};
}

std::optional<std::size_t>
invalid_utf8_offset(std::string_view text)
{
  std::size_t i = 0;
  while (i < text.size()) {
    // ASCII runs are the common case.
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = util::utf8_sequence_length(text, i);
    if (n == 0) {
      return i;
    }
    i += n;
  }
  return std::nullopt;
}

void
require_utf8(std::string_view text, const std::string& display_path, std::string_view what)
{
  if (const auto bad = invalid_utf8_offset(text)) {
    throw util::InputError(std::vector<util::Diagnostic>{
      {util::Severity::error,
       location_at(text, *bad, display_path),
       fmt::format("invalid UTF-8 at byte {} (0x{:02X})", *bad, static_cast<unsigned char>(text[*bad])),
       fmt::format("{} must be UTF-8 text; was the file truncated, or written in another encoding?", what)}});
  }
}

std::string
printable(std::string_view text, std::size_t max_bytes)
{
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (out.size() >= max_bytes) {
      out += "...";
      break;
    }
    const auto b = static_cast<unsigned char>(text[i]);
    const std::size_t n = util::utf8_sequence_length(text, i);
    if (n == 0 || b < 0x20 || b == 0x7F) {
      out += fmt::format("\\x{:02X}", b);
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

void
require_file_size(std::uint64_t size, const std::string& display_path)
{
  const std::uint64_t limit = util::limits().file_bytes;
  if (size > limit) {
    throw util::InputError(std::vector<util::Diagnostic>{
      {util::Severity::error,
       {display_path, 0, 0},
       fmt::format("the file is {} bytes, more than the limit 'file-bytes' ({} bytes); nothing was read", size, limit),
       util::limit_help("file-bytes")}});
  }
}

} // namespace rl::evidence
