#include "app/commands.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <SQLiteCpp/Exception.h>
#include <fmt/format.h>

namespace rl::app {

int
run_guarded(const std::function<ExitCode()>& action, report::Sink& sink)
{
  try {
    return static_cast<int>(action());
  } catch (const util::InputError& e) {
    std::size_t errors = 0;
    for (const util::Diagnostic& d : e.diagnostics()) {
      sink.err(util::format_diagnostic(d) + "\n");
      errors += d.severity == util::Severity::error ? 1 : 0;
    }
    if (errors > 1) {
      sink.err(fmt::format("{} errors; nothing was written\n", errors));
    }
    return static_cast<int>(ExitCode::input_error);
  } catch (const util::UsageError& e) {
    sink.err(fmt::format("refactor-ledger: error: {}\n", util::terminal_safe(e.what())));
    return static_cast<int>(ExitCode::usage);
  } catch (const util::StoreError& e) {
    sink.err(fmt::format("refactor-ledger: error: {}\n", util::terminal_safe(e.what())));
    return static_cast<int>(ExitCode::store_error);
  } catch (const SQLite::Exception& e) {
    sink.err(fmt::format("refactor-ledger: database error: {}\n", util::terminal_safe(e.what())));
    return static_cast<int>(ExitCode::store_error);
  } catch (const std::filesystem::filesystem_error& e) {
    sink.err(fmt::format("refactor-ledger: error: {}\n", util::terminal_safe(e.what())));
    return static_cast<int>(ExitCode::store_error);
  } catch (const std::exception& e) {
    sink.err(fmt::format("refactor-ledger: internal error: {} (please report this)\n", util::terminal_safe(e.what())));
    return static_cast<int>(ExitCode::internal);
  }
}

} // namespace rl::app
