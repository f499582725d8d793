// A milestone file (milestones/MNN.yaml): one milestone, its invariant
// links, CI runs and score row (see parse_internal.hpp).

#include "loader/parse_internal.hpp"
#include "model/closeout.hpp"
#include "util/fs.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace rl::loader::detail {

namespace {

// A true/false field whose absence means something of its own (a
// deliverable's `done:`): absent stays std::nullopt.
std::optional<bool>
optional_flag(const MapReader& map, std::string_view key)
{
  if (!map.has(key)) {
    return std::nullopt;
  }
  return map.optional_bool(key, false);
}

// A path (or glob) in the governed repository, as deliverables and scope name
// them: relative to the repository, never leaving it.
void
check_repository_path(const FileContext& file, const YAML::Node& node, std::string_view what, const std::string& path)
{
  if (path.empty()) {
    return;
  }
  // A folder may be written with its trailing '/'; naming .git/ or .ledger/
  // is allowed here (nothing is written), leaving the repository is not.
  std::string_view checked = path;
  if (checked.size() > 1 && checked.back() == '/') {
    checked.remove_suffix(1);
  }
  std::string problem = util::relative_path_problem(checked);
  if (problem.find("inside .") != std::string::npos || problem.find("'.' component") != std::string::npos) {
    problem.clear();
  }
  if (!problem.empty()) {
    file.sink.error(file.location(node),
                    fmt::format("{} '{}' must name a path inside the repository: {}", what, path, problem),
                    "write the path relative to the repository root, such as torch/_C/module.cpp or "
                    "torch/**");
  }
}

using model::Ref;

model::ScoreRow
parse_score_row(const YAML::Node& node, const FileContext& file, const std::string& milestone_id)
{
  model::ScoreRow row;
  const MapReader map(node, file, "score row", {"date", "label", "values"});
  if (!map.valid()) {
    return row;
  }
  row.date = map.required_date("date");
  row.label = map.optional_string("label", milestone_id);
  const YAML::Node values = map.get("values");
  if (!values) {
    map.required_string("values");
    return row;
  }
  if (!values.IsMap()) {
    file.sink.error(file.location(values),
                    "field 'values' of score row must be a mapping of dimension id to value",
                    "write e.g. 'values: {architecture: 8, velocity: N/A}'");
    return row;
  }
  for (const auto& entry : values) {
    model::ScoreValue value;
    value.dimension = Ref{entry.first.Scalar(), file.origin(entry.first)};
    if (!entry.second.IsScalar()) {
      file.sink.error(file.location(entry.second),
                      fmt::format("score value for '{}' must be a number or text", value.dimension.id));
      continue;
    }
    value.number = plain_number(entry.second);
    value.text = entry.second.Scalar();
    row.values.push_back(std::move(value));
  }
  return row;
}

void
parse_invariant_links(const MapReader& milestone, model::Milestone& out)
{
  const YAML::Node node = milestone.get("invariants");
  if (!node) {
    return;
  }
  const FileContext& file = milestone.file();
  const MapReader map(node, file, "milestone invariants", {"introduced", "protected", "verified"});
  if (!map.valid()) {
    return;
  }
  for (Ref& ref : map.ref_list("introduced", IdKind::invariant)) {
    out.invariants.push_back({std::move(ref), model::InvariantRole::introduced, {}, {}});
  }
  for (Ref& ref : map.ref_list("protected", IdKind::invariant)) {
    out.invariants.push_back({std::move(ref), model::InvariantRole::protected_, {}, {}});
  }
  map.for_each("verified", [&](const YAML::Node& item) {
    const MapReader verified(item, file, "verified invariant", {"id", "note", "metrics"});
    if (!verified.valid()) {
      return;
    }
    model::InvariantLink link;
    link.role = model::InvariantRole::verified;
    if (auto ref = verified.required_ref("id", IdKind::invariant)) {
      link.invariant = std::move(*ref);
    }
    link.note = verified.optional_string("note");
    if (const YAML::Node metrics = verified.get("metrics")) {
      if (!metrics.IsMap()) {
        file.sink.error(file.location(metrics),
                        "field 'metrics' of verified invariant must map metric names to numbers",
                        "write e.g. 'metrics: {unresolved_imports: 0}'");
      } else {
        for (const auto& entry : metrics) {
          const std::optional<double> number = plain_number(entry.second);
          if (!number) {
            file.sink.error(file.location(entry.second),
                            fmt::format("metric '{}' must be a number", entry.first.Scalar()));
            continue;
          }
          link.metrics.push_back({entry.first.Scalar(), *number});
        }
      }
    }
    out.invariants.push_back(std::move(link));
  });
}

} // namespace

