#pragma once

// What the program's read commands return (app/program.hpp computes them,
// report/emit_program.hpp prints them): validate, load, render, status,
// invariants, milestones, risks, show and query. Plain values that outlive the
// ledger they were read from.

#include "model/entities.hpp"
#include "model/enums.hpp"
#include "model/query_rows.hpp"
#include "model/results.hpp"
#include "util/diagnostic.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace rl::model {

// How many of each definition a program has.
struct DefinitionCounts
{
  std::size_t files = 0; // YAML files read
  std::size_t milestones = 0;
  std::size_t invariants = 0;
  std::size_t risks = 0;
  std::size_t deferrals = 0;
  std::size_t phases = 0;
};

// `init`: what it did to each file it writes, and the commands to run next.
enum class InitAction {
  created,   // the file did not exist: written (with --dry-run: would be)
  appended,  // .gitignore existed without the database's line: the line added
  unchanged, // the file exists with the content init would write
  kept,      // the file exists with other content: left as it is
  skipped,   // not written: a program exists, init adds nothing to it
};

struct InitFile
{
  std::string path; // relative to the program root, '/'-separated
  InitAction action = InitAction::created;
  std::string note; // why it was kept or skipped ('' otherwise)
};

struct InitResult
{
  bool dry_run = false;
  std::vector<InitFile> files;   // in the order written
  std::vector<std::string> next; // the next commands, as typed in a shell
};

// `validate`: the counts of a valid program, or every problem found (then
// nothing was counted). Paths in the diagnostics are relative to the program
// root; `repo_prefix` is the program root relative to its git repository's
// root ("" at the root or outside git, else ending in '/'), for CI formats.
struct ValidateResult
{
  DefinitionCounts counts;
  std::vector<util::Diagnostic> diagnostics; // sorted by path, line, column
  std::string repo_prefix;

  bool valid() const
  {
    for (const util::Diagnostic& d : diagnostics) {
      if (d.severity == util::Severity::error) {
        return false;
      }
    }
    return true;
  }
};

// `load`
struct LoadSummary
{
  bool updated = false; // else the ledger already held this YAML
  std::string database; // as shown: relative to the program root when inside it
  DefinitionCounts counts;
};

// `render`: one entry per generated file, in the order they were handled.
struct RenderedFileState
{
  enum class State {
    written,    // it changed, and was written
    up_to_date, // it already held the rendered text
    stale,      // --check: it differs (`diff`) or is missing
    printed,    // --output -: the text went to standard output (`text`)
  };
  std::string shown; // the path as shown (empty when printed)
  State state = State::written;
  bool missing = false;     // stale: the file does not exist
  std::string diff;         // stale: unified diff from the file to the render
  int first_difference = 0; // stale: 1-based line of the first difference (0: missing)
  std::string text;         // printed: the living log
};

struct RenderResult
{
  std::vector<RenderedFileState> files;
  std::string repo_prefix; // see ValidateResult
  bool stale() const
  {
    for (const RenderedFileState& f : files) {
      if (f.state == RenderedFileState::State::stale) {
        return true;
      }
    }
    return false;
  }
};

// `status`
struct StatusResult
{
  std::string program;
  std::string repository;
  ProgramMetrics metrics;           // progress, effort, invariant and risk counts, deferrals
  std::string current_phase_name;   // of metrics.current_phase
  std::string next_milestone_title; // of metrics.next_milestone
  std::size_t risk_total = 0;
  int waivers_expired = 0;
  int waivers_unneeded = 0;
  std::size_t deferral_total = 0;
};

struct InvariantView
{
  Invariant invariant;
  Evaluation evaluation;
  std::vector<MilestoneRole> milestones;
};

struct MilestoneView
{
  Milestone milestone;
  bool next = false; // the next milestone to work on
};

struct DeferralView
{
  Deferral deferral;
  bool overdue = false;
  int slipped = 0;
};

// `invariants`, `milestones`, `risks`: the records that passed the filters,
// in canonical order.
struct InvariantList
{
  std::vector<InvariantView> invariants;
};
struct MilestoneList
{
  std::vector<MilestoneView> milestones;
};
struct RiskList
{
  std::vector<Risk> risks;
};

// `show ID`: one definition with what refers to it.
struct InvariantDetail
{
  InvariantView view;
  std::vector<std::string> risks; // risk ids naming it
};
struct MilestoneDetail
{
  MilestoneView view;
  std::vector<std::string> risks;     // risk ids naming it
  std::vector<std::string> deferrals; // deferrals discovered in it or deferred to it
};
struct ShowResult
{
  std::variant<InvariantDetail, MilestoneDetail, Risk, DeferralView> item;
};

// `query` returns QueryRows (model/query_rows.hpp).

} // namespace rl::model
