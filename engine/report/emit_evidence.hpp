#pragma once

// The results of the evidence commands (ingest, record metric, why, check) as
// text: a table (lines for people) or JSON. None of them is a list of
// records with one set of columns (a verdict with its reasons, a rule tree,
// files with what each stored), so none has a CSV form: their --format offers
// table and json only.

#include "model/evidence_results.hpp"
#include "report/emit.hpp"
#include "report/sink.hpp"

namespace rl::report {

template<>
inline constexpr std::span<const model::OutputFormat> k_formats<model::IngestResult> = k_table_or_json;
template<>
inline constexpr std::span<const model::OutputFormat> k_formats<model::RecordMetricResult> = k_table_or_json;
template<>
inline constexpr std::span<const model::OutputFormat> k_formats<model::WhyResult> = k_table_or_json;
// check is also a CI verdict: GitHub workflow commands and a SARIF log
// (report/emit_ci.hpp).
inline constexpr std::array k_check_formats{model::OutputFormat::table,
                                            model::OutputFormat::json,
                                            model::OutputFormat::github,
                                            model::OutputFormat::sarif};
template<>
inline constexpr std::span<const model::OutputFormat> k_formats<model::CheckResult> = k_check_formats;
template<>
inline constexpr std::span<const model::OutputFormat> k_formats<model::GcResult> = k_table_or_json;

// table: a line per file (per run for GitHub Actions documents) and, for
// test results, a total line. json: {"files": [...], "total": {...}}.
void emit(const model::IngestResult& result, model::OutputFormat format, Sink& sink);

// table: "recorded NAME = VALUE (commit C, taken T)" or "... is already
// recorded, nothing changed". json: the metric with its commit, time, source
// and result.
void emit(const model::RecordMetricResult& result, model::OutputFormat format, Sink& sink);

// table: "ID NAME: STATUS", a "because:" line per reason, then the rule tree
// with each condition's status and evidence lines. json: the same as fields.
void emit(const model::WhyResult& result, model::OutputFormat format, Sink& sink);

// table: "folded N ledger files (B bytes) into NAME (B bytes)" or why
// nothing was folded. json: {"id": "gc", "dry_run", "until", "folded",
// "into", "bytes_before", "bytes_after", "results_dropped", "files_left"}.
void emit(const model::GcResult& result, model::OutputFormat format, Sink& sink);

// table: each offender with its reasons, then "check passed: ..." or "check
// failed: ...". json: {"id": "check", "passed": ..., "offenders": [...]}.
// github: an annotation per offender; sarif: a SARIF 2.1.0 log.
void emit(const model::CheckResult& result, model::OutputFormat format, Sink& sink);

// The results as JSON values (what emit writes for json), for tests and for
// commands that embed them.
nlohmann::ordered_json to_json(const model::IngestResult& result);
nlohmann::ordered_json to_json(const model::RecordMetricResult& result);
nlohmann::ordered_json to_json(const model::WhyResult& result);
nlohmann::ordered_json to_json(const model::CheckResult& result);

} // namespace rl::report
