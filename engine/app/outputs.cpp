#include "app/outputs.hpp"

#include "loader/loader.hpp"
#include "model/placeholders.hpp"
#include "report/living_log.hpp"
#include "rules/evaluate.hpp"
#include "rules/program_metrics.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace rl::app {

namespace {

// Invariant status and CI evidence as a closeout recorded them: what the
// living log shows.
struct RecordedState
{
  std::map<std::string, model::Evaluation> evaluations;
  model::ProgramMetrics metrics;
  std::vector<model::CiRunEvidence> ci_runs; // every run the records carry
};

RecordedState
recorded_state(const model::Definitions& d,
               const std::vector<model::CloseoutRecord>& records,
               const model::CloseoutEvent* as_of)
{
  RecordedState state;
  for (const model::CloseoutRecord& r : records) {
    for (const model::CloseoutEvent& e : r.events) {
      for (const model::CiRunEvidence& run : e.ci_runs) {
        const bool known = std::any_of(state.ci_runs.begin(), state.ci_runs.end(), [&](const auto& x) {
          return x.run_id == run.run_id && x.attempt == run.attempt;
        });
        if (!known) {
          state.ci_runs.push_back(run);
        }
      }
    }
  }
  std::map<std::string, model::InvariantStatus> statuses;
  if (as_of != nullptr) {
    for (const model::InvariantAtClose& s : as_of->invariants) {
      model::Evaluation e = rules::evaluation_from(s);
      statuses.emplace(s.id, e.status);
      state.evaluations.emplace(s.id, std::move(e));
    }
    // A record keeps only the invariants with something to say: the others
    // were unverified.
    for (const model::Invariant& inv : d.invariants) {
      if (state.evaluations.count(inv.id) == 0) {
        statuses.emplace(inv.id, model::InvariantStatus::unverified);
        state.evaluations.emplace(inv.id, model::Evaluation{});
      }
    }
  }
  state.metrics = rules::compute_metrics(d, statuses);
  return state;
}

} // namespace

std::vector<report::RenderedFile>
render_outputs(const model::Definitions& d,
               const std::vector<model::CloseoutRecord>& records,
               const std::map<std::string, std::string>& sections)
{
  // Invariant status as the latest closeout recorded it: the highest
  // sequence number, and among equal ones the later milestone in program
  // order (records are in program order).
  const model::CloseoutEvent* latest = nullptr;
  const model::CloseoutRecord* latest_record = nullptr;
  for (const model::CloseoutRecord& r : records) {
    for (const model::CloseoutEvent& e : r.events) {
      if (e.kind == model::CloseoutEventKind::reopen) {
        continue;
      }
      const bool later =
        latest == nullptr || (latest->seq > 0 || e.seq > 0 ? e.seq >= latest->seq : e.at >= latest->at);
      if (later) {
        latest = &e;
        latest_record = &r;
      }
    }
  }
  const RecordedState state = recorded_state(d, records, latest);
  const std::string as_of = latest == nullptr ? "" : fmt::format("{}, {}", latest_record->milestone, latest->date);
  std::vector<report::RenderedFile> out;
  out.push_back(
    {d.program.log_path,
     report::render_living_log(d, state.metrics, state.evaluations, state.ci_runs, records, as_of, sections)});
  if (!records.empty()) {
    out.push_back({d.program.toolcalls_path, report::render_toolcalls(d, records)});
    for (report::RenderedFile& doc : report::render_closeout_documents(d, records)) {
      out.push_back(std::move(doc));
    }
  }
  return out;
}

std::map<std::string, std::string>
read_sections(const std::filesystem::path& root, const model::Program& program)
{
  std::map<std::string, std::string> out;
  for (const model::LogSection& section : program.sections) {
    const util::SourceLocation where{section.origin.path, section.origin.line, section.origin.column};
    std::filesystem::path file;
    try {
      file = util::contained_output(root, section.file, "section file");
    } catch (const util::InputError& e) {
      std::vector<util::Diagnostic> located = e.diagnostics();
      for (util::Diagnostic& d : located) {
        d.location = where;
      }
      throw util::InputError(std::move(located));
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
      throw util::InputError({{util::Severity::error,
                               where,
                               fmt::format("section '{}': {} is not a file", section.title, section.file),
                               "write the section's Markdown in that file (relative to the program root), or "
                               "remove the entry from program.yaml's sections"}});
    }
    out.emplace(section.file, util::read_text(file));
  }
  return out;
}

std::vector<std::string>
ledger_own_paths(const model::Program& program)
{
  return {"milestones",
          "invariants",
          ".ledger",
          ".refactor-ledger", // the schemas `init` wrote
          program.ledger_dir,
          program.log_path,
          program.toolcalls_path,
          program.milestone_docs_path};
}

model::FrozenContext
freeze_context(const model::Definitions& d, const std::vector<model::CloseoutRecord>& records, const std::string& id)
{
  const model::CloseoutRecord* record = model::find_record(records, id);
  const model::Milestone* m = model::find_milestone(d, id);
  if (record == nullptr || record->last_close() == nullptr || m == nullptr) {
    throw std::logic_error("freeze_context: " + id + " has no close to freeze");
  }
  model::FrozenContext frozen;
  frozen.program = d.program.name;
  const auto phase = std::find_if(
    d.phases.begin(), d.phases.end(), [&](const model::Phase& p) { return std::to_string(p.id) == m->phase.id; });
  frozen.phase = phase == d.phases.end() ? "" : phase->name;
  frozen.placeholders = model::placeholder_values(d);
  for (const model::ScoreDimension& dim : d.dimensions) {
    frozen.dimensions.emplace_back(dim.id, dim.name);
  }
  const RecordedState state = recorded_state(d, records, record->last_close());
  frozen.log_entry = report::render_milestone_entry(d, state.metrics, state.evaluations, state.ci_runs, records, id);
  return frozen;
}

void
keep_frozen_documents(const std::filesystem::path& root,
                      const model::Program& program,
                      const std::vector<model::CloseoutRecord>& records,
                      std::vector<report::RenderedFile>& files)
{
  for (const model::CloseoutRecord& r : records) {
    // Reopened too: its documents stay those of its last close until it
    // closes again (REFACTOR.md and the audit log show the reopen).
    const model::CloseoutEvent* close = r.last_close();
    if (close == nullptr) {
      continue;
    }
    for (const auto& [path, digest] : close->digests) {
      const auto file =
        std::find_if(files.begin(), files.end(), [&, &key = path](const auto& f) { return f.path == key; });
      if (file == files.end()) {
        continue;
      }
      const std::filesystem::path target = output_target(root, program, path);
      std::error_code ec;
      if (!std::filesystem::is_regular_file(target, ec)) {
        continue;
      }
      std::string text = util::read_text(target);
      if (util::sha256(text) == digest) {
        file->text = std::move(text);
      }
    }
  }
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
