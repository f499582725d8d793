#include "app/commands.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <SQLiteCpp/Exception.h>
#include <fmt/format.h>

#include <cstdio>

namespace rl::app {

int
run_guarded(const std::function<ExitCode()>& action)
{
  try {
    return static_cast<int>(action());
  } catch (const util::InputError& e) {
    std::fflush(stdout);
    std::size_t errors = 0;
    for (const util::Diagnostic& d : e.diagnostics()) {
      fmt::print(stderr, "{}\n", util::format_diagnostic(d));
      errors += d.severity == util::Severity::error ? 1 : 0;
    }
    if (errors > 1) {
      fmt::print(stderr, "{} errors; nothing was written\n", errors);
    }
    return static_cast<int>(ExitCode::input_error);
  } catch (const util::UsageError& e) {
    fmt::print(stderr, "refactor-ledger: error: {}\n", util::terminal_safe(e.what()));
    return static_cast<int>(ExitCode::usage);
  } catch (const util::StoreError& e) {
    fmt::print(stderr, "refactor-ledger: error: {}\n", util::terminal_safe(e.what()));
    return static_cast<int>(ExitCode::store_error);
  } catch (const SQLite::Exception& e) {
    fmt::print(stderr, "refactor-ledger: database error: {}\n", util::terminal_safe(e.what()));
    return static_cast<int>(ExitCode::store_error);
  } catch (const std::filesystem::filesystem_error& e) {
    fmt::print(stderr, "refactor-ledger: error: {}\n", util::terminal_safe(e.what()));
    return static_cast<int>(ExitCode::store_error);
  } catch (const std::exception& e) {
    fmt::print(stderr, "refactor-ledger: internal error: {} (please report this)\n", util::terminal_safe(e.what()));
    return static_cast<int>(ExitCode::internal);
  }
}

} // namespace rl::app
