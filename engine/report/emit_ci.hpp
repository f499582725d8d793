#pragma once

// The CI formats of the verdict commands (validate, check, close, render
// --check), in one place:
//
// github: GitHub Actions workflow commands, one line per problem,
//         "::error file=F,line=N,col=N,title=T::MESSAGE" (::warning where it is
//         one), F relative to the repository's root. Every value is escaped
//         as the runner unescapes it (data: % CR LF; properties also : and ,)
//         and other control characters are shown as \xNN, so no input text
//         can start a command of its own.
// sarif:  check only: a SARIF 2.1.0 log for code scanning (see sarif_log).
// step summaries: the Markdown each of them appends to the job summary
//         ($GITHUB_STEP_SUMMARY, written by app/), in every format.
//
// Each result's emit() (emit_program.cpp, emit_evidence.cpp,
// emit_closeout.cpp) hands these formats to the functions below.

#include "model/closeout_results.hpp"
#include "model/evidence_results.hpp"
#include "model/program_results.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace rl::report {

// A workflow command's message (its data): % -> %25, CR -> %0D, LF -> %0A;
// other C0 controls, DEL, C1 controls, U+2028, U+2029 and bytes that are not
// UTF-8 become visible \xNN / \uNNNN escapes.
std::string github_data(std::string_view text);
// A property value: as github_data, and also : -> %3A, , -> %2C.
std::string github_property(std::string_view text);

struct Annotation
{
  std::string_view command = "error"; // error, warning or notice
  std::string file;                   // relative to the repository root; "" for none
  int line = 0;                       // 0: none
  int column = 0;                     // 0: none
  std::string title;
  std::string message;
};

// "::error file=...,line=N,col=N,title=...::message\n".
std::string workflow_command(const Annotation& annotation);

// The github format of each CI result: an annotation per problem, then a
// verdict line made only of counts and ids.
std::string github_annotations(const model::ValidateResult& result);
std::string github_annotations(const model::CheckResult& result);
std::string github_annotations(const model::CloseResult& result);
std::string github_annotations(const model::RenderResult& result);

// check --format sarif: one run of tool refactor-ledger with one rule per
// invariant reported and one result per offender (level error when failing,
// warning when only not verified), located at the invariant's YAML file
// (uriBaseId %SRCROOT%, the repository root) with a fingerprint of its id.
nlohmann::ordered_json sarif_log(const model::CheckResult& result);

// The Markdown job summary of each CI result: a heading, the verdict and a
// table of the diagnostics / offenders / gates / stale files.
std::string step_summary(const model::ValidateResult& result);
std::string step_summary(const model::CheckResult& result);
std::string step_summary(const model::CloseResult& result);
std::string step_summary(const model::RenderResult& result);

} // namespace rl::report
