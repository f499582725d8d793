#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rl::util {

// Where a problem was found. `path` is relative to the program root and uses '/'
// separators. Lines and columns are 1-based; 0 means unknown.
struct SourceLocation
{
  std::string path;
  int line = 0;
  int column = 0;
};

// The line and column (1-based; a column counts bytes) of byte `offset` of
// `text`, a file read whole: where a JSON parser's byte offset points.
SourceLocation location_at(std::string path, std::string_view text, std::size_t offset);

enum class Severity { error, warning };

struct Diagnostic
{
  Severity severity = Severity::error;
  SourceLocation location;
  std::string message;
  std::string help; // optional suggestion, printed as "  help: ..."
};

// "milestones/M01.yaml:12:5: error: unknown field 'ownr'" plus an indented
// "help:" line when present: the layout of compiler diagnostics, so editors and
// CI annotators can jump to the location. Without a location the line starts
// "refactor-ledger: error: " (or "warning: "), as every other message does.
// With `color` (util::colors_stderr() for standard error), "error:" is bold
// red and "warning:" bold yellow.
std::string format_diagnostic(const Diagnostic& diagnostic, bool color = false);

// Collects diagnostics so that one run reports every problem in the input
// instead of stopping at the first.
class DiagnosticSink
{
public:
  void error(SourceLocation location, std::string message, std::string help = {});
  void warning(SourceLocation location, std::string message, std::string help = {});

  bool has_errors() const;
  std::size_t error_count() const;
  const std::vector<Diagnostic>& diagnostics() const;

  // Diagnostics sorted by path, line, column (stable for equal locations), so
  // output does not depend on the order in which checks ran.
  std::vector<Diagnostic> sorted() const;

  // Throws InputError carrying all diagnostics if any of them is an error.
  void throw_if_errors() const;

private:
  std::vector<Diagnostic> m_diagnostics;
};

} // namespace rl::util
