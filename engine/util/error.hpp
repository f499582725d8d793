#pragma once

#include "util/diagnostic.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace rl::util {

// Invalid user input (YAML, arguments that passed the parser, SQL given to
// `query`). Carries every diagnostic found; exit code 3.
class InputError : public std::runtime_error
{
public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  explicit InputError(const std::string& message, std::string help = {});

  const std::vector<Diagnostic>& diagnostics() const;

private:
  std::vector<Diagnostic> m_diagnostics;
};

// The ledger database or the environment cannot be used as is (newer schema,
// unwritable directory, corrupt rows). Exit code 4.
class StoreError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

// The command line is wrong in a way the parser could not see (e.g. an unknown
// id given to `show`). Exit code 2.
class UsageError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

} // namespace rl::util