void
parse_milestone_file(const MapReader& root, model::Definitions& out)
{
  const FileContext& file = root.file();
  const MapReader map(root.get("milestone"),
                      file,
                      "milestone",
                      {"id",
                       "title",
                       "phase",
                       "status",
                       "priority",
                       "effort",
                       "depends_on",
                       "change_class",
                       "mode",
                       "risk",
                       "rollback",
                       "intent",
                       "scope",
                       "non_goals",
                       "deliverables",
                       "invariants",
                       "verification_plan",
                       "verification",
                       "evidence_gaps",
                       "findings",
                       "outcome",
                       "notes",
                       "see",
                       "closeout",
                       "merge",
                       "commits",
                       "ci",
                       "score",
                       "gates",
                       "base_commit"});
  if (!map.valid()) {
    return;
  }
  model::Milestone m;
  m.origin = map.origin();
  m.id = map.required_id("id", IdKind::milestone);
  m.title = map.required_string("title");
  if (auto phase = map.required_ref("phase", IdKind::phase)) {
    m.phase = std::move(*phase);
  }
  m.status = map.optional_enum<model::MilestoneStatus>("status").value_or(m.status);
  m.priority = map.optional_enum<model::Priority>("priority");
  if (const YAML::Node effort = map.get("effort")) {
    const MapReader e(effort, file, "effort", {"estimate", "actual", "note"});
    m.effort_estimate = e.optional_number("estimate", 0);
    m.effort_actual = e.optional_number("actual", 0);
    m.effort_note = e.optional_string("note");
  }
  m.depends_on = map.ref_list("depends_on", IdKind::milestone);
  m.change_class = map.optional_enum<model::ChangeClass>("change_class");
  m.mode = map.optional_string("mode");
  m.risk = map.optional_string("risk");
  m.rollback = map.optional_string("rollback");
  m.intent = map.required_string("intent");
  if (const YAML::Node scope = map.get("scope")) {
    const MapReader s(scope, file, "scope", {"summary", "in", "out", "paths"});
    m.scope_summary = s.optional_string("summary");
    m.scope_in = s.string_list("in");
    m.scope_out = s.string_list("out");
    m.scope_paths = s.string_list("paths");
    std::size_t index = 0;
    s.for_each("paths", [&](const YAML::Node& item) {
      if (index < m.scope_paths.size()) {
        check_repository_path(file, item, "scope.paths", m.scope_paths[index]);
      }
      ++index;
    });
  }
  m.non_goals = map.string_list("non_goals");
  map.for_each("deliverables", [&](const YAML::Node& item) {
    const MapReader d(item, file, "deliverable", {"text", "path", "done"});
    if (d.valid()) {
      m.deliverables.push_back({d.required_string("text"), d.optional_string("path"), optional_flag(d, "done")});
      if (!m.deliverables.back().path.empty()) {
        check_repository_path(file, d.get("path"), "deliverable path", m.deliverables.back().path);
      }
    }
  });
  parse_invariant_links(map, m);
  m.verification_plan = map.string_list("verification_plan");
  m.verification = map.string_list("verification");
  map.for_each("evidence_gaps", [&](const YAML::Node& item) {
    const MapReader g(item, file, "evidence gap", {"text", "deferred_to"});
    if (g.valid()) {
      m.evidence_gaps.push_back({g.required_string("text"), g.optional_ref("deferred_to", IdKind::milestone)});
    }
  });
  map.for_each("findings", [&](const YAML::Node& item) {
    const MapReader f(item, file, "finding", {"label", "text"});
    if (f.valid()) {
      m.findings.push_back({f.optional_string("label"), f.required_string("text")});
    }
  });
  m.outcome = map.string_list("outcome");
  m.notes = map.string_list("notes");
  parse_links(map, "see", m.see);
  if (const YAML::Node closeout = map.get("closeout")) {
    file.sink.error(file.location(closeout),
                    "a milestone's closeout is not written in its YAML",
                    fmt::format("`refactor-ledger close {0}` checks the gates and writes {1} (for a "
                                "milestone closed before the ledger existed: `refactor-ledger close {0} "
                                "--adopt`); remove this block",
                                m.id.empty() ? "ID" : m.id,
                                model::record_path(m.id.empty() ? "ID" : m.id)));
  }
  if (const YAML::Node merge = map.get("merge")) {
    const MapReader g(merge, file, "merge", {"pr", "repository", "commit", "state"});
    if (g.valid()) {
      model::Merge value;
      if (const auto pr = g.optional_integer("pr", 1)) {
        value.pr = static_cast<int>(*pr);
      }
      value.repository = g.optional_string("repository");
      value.commit = g.optional_commit("commit");
      value.state = g.optional_enum<model::PullRequestState>("state");
      m.merge = std::move(value);
    }
  }
  map.for_each("commits", [&](const YAML::Node& item) {
    const MapReader c(item, file, "commit", {"sha", "message"});
    if (c.valid()) {
      if (!c.has("sha")) {
        c.required_string("sha");
      }
      m.commits.push_back({c.optional_commit("sha"), c.optional_string("message")});
    }
  });
  if (const YAML::Node ci = map.get("ci")) {
    const MapReader c(ci, file, "ci", {"workflow", "runs"});
    m.ci_workflow = c.optional_string("workflow");
    c.for_each("runs", [&](const YAML::Node& item) {
      const MapReader r(item, file, "CI run", {"number", "id", "conclusion", "issue", "fix", "commit"});
      if (!r.valid()) {
        return;
      }
      model::CiRun run;
      run.number = static_cast<int>(r.required_integer("number", 1).value_or(0));
      run.id = r.optional_integer("id", 1);
      run.conclusion = r.required_enum<model::CiConclusion>("conclusion").value_or(run.conclusion);
      run.issue = r.optional_string("issue");
      run.fix = r.optional_string("fix");
      run.commit = r.optional_commit("commit");
      m.ci_runs.push_back(std::move(run));
    });
  }
  if (const YAML::Node score = map.get("score")) {
    m.score = parse_score_row(score, file, m.id);
  }
  if (const YAML::Node gates = map.get("gates")) {
    m.gates = parse_gates(gates, file);
  }
  m.base_commit = map.optional_commit("base_commit");

  // The file name names the milestone: milestones/M01.yaml defines M01.
  const std::string stem = [&] {
    const std::size_t slash = file.path.rfind('/');
    std::string name = file.path.substr(slash == std::string::npos ? 0 : slash + 1);
    const std::size_t dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(0, dot);
  }();
  if (!m.id.empty() && stem != m.id) {
    file.sink.error(file.location(map.get("id")),
                    fmt::format("milestone '{}' is defined in a file named '{}'", m.id, stem),
                    fmt::format("rename the file to {}.yaml, or fix the id", m.id));
  }
  out.milestones.push_back(std::move(m));
}

} // namespace rl::loader::detail
