#include "util/error.hpp"

namespace rl::util {

namespace {

std::string
summary(const std::vector<Diagnostic>& diagnostics)
{
  return diagnostics.empty() ? std::string("invalid input") : diagnostics.front().message;
}

} // namespace

InputError::InputError(std::vector<Diagnostic> diagnostics)
  : std::runtime_error(summary(diagnostics))
  , m_diagnostics(std::move(diagnostics))
{
}

InputError::InputError(const std::string& message, std::string help)
  : std::runtime_error(message)
  , m_diagnostics{Diagnostic{Severity::error, {}, message, std::move(help)}}
{
}

const std::vector<Diagnostic>&
InputError::diagnostics() const
{
  return m_diagnostics;
}

} // namespace rl::util
