#pragma once

// Text at the boundary: UTF-8 checked where it enters, control characters
// escaped where they leave for a terminal.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rl::util {

// The first problem with `text` as UTF-8: an ill-formed sequence (a stray
// continuation byte, a truncated or overlong sequence, an encoded surrogate, a
// code point past U+10FFFF), or, when `yaml_printable`, a character YAML 1.2
// (§5.1, c-printable) does not allow in a stream: C0 controls other than
// tab, LF and CR, DEL, C1 controls other than NEL, U+FFFE and U+FFFF.
struct TextProblem
{
  std::size_t offset = 0; // byte offset of the offending sequence
  std::size_t line = 1;   // 1-based
  std::size_t column = 1; // 1-based, in characters
  std::string what;       // "invalid UTF-8 (byte 0xff)", "control character U+001B"
};
std::optional<TextProblem> check_text(std::string_view text, bool yaml_printable);

// The length (1 to 4) of the well-formed UTF-8 sequence that starts at
// text[pos], or 0 when none does (RFC 3629): a stray continuation byte, a byte
// that starts no sequence (0xC0, 0xC1, 0xF5 to 0xFF), a sequence cut short by
// a wrong byte or by the end of `text`, an overlong form, an encoded surrogate
// (U+D800 to U+DFFF) or a code point past U+10FFFF; 0 also when pos is past the
// end. When a sequence is found and `code_point` is given, it receives the
// character's code point.
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos, char32_t* code_point = nullptr);

// `text` made safe to print on a terminal: C0 controls other than LF, tab and
// a CR before LF, DEL and C1 controls become \xNN / \u00NN escapes, and bytes
// that are not valid UTF-8 become \xNN; everything else is kept. Idempotent on
// its output only where no backslash escapes were in the input (it does not
// escape '\').
std::string terminal_safe(std::string_view text);

// The same, but exactly the C0 controls and DEL in `keep` stay as they are
// (a CR before LF only when `keep` has CR): "" for a table cell, "\t\n\r" for
// a CSV field, whose quoting carries them.
std::string terminal_safe(std::string_view text, std::string_view keep);

// True when terminal_safe would change `text` (a fast scan, no allocation).
bool needs_terminal_escape(std::string_view text);

// `text` for a message: whole when at most `max_bytes` long, else its first
// bytes (cut at a character boundary) and "… (N bytes)".
std::string clip(std::string_view text, std::size_t max_bytes);

} // namespace rl::util
