#pragma once

// Helpers shared by the evidence readers for untrusted text: where a byte
// offset is (line:col), whether the text is UTF-8, and how to quote a piece of
// it in a message without passing control characters or broken UTF-8 on.

#include "util/diagnostic.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rl::evidence {

// 1-based line and column (in bytes) of the byte at `offset` of `text`.
util::SourceLocation location_at(std::string_view text, std::size_t offset, const std::string& display_path);

// Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF); nullopt when the
// whole text is UTF-8.
std::optional<std::size_t> invalid_utf8_offset(std::string_view text);

// Throws util::InputError ("path:line:col: error: invalid UTF-8 at byte N")
// when `text` is not UTF-8. `what` names the format for the help line.
void require_utf8(std::string_view text, const std::string& display_path, std::string_view what);

// `text` as it may appear inside a message: control characters and bytes that
// are not UTF-8 written as \xNN, cut after `max_bytes` bytes with "...".
std::string printable(std::string_view text, std::size_t max_bytes = 80);

// Throws util::InputError naming the file and the limit 'file-bytes' when
// `size` exceeds util::limits().file_bytes (checked before reading a file).
void require_file_size(std::uint64_t size, const std::string& display_path);

} // namespace rl::evidence
