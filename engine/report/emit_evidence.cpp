#include "report/emit_evidence.hpp"

#include "model/evidence.hpp"
#include "report/emit_ci.hpp"
#include "report/records.hpp"

#include <fmt/format.h>

namespace rl::report {

using nlohmann::ordered_json;

namespace {

ordered_json
counts_json(const model::TestCounts& c)
{
  return {{"tests", c.tests}, {"passed", c.passed}, {"failed", c.failed}, {"errors", c.errors}, {"skipped", c.skipped}};
}

ordered_json
run_json(const model::IngestedRun& run)
{
  if (run.outcome == model::CiRunOutcome::jobs_stored) {
    return {{"run_id", run.run_id}, {"attempt", run.attempt}, {"jobs", run.jobs}, {"result", to_string(run.outcome)}};
  }
  return {{"run_id", run.run_id},
          {"attempt", run.attempt},
          {"workflow", run.workflow},
          {"conclusion", model::conclusion_text(run.conclusion)},
          {"jobs", run.jobs},
          {"result", to_string(run.outcome)}};
}

ordered_json
file_json(const model::IngestedFile& file)
{
  ordered_json j{{"id", file.path}, {"kind", to_string(file.kind)}, {"result", to_string(file.outcome)}};
  if (file.tests) {
    j.update(counts_json(*file.tests));
  }
  if (file.metrics) {
    ordered_json values = ordered_json::object();
    for (const auto& [name, value] : *file.metrics) {
      values[name] = value;
    }
    j["metrics"] = std::move(values);
  }
  if (file.runs) {
    ordered_json runs = ordered_json::array();
    for (const model::IngestedRun& run : *file.runs) {
      runs.push_back(run_json(run));
    }
    j["runs"] = std::move(runs);
  }
  if (file.outcome == model::IngestOutcome::rejected) {
    j["error"] = file.error;
  }
  return j;
}

std::string
counts_text(const model::TestCounts& c)
{
  return fmt::format(
    "{} tests: {} passed, {} failed, {} errors, {} skipped", c.tests, c.passed, c.failed, c.errors, c.skipped);
}

std::string
run_line(const std::string& path, const model::IngestedRun& run)
{
  const bool is_run = run.outcome != model::CiRunOutcome::jobs_stored;
  const std::string conclusion = run.conclusion ? std::string(to_string(*run.conclusion)) : "not completed";
  return fmt::format("{}: run {} attempt {}{}: {}{}\n",
                     path,
                     run.run_id,
                     run.attempt,
                     is_run ? " (" + run.workflow + ")" : std::string(),
                     run.outcome == model::CiRunOutcome::already_ingested ? "already ingested, nothing changed"
                                                                          : std::string(to_string(run.outcome)),
                     is_run ? ", " + conclusion : std::string());
}

std::string
file_lines(const model::IngestedFile& file)
{
  if (file.tests) {
    return fmt::format("{}: stored {}\n", file.path, counts_text(*file.tests));
  }
  if (file.runs) {
    std::string out;
    for (const model::IngestedRun& run : *file.runs) {
      out += run_line(file.path, run);
    }
    return out;
  }
  if (file.metrics) {
    std::string list;
    for (const auto& [name, value] : *file.metrics) {
      list += fmt::format("{}{} = {}", list.empty() ? "" : ", ", name, cell_text(ordered_json(value)));
    }
    return fmt::format("{}: stored {}\n", file.path, list);
  }
  switch (file.outcome) {
  case model::IngestOutcome::stored:
    return fmt::format("{}: stored\n", file.path);
  case model::IngestOutcome::already_ingested:
    return fmt::format("{}: already ingested (same content), nothing changed\n", file.path);
  case model::IngestOutcome::rejected:
    break;
  }
  return fmt::format("{}: rejected\n", file.path);
}

ordered_json
tree_json(const model::ConditionResult& r)
{
  ordered_json j{{"condition", r.description}, {"status", model::to_string(r.status)}, {"details", r.details}};
  if (!r.children.empty()) {
    ordered_json children = ordered_json::array();
    for (const model::ConditionResult& c : r.children) {
      children.push_back(tree_json(c));
    }
    j["children"] = std::move(children);
  }
  return j;
}

void
tree_lines(const model::ConditionResult& r, int depth, std::string& out)
{
  const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
  out += fmt::format("{}[{}] {}\n", indent, model::to_string(r.status), r.description);
  for (const std::string& d : r.details) {
    out += fmt::format("{}    {}\n", indent, d);
  }
  for (const model::ConditionResult& c : r.children) {
    tree_lines(c, depth + 1, out);
  }
}

} // namespace

ordered_json
to_json(const model::IngestResult& result)
{
  ordered_json files = ordered_json::array();
  for (const model::IngestedFile& file : result.files) {
    files.push_back(file_json(file));
  }
  ordered_json total{{"files", result.files.size()}, {"rejected", result.rejected()}};
  total.update(counts_json(result.total()));
  return {{"files", std::move(files)}, {"total", std::move(total)}};
}

void
emit(const model::IngestResult& result, model::OutputFormat format, Sink& sink)
{
  if (format == model::OutputFormat::json) {
    // File names (and what a message quotes of them) need not be UTF-8:
    // json_text replaces what is not.
    sink.out(json_text(to_json(result)));
    return;
  }
  std::string out;
  for (const model::IngestedFile& file : result.files) {
    out += file_lines(file);
  }
  if (result.counts_tests) {
    out += fmt::format(
      "total: {} files ({} rejected); {}\n", result.files.size(), result.rejected(), counts_text(result.total()));
  }
  sink.out(out);
}

ordered_json
to_json(const model::RecordMetricResult& result)
{
  return {{"name", result.name},
          {"value", result.value},
          {"commit", result.commit.empty() ? ordered_json(nullptr) : ordered_json(result.commit)},
          {"taken_at", result.taken_at.text()},
          {"source", result.source},
          {"result", result.already_recorded ? "already_recorded" : "recorded"}};
}

void
emit(const model::RecordMetricResult& result, model::OutputFormat format, Sink& sink)
{
  if (format == model::OutputFormat::json) {
    sink.out(json_text(to_json(result)));
    return;
  }
  if (result.already_recorded) {
    sink.out(fmt::format("{} = {} at {} is already recorded, nothing changed\n",
                         result.name,
                         result.value_text,
                         result.commit.empty() ? "unknown commit" : result.commit));
    return;
  }
  sink.out(fmt::format("recorded {} = {} (commit {}, taken {})\n",
                       result.name,
                       result.value_text,
                       result.commit.empty() ? "unknown" : result.commit,
                       result.taken_at));
}

void
emit(const model::GcResult& result, model::OutputFormat format, Sink& sink)
{
  if (format == model::OutputFormat::json) {
    ordered_json folded = ordered_json::array();
    for (const std::string& name : result.folded) {
      folded.push_back(name);
    }
    sink.out(json_text({{"id", "gc"},
                        {"dry_run", result.dry_run},
                        {"until", result.until.empty() ? ordered_json(nullptr) : ordered_json(result.until)},
                        {"folded", folded},
                        {"into", result.into.empty() ? ordered_json(nullptr) : ordered_json(result.into)},
                        {"bytes_before", result.bytes_before},
                        {"bytes_after", result.bytes_after},
                        {"results_dropped", result.results_dropped},
                        {"files_left", result.files_left}}));
    return;
  }
  if (result.until.empty()) {
    sink.out("nothing to fold: no milestone is closed yet (gc folds the ledger files written up to the latest "
             "closeout)\n");
    return;
  }
  if (result.into.empty()) {
    sink.out(fmt::format("nothing to fold: at most one ledger file was written up to the latest closeout ({}); {} "
                         "ledger files\n",
                         result.until,
                         result.files_left));
    return;
  }
  sink.out(fmt::format("{} {} ledger files written up to {} ({} bytes) into {} ({} bytes; {} superseded test "
                       "results left out); {} ledger files{}\n",
                       result.dry_run ? "would fold" : "folded",
                       result.folded.size(),
                       result.until,
                       result.bytes_before,
                       result.into,
                       result.bytes_after,
                       result.results_dropped,
                       result.files_left,
                       result.dry_run ? " (dry run: nothing written)" : "; commit the change to ledger/"));
}

ordered_json
to_json(const model::WhyResult& result)
{
  const model::Evaluation& e = result.evaluation;
  return {{"id", result.id},
          {"name", result.name},
          {"status", model::to_string(e.status)},
          {"reasons", e.reasons},
          {"rules", e.tree ? tree_json(*e.tree) : ordered_json(nullptr)},
          {"waiver_expired", e.waiver_expired},
          {"waiver_unneeded", e.waiver_unneeded}};
}

void
emit(const model::WhyResult& result, model::OutputFormat format, Sink& sink)
{
  if (format == model::OutputFormat::json) {
    sink.out(json_text(to_json(result)));
    return;
  }
  const model::Evaluation& e = result.evaluation;
  std::string out = fmt::format("{} {}: {}\n", result.id, result.name, model::to_string(e.status));
  for (const std::string& r : e.reasons) {
    out += fmt::format("  because: {}\n", r);
  }
  if (e.tree) {
    out += "rules:\n";
    tree_lines(*e.tree, 1, out);
  }
  sink.out(out);
}

ordered_json
to_json(const model::CheckResult& result)
{
  ordered_json offenders = ordered_json::array();
  for (const model::CheckOffender& o : result.offenders) {
    offenders.push_back({{"id", o.id},
                         {"name", o.name},
                         {"priority", model::to_string(o.priority)},
                         {"status", model::to_string(o.status)},
                         {"reasons", o.reasons}});
  }
  return {{"id", "check"}, {"passed", result.passed()}, {"offenders", std::move(offenders)}};
}

void
emit(const model::CheckResult& result, model::OutputFormat format, Sink& sink)
{
  if (format == model::OutputFormat::json) {
    sink.out(json_text(to_json(result)));
    return;
  }
  if (format == model::OutputFormat::sarif) {
    sink.out(json_text(sarif_log(result)));
    return;
  }
  if (format == model::OutputFormat::github) {
    sink.out(github_annotations(result));
    return;
  }
  const std::string_view priority = model::to_string(result.min_priority);
  if (result.passed()) {
    sink.out(fmt::format("check passed: no invariant at {} or above is {}\n",
                         priority,
                         result.require_verified ? "unverified, stale or failing" : "failing"));
    return;
  }
  std::string out;
  for (const model::CheckOffender& o : result.offenders) {
    out += fmt::format("{} ({}) {}: {}\n", o.id, model::to_string(o.priority), model::to_string(o.status), o.name);
    for (const std::string& r : o.reasons) {
      out += fmt::format("    {}\n", r);
    }
  }
  out += fmt::format("check failed: {} invariant{} at {} or above {}\n",
                     result.offenders.size(),
                     result.offenders.size() == 1 ? "" : "s",
                     priority,
                     result.require_verified ? "not verified" : "failing");
  sink.out(out);
}

} // namespace rl::report
