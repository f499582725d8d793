#pragma once

// Output of the program's read commands and `render` (app/program.hpp).
// The JSON field names are the documented output schemas
// (schema/output/<command>.schema.json).

#include "model/program_results.hpp"
#include "report/emit.hpp"

namespace rl::report {

// validate and render print a report for people only; they take no --format.
template<>
inline constexpr std::span<const model::OutputFormat> k_formats<model::ValidateResult> = k_table_only;
template<>
inline constexpr std::span<const model::OutputFormat> k_formats<model::RenderResult> = k_table_only;

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
