#include "app/outputs.hpp"

#include "loader/loader.hpp"
#include "report/living_log.hpp"
#include "rules/evaluate.hpp"
#include "rules/program_metrics.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace rl::app {

std::vector<report::RenderedFile>
render_outputs(const model::Definitions& d, const std::vector<model::CloseoutRecord>& records)
{
  // Invariant status as the latest closeout recorded it.
  const model::CloseoutEvent* latest = nullptr;
  const model::CloseoutRecord* latest_record = nullptr;
  std::vector<model::CiRunEvidence> ci_runs;
  for (const model::CloseoutRecord& r : records) {
    for (const model::CloseoutEvent& e : r.events) {
      if (e.kind == model::CloseoutEventKind::reopen) {
        continue;
      }
      if (latest == nullptr || e.at >= latest->at) { // ties: the later milestone
        latest = &e;
        latest_record = &r;
      }
      for (const model::CiRunEvidence& run : e.ci_runs) {
        const bool known = std::any_of(ci_runs.begin(), ci_runs.end(), [&](const auto& x) {
          return x.run_id == run.run_id && x.attempt == run.attempt;
        });
        if (!known) {
          ci_runs.push_back(run);
        }
      }
    }
  }
  std::map<std::string, model::Evaluation> evaluations;
  std::map<std::string, model::InvariantStatus> statuses;
  std::string as_of;
  if (latest != nullptr) {
    for (const model::InvariantAtClose& s : latest->invariants) {
      model::Evaluation e = rules::evaluation_from(s);
      statuses.emplace(s.id, e.status);
      evaluations.emplace(s.id, std::move(e));
    }
    // A record keeps only the invariants with something to say: the others
    // were unverified.
    for (const model::Invariant& inv : d.invariants) {
      if (evaluations.count(inv.id) == 0) {
        statuses.emplace(inv.id, model::InvariantStatus::unverified);
        evaluations.emplace(inv.id, model::Evaluation{});
      }
    }
    as_of = fmt::format("{}, {}", latest_record->milestone, latest->date);
  }
  const model::ProgramMetrics metrics = rules::compute_metrics(d, statuses);
  std::vector<report::RenderedFile> out;
  out.push_back({d.program.log_path, report::render_living_log(d, metrics, evaluations, ci_runs, records, as_of)});
  if (!records.empty()) {
    out.push_back({d.program.toolcalls_path, report::render_toolcalls(d, records)});
    for (report::RenderedFile& doc : report::render_closeout_documents(d, records)) {
      out.push_back(std::move(doc));
    }
  }
  return out;
}

std::filesystem::path
output_target(const std::filesystem::path& root, const model::Program& program, const std::string& relative)
{
  std::string key = "milestone_docs";
  if (relative == program.log_path) {
    key = "log";
  } else if (relative == program.toolcalls_path) {
    key = "toolcalls";
  }
  try {
    return util::contained_output(root, relative, "outputs." + key);
  } catch (const util::InputError& e) {
    util::SourceLocation where{program.origin.path, program.origin.line, 1};
    if (!program.origin.path.empty()) {
      try {
        where = loader::locate_key({program.origin.path, util::read_text(root / program.origin.path)},
                                   {"program", "outputs", key});
      } catch (const util::StoreError&) {
      }
    }
    std::vector<util::Diagnostic> out;
    for (util::Diagnostic d : e.diagnostics()) {
      d.location = where;
      out.push_back(std::move(d));
    }
    throw util::InputError(std::move(out));
  }
}

} // namespace rl::app
