#pragma once

// Text from evidence and YAML (test names, messages, paths) may carry
// terminal escape sequences. When standard output or standard error is a
// terminal, guard_terminal_output() routes it through terminal_safe(): C0
// controls other than LF and tab, DEL and C1 controls are printed as escapes
// (\x1b, \u009b) and bytes that are not UTF-8 as \xNN. Pipes and files get the
// bytes unchanged (JSON and CSV are data).

#include <cstdio>

namespace rl::util {

// Call once at start-up, before anything is printed.
void guard_terminal_output();

// The unguarded standard error, for the ledger's own control sequences (the
// ingest progress line).
std::FILE* raw_stderr();

} // namespace rl::util
