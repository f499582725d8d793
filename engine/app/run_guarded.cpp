#include "app/commands.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <SQLiteCpp/Exception.h>
#include <fmt/format.h>

namespace rl::app {

namespace {

// "refactor-ledger: error: MESSAGE", as every error is printed
// (util::format_diagnostic, in colour on a terminal).
void
print_error(report::Sink& sink, const std::string& message)
{
  util::Diagnostic d;
  d.message = message;
  sink.err(util::format_diagnostic(d, sink.colors_err()) + "\n");
}

} // namespace

int
run_guarded(const std::function<ExitCode()>& action, report::Sink& sink)
{
  try {
    return static_cast<int>(action());
  } catch (const util::InputError& e) {
    std::size_t errors = 0;
    for (const util::Diagnostic& d : e.diagnostics()) {
      sink.err(util::format_diagnostic(d, sink.colors_err()) + "\n");
      errors += d.severity == util::Severity::error ? 1 : 0;
    }
    if (errors > 1) {
      sink.err(fmt::format("{} errors; nothing was written\n", errors));
    }
    return static_cast<int>(ExitCode::input_error);
  } catch (const util::UsageError& e) {
    print_error(sink, e.what());
    return static_cast<int>(ExitCode::usage);
  } catch (const util::StoreError& e) {
    print_error(sink, e.what());
    return static_cast<int>(ExitCode::store_error);
  } catch (const SQLite::Exception& e) {
    print_error(sink, fmt::format("the ledger database: {}", e.what()));
    return static_cast<int>(ExitCode::store_error);
  } catch (const std::filesystem::filesystem_error& e) {
    print_error(sink, e.what());
    return static_cast<int>(ExitCode::store_error);
  } catch (const std::exception& e) {
    print_error(sink, fmt::format("internal error: {} (please report this)", e.what()));
    return static_cast<int>(ExitCode::internal);
  }
}

} // namespace rl::app
