#include "util/diagnostic.hpp"

#include <utility>

#include "util/terminal.hpp"
#include "util/text.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace rl::util {

SourceLocation
location_at(std::string path, std::string_view text, std::size_t offset)
{
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {std::move(path), line, column};
}

std::string
format_diagnostic(const Diagnostic& diagnostic, bool color)
{
  std::string out;
  const SourceLocation& loc = diagnostic.location;
  if (!loc.path.empty()) {
    out += terminal_safe(loc.path);
    if (loc.line > 0) {
      out += fmt::format(":{}", loc.line);
      if (loc.column > 0) {
        out += fmt::format(":{}", loc.column);
      }
    }
    out += ": ";
  } else {
    out += "refactor-ledger: "; // no location: say which program speaks
  }
  out += diagnostic.severity == Severity::error ? paint("error:", Color::bold_red, color)
                                                : paint("warning:", Color::bold_yellow, color);
  out += ' ';
  // Messages quote input (names, paths, values): never raw control bytes.
  out += terminal_safe(diagnostic.message);
  if (!diagnostic.help.empty()) {
    out += "\n  help: ";
    out += terminal_safe(diagnostic.help);
  }
  return out;
}

void
DiagnosticSink::error(SourceLocation location, std::string message, std::string help)
{
  m_diagnostics.push_back({Severity::error, std::move(location), std::move(message), std::move(help)});
}

void
DiagnosticSink::warning(SourceLocation location, std::string message, std::string help)
{
  m_diagnostics.push_back({Severity::warning, std::move(location), std::move(message), std::move(help)});
}

bool
DiagnosticSink::has_errors() const
{
  return error_count() > 0;
}

std::size_t
DiagnosticSink::error_count() const
{
  return static_cast<std::size_t>(std::count_if(
    m_diagnostics.begin(), m_diagnostics.end(), [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

const std::vector<Diagnostic>&
DiagnosticSink::diagnostics() const
{
  return m_diagnostics;
}

std::vector<Diagnostic>
DiagnosticSink::sorted() const
{
  std::vector<Diagnostic> result = m_diagnostics;
  std::stable_sort(result.begin(), result.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.location.path, a.location.line, a.location.column)
           < std::tie(b.location.path, b.location.line, b.location.column);
  });
  return result;
}

void
DiagnosticSink::throw_if_errors() const
{
  if (has_errors()) {
    throw InputError(sorted());
  }
}

} // namespace rl::util
