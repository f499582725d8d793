#pragma once

// Output of the program's read commands and `render` (app/program.hpp).
// The JSON field names are the documented output schemas
// (schema/output/<command>.schema.json).

#include "model/program_results.hpp"
#include "report/emit.hpp"

namespace rl::report {

// validate: a report for people (table), {id, valid, files, diagnostics}
// (json) or GitHub workflow commands (github, report/emit_ci.hpp). render:
// a report for people or, for CI, workflow commands.
inline constexpr std::array k_validate_formats{model::OutputFormat::table,
                                               model::OutputFormat::json,
                                               model::OutputFormat::github};
inline constexpr std::array k_render_formats{model::OutputFormat::table, model::OutputFormat::github};
template<>
inline constexpr std::span<const model::OutputFormat> k_formats<model::ValidateResult> = k_validate_formats;
template<>
inline constexpr std::span<const model::OutputFormat> k_formats<model::RenderResult> = k_render_formats;
template<>
inline constexpr std::span<const model::OutputFormat> k_formats<model::InitResult> = k_table_or_json;

// init: a line per file and the next commands (table), or {id, dry_run,
// files: [{path, action, note}], next} (json).
void emit(const model::InitResult& result, model::OutputFormat format, Sink& sink);
void emit(const model::ValidateResult& result, model::OutputFormat format, Sink& sink);
void emit(const model::LoadSummary& result, model::OutputFormat format, Sink& sink);
void emit(const model::RenderResult& result, model::OutputFormat format, Sink& sink);
void emit(const model::StatusResult& result, model::OutputFormat format, Sink& sink);
void emit(const model::InvariantList& result, model::OutputFormat format, Sink& sink);
void emit(const model::MilestoneList& result, model::OutputFormat format, Sink& sink);
void emit(const model::RiskList& result, model::OutputFormat format, Sink& sink);
void emit(const model::ShowResult& result, model::OutputFormat format, Sink& sink);

// Prints the rows one at a time and frees each once printed (a query result
// may be most of --max-memory). Table and CSV show control characters escaped
// (\x1b); JSON shows text as JSON strings, invalid UTF-8 replaced by U+FFFD.
// BLOBs print as X'HEX'.
void emit(model::QueryRows&& result, model::OutputFormat format, Sink& sink);

} // namespace rl::report
