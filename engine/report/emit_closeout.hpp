#pragma once

// The closeout commands' results as text (see report/emit.hpp).
//
// close:   table: the gate table, each failed gate's evidence and what to do,
//          then the verdict (dry run) or the files written; json: the gates
//          as an array of {gate, result, reason, action, evidence} (dry run or
//          refused), or {milestones, result, date, commit, written} (closed,
//          adopted). A refused close also says so on the error stream.
// approve: table: one line; json: {milestone, approval, by, note, at}.
// reopen:  table: one line and the files written; json: {milestone, result,
//          reason, written}.
// log:     the audit entries as records {id, at, user, action, milestone,
//          command, commit, summary}; the table shows at, user, action,
//          milestone and summary.
// recover: table: three lines (last action, completion, next planned action)
//          and the open gates; json: {last_action, progress, next}.
// Only log is a list: the others have no CSV form.

#include "model/closeout_results.hpp"
#include "report/emit.hpp"

namespace rl::report {

// close: the three data formats and, for CI, GitHub workflow commands (an
// annotation per failed gate, report/emit_ci.hpp).
inline constexpr std::array k_close_formats{model::OutputFormat::table,
                                            model::OutputFormat::json,
                                            model::OutputFormat::csv,
                                            model::OutputFormat::github};
template<>
inline constexpr std::span<const model::OutputFormat> k_formats<model::CloseResult> = k_close_formats;
template<>
inline constexpr std::span<const model::OutputFormat> k_formats<model::ApproveResult> = k_table_or_json;
template<>
inline constexpr std::span<const model::OutputFormat> k_formats<model::ReopenResult> = k_table_or_json;
template<>
inline constexpr std::span<const model::OutputFormat> k_formats<model::RecoverResult> = k_table_or_json;

void emit(const model::CloseResult& result, model::OutputFormat format, Sink& sink);
void emit(const model::ApproveResult& result, model::OutputFormat format, Sink& sink);
void emit(const model::ReopenResult& result, model::OutputFormat format, Sink& sink);
void emit(const model::LogResult& result, model::OutputFormat format, Sink& sink);
void emit(const model::RecoverResult& result, model::OutputFormat format, Sink& sink);

} // namespace rl::report
