#pragma once

// What the verdict commands for CI (validate, check, close, render) do with
// their result. Its own header: the call below binds report::emit,
// report::step_summary and app::exit_code where it is defined, so every
// overload it needs is declared first.

#include "app/check.hpp"
#include "app/close.hpp"
#include "app/commands.hpp"
#include "app/program.hpp"
#include "app/step_summary.hpp"
#include "report/emit_ci.hpp"
#include "report/emit_closeout.hpp"
#include "report/emit_evidence.hpp"
#include "report/emit_program.hpp"

namespace rl::cli {

// Writes the result in `format`, appends its Markdown job summary to
// $GITHUB_STEP_SUMMARY when that is set (whatever the format), and returns
// its exit code.
template<typename Result>
app::ExitCode
emit_verdict(const Result& result, model::OutputFormat format, const app::GlobalOptions& global)
{
  report::emit(result, format, global.output());
  app::append_step_summary(global, report::step_summary(result));
  return app::exit_code(result);
}

} // namespace rl::cli
