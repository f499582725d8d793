#pragma once

// Text from evidence and YAML (test names, messages, paths) may carry
// terminal escape sequences. When standard output or standard error is a
// terminal, guard_terminal_output() routes it through terminal_safe(): C0
// controls other than LF and tab, DEL and C1 controls are printed as escapes
// (\x1b, \u009b) and bytes that are not UTF-8 as \xNN. Pipes and files get the
// bytes unchanged (JSON and CSV are data).

#include <cstdio>
#include <string>
#include <string_view>

namespace rl::util {

// --color: `automatic` colours a stream that is a terminal, `always` colours
// pipes and files too, `never` colours nothing. NO_COLOR set to any non-empty
// value (https://no-color.org) means never, whatever --color says.
enum class ColorMode { automatic, always, never };

void set_color_mode(ColorMode mode);

// Whether what goes to standard output / standard error is coloured.
bool colors_stdout();
bool colors_stderr();

// The colours the ledger writes: the only escape sequences that
// guard_terminal_output lets through to a terminal (everything else is
// escaped, as before).
enum class Color { red, green, yellow, bold_red, bold_yellow };

// `text` in `color`, then the reset sequence; `text` as is when `enabled` is
// false.
std::string paint(std::string_view text, Color color, bool enabled);

// Call once at start-up, before anything is printed.
void guard_terminal_output();

// The unguarded standard error, for the ledger's own control sequences (the
// ingest progress line).
std::FILE* raw_stderr();

} // namespace rl::util
