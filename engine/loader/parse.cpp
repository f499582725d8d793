#include "loader/parse.hpp"

#include "loader/yaml_guard.hpp"
#include "loader/yaml_reader.hpp"
#include "model/closeout.hpp"
#include "util/fs.hpp"
#include "util/limits.hpp"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <regex>

namespace rl::loader {

namespace {

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

std::optional<model::RuleNode> parse_rule(const YAML::Node& node,
                                          const FileContext& file,
                                          int depth,
                                          model::VerifyRules* top);
model::GateConfig parse_gates(const YAML::Node& node, const FileContext& file);

void
parse_links(const MapReader& map, std::string_view key, std::vector<model::Link>& out)
{
  map.for_each(key, [&](const YAML::Node& node) {
    const MapReader link(node, map.file(), fmt::format("entry of '{}'", key), {"title", "path"});
    if (link.valid()) {
      out.push_back({link.required_string("title"), link.optional_string("path")});
    }
  });
}

std::optional<double>
plain_number(const YAML::Node& node)
{
  // A plain (unquoted) scalar that reads as a number; "20,440" stays text.
  if (!node.IsScalar() || node.Tag() == "!") {
    return std::nullopt;
  }
  const std::string& text = node.Scalar();
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

void
parse_program_section(const YAML::Node& node, const FileContext& file, model::Program& program)
{
  const MapReader map(node,
                      file,
                      "program",
                      {"name",
                       "title",
                       "repository",
                       "fork",
                       "start",
                       "baseline_commit",
                       "outputs",
                       "context",
                       "context_title",
                       "governance",
                       "references",
                       "principles",
                       "principles_note",
                       "deprecation_policy",
                       "deprecation_note",
                       "tool_logging",
                       "recovery_protocol",
                       "risks_intro",
                       "score_targets_label",
                       "checkout",
                       "gates"});
  if (!map.valid()) {
    return;
  }
  program.origin = map.origin();
  program.name = map.required_string("name");
  program.title = map.optional_string("title", program.name + " — Living Log");
  program.repository = map.required_string("repository");
  program.fork = map.optional_string("fork");
  program.start = map.required_date("start");
  if (map.has("baseline_commit")) {
    program.baseline_commit = map.optional_commit("baseline_commit");
  } else {
    map.required_string("baseline_commit");
  }
  if (const YAML::Node outputs = map.get("outputs")) {
    const MapReader out(outputs, file, "outputs", {"log", "toolcalls", "milestone_docs"});
    program.log_path = out.optional_string("log", program.log_path);
    program.toolcalls_path = out.optional_string("toolcalls", program.toolcalls_path);
    program.milestone_docs_path = out.optional_string("milestone_docs", program.milestone_docs_path);
    for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"log", &program.log_path},
                                     {"toolcalls", &program.toolcalls_path},
                                     {"milestone_docs", &program.milestone_docs_path}}) {
      const std::string problem = util::relative_path_problem(*value);
      if (!problem.empty()) {
        const YAML::Node value_node = out.get(key);
        file.sink.error(
          value_node ? file.location(value_node) : file.location(outputs),
          fmt::format("outputs.{} '{}' must name a path inside the program root: {}", key, *value, problem),
          "write a path relative to the program root, such as REFACTOR.md or "
          "docs/refactor/toolcalls.md");
      }
    }
  }
  program.context = map.required_string("context");
  program.context_title = map.optional_string("context_title", "Project Context");
  program.governance = map.optional_string("governance");
  parse_links(map, "references", program.references);
  map.for_each("principles", [&](const YAML::Node& item) {
    const MapReader principle(item, file, "principle", {"title", "text"});
    if (principle.valid()) {
      program.principles.push_back({principle.required_string("title"), principle.optional_string("text")});
    }
  });
  program.principles_note = map.optional_string("principles_note");
  program.deprecation_policy = map.optional_string("deprecation_policy");
  program.deprecation_note = map.optional_string("deprecation_note");
  program.tool_logging = map.optional_string("tool_logging");
  program.recovery_protocol = map.optional_string("recovery_protocol");
  program.risks_intro = map.optional_string("risks_intro");
  program.score_targets_label = map.optional_string("score_targets_label");
  program.checkout = map.optional_string("checkout", program.checkout);
  if (program.checkout.empty() || program.checkout.front() == '/') {
    file.sink.error(file.location(map.get("checkout")),
                    fmt::format("checkout '{}' must be a path relative to the program root", program.checkout),
                    "write '.' when the program lives inside the governed repository, or e.g. "
                    "'../pytorch'");
  }
  if (const YAML::Node gates = map.get("gates")) {
    program.gates = parse_gates(gates, file);
  }
}

void
parse_program_file(const MapReader& root, model::Definitions& out)
{
  const FileContext& file = root.file();
  parse_program_section(root.get("program"), file, out.program);

  root.for_each("scores", [&](const YAML::Node& node) {
    const MapReader map(node, file, "score dimension", {"id", "name", "kind", "max", "target", "target_text"});
    if (!map.valid()) {
      return;
    }
    model::ScoreDimension dimension;
    dimension.origin = map.origin();
    dimension.id = map.required_id("id", IdKind::dimension);
    dimension.name = map.required_string("name");
    dimension.kind = map.optional_enum<model::ScoreKind>("kind").value_or(model::ScoreKind::numeric);
    dimension.max = map.optional_number("max", 1).value_or(10);
    dimension.target = map.optional_number("target", 0);
    dimension.target_text = map.optional_string("target_text");
    if (dimension.kind == model::ScoreKind::label && (map.has("target") || map.has("max"))) {
      file.sink.error(map.file().location(map.get(map.has("target") ? "target" : "max")),
                      fmt::format("score dimension '{}' is a label dimension: it has no "
                                  "numeric 'target' or 'max'",
                                  dimension.id),
                      "use target_text, or set kind: numeric");
    }
    out.dimensions.push_back(std::move(dimension));
  });

  root.for_each("facts", [&](const YAML::Node& node) {
    const MapReader map(node, file, "repository fact", {"metric", "value", "source", "as_of"});
    if (!map.valid()) {
      return;
    }
    model::Fact fact;
    fact.origin = map.origin();
    fact.metric = map.required_string("metric");
    fact.value = map.required_string("value");
    if (const YAML::Node value = map.get("value")) {
      fact.number = plain_number(value);
    }
    fact.source = map.optional_string("source");
    fact.as_of = map.required_date("as_of");
    out.facts.push_back(std::move(fact));
  });

  root.for_each("phases", [&](const YAML::Node& node) {
    const MapReader map(node, file, "phase", {"id", "name", "goal", "future"});
    if (!map.valid()) {
      return;
    }
    model::Phase phase;
    phase.origin = map.origin();
    phase.id = static_cast<int>(map.required_integer("id", 0).value_or(-1));
    phase.name = map.required_string("name");
    phase.goal = map.optional_string("goal");
    phase.future = map.string_list("future");
    out.phases.push_back(std::move(phase));
  });
}

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
      m.deliverables.push_back({d.required_string("text"), d.optional_string("path"), d.optional_bool("done", false)});
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
    const MapReader g(merge, file, "merge", {"pr", "repository", "commit"});
    if (g.valid()) {
      model::Merge value;
      if (const auto pr = g.optional_integer("pr", 1)) {
        value.pr = static_cast<int>(*pr);
      }
      value.repository = g.optional_string("repository");
      value.commit = g.optional_commit("commit");
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

void
parse_risks_file(const MapReader& root, model::Definitions& out)
{
  const FileContext& file = root.file();
  root.for_each("risks", [&](const YAML::Node& node) {
    const MapReader map(
      node,
      file,
      "risk",
      {"id", "title", "priority", "status", "milestones", "milestones_note", "invariants", "description", "history"});
    if (!map.valid()) {
      return;
    }
    model::Risk risk;
    risk.origin = map.origin();
    risk.id = map.required_id("id", IdKind::risk);
    risk.title = map.required_string("title");
    risk.priority = map.required_enum<model::Priority>("priority").value_or(risk.priority);
    risk.status = map.required_enum<model::RiskStatus>("status").value_or(risk.status);
    risk.milestones = map.ref_list("milestones", IdKind::milestone);
    risk.milestones_note = map.optional_string("milestones_note");
    risk.invariants = map.ref_list("invariants", IdKind::invariant);
    risk.description = map.optional_string("description");
    map.for_each("history", [&](const YAML::Node& item) {
      const MapReader h(item, file, "risk history entry", {"date", "status", "milestone", "note"});
      if (!h.valid()) {
        return;
      }
      model::RiskChange change;
      change.date = h.required_date("date");
      change.status = h.required_enum<model::RiskStatus>("status").value_or(change.status);
      change.milestone = h.optional_ref("milestone", IdKind::milestone);
      change.note = h.optional_string("note");
      risk.history.push_back(std::move(change));
    });
    out.risks.push_back(std::move(risk));
  });
}

void
parse_deferrals_file(const MapReader& root, model::Definitions& out)
{
  const FileContext& file = root.file();
  root.for_each("deferrals", [&](const YAML::Node& node) {
    const MapReader map(node,
                        file,
                        "deferral",
                        {"id",
                         "what",
                         "why",
                         "risk",
                         "discovered_in",
                         "deferred_to",
                         "exit_criteria",
                         "blocker",
                         "status",
                         "source_ref"});
    if (!map.valid()) {
      return;
    }
    model::Deferral d;
    d.origin = map.origin();
    d.id = map.required_id("id", IdKind::deferral);
    d.what = map.required_string("what");
    d.why = map.optional_string("why");
    d.risk = map.optional_string("risk");
    if (auto ref = map.required_ref("discovered_in", IdKind::milestone)) {
      d.discovered_in = std::move(*ref);
    }
    d.deferred_to = map.optional_ref("deferred_to", IdKind::milestone);
    d.exit_criteria = map.optional_string("exit_criteria");
    d.blocker = map.optional_bool("blocker", false);
    d.status = map.optional_enum<model::DeferralStatus>("status").value_or(d.status);
    d.source_ref = map.optional_string("source_ref");
    out.deferrals.push_back(std::move(d));
  });
}

void
parse_invariants_file(const MapReader& root, model::Definitions& out)
{
  const FileContext& file = root.file();
  std::string category_id;
  if (!root.has("category")) {
    root.required_string("category");
  } else {
    const MapReader map(root.get("category"), file, "category", {"id", "name", "order"});
    if (map.valid()) {
      model::Category category;
      category.origin = map.origin();
      category.id = map.required_id("id", IdKind::category);
      category.name = map.required_string("name");
      category.order = static_cast<int>(map.optional_integer("order", 0).value_or(0));
      category_id = category.id;
      out.categories.push_back(std::move(category));
    }
  }
  root.for_each("invariants", [&](const YAML::Node& node) {
    const MapReader map(node,
                        file,
                        "invariant",
                        {"id",
                         "name",
                         "statement",
                         "surface",
                         "verification",
                         "coverage",
                         "coverage_note",
                         "priority",
                         "notes",
                         "recommendation",
                         "statement_changed",
                         "verify",
                         "waiver"});
    if (!map.valid()) {
      return;
    }
    model::Invariant inv;
    inv.origin = map.origin();
    inv.id = map.required_id("id", IdKind::invariant);
    inv.name = map.required_string("name");
    inv.category = category_id;
    inv.statement = map.required_string("statement");
    inv.surface = map.optional_string("surface");
    map.for_each("verification", [&](const YAML::Node& item) {
      const MapReader v(item, file, "verification method", {"method", "text"});
      if (v.valid()) {
        model::VerificationEntry entry;
        entry.method = v.required_enum<model::VerificationMethod>("method").value_or(entry.method);
        entry.text = v.optional_string("text");
        inv.verification.push_back(std::move(entry));
      }
    });
    inv.coverage = map.required_enum<model::Coverage>("coverage").value_or(inv.coverage);
    inv.coverage_note = map.optional_string("coverage_note");
    inv.priority = map.required_enum<model::Priority>("priority").value_or(inv.priority);
    inv.notes = map.string_list("notes");
    if (const YAML::Node rec = map.get("recommendation")) {
      const MapReader r(rec, file, "recommendation", {"action", "text", "milestone"});
      if (r.valid()) {
        inv.recommendation = model::Recommendation{
          r.required_string("action"), r.optional_string("text"), r.optional_ref("milestone", IdKind::milestone)};
      }
    }
    inv.statement_changed = map.optional_date("statement_changed");
    if (const YAML::Node verify = map.get("verify")) {
      model::VerifyRules rules;
      if (auto rule = parse_rule(verify, file, 0, &rules)) {
        rules.root = std::move(*rule);
        inv.verify = std::move(rules);
      }
    }
    if (const YAML::Node waiver = map.get("waiver")) {
      const MapReader w(waiver, file, "waiver", {"owner", "reason", "expires"});
      if (w.valid()) {
        inv.waiver = model::Waiver{w.required_string("owner"), w.required_string("reason"), w.required_date("expires")};
      }
    }
    out.invariants.push_back(std::move(inv));
  });
}

const std::vector<std::string> k_operators{"==", "!=", "<", "<=", ">", ">="};

bool
valid_glob(const std::string& pattern)
{
  int depth = 0;
  for (const char c : pattern) {
    if (c == '[') {
      ++depth;
    } else if (c == ']' && depth > 0) {
      --depth;
    }
  }
  return !pattern.empty() && depth == 0;
}

std::optional<model::RuleNode>
parse_rule(const YAML::Node& node, const FileContext& file, int depth, model::VerifyRules* top)
{
  using Kind = model::RuleNode::Kind;
  const MapReader map(
    node,
    file,
    "verify rule",
    {"all", "any", "tests", "min", "ci", "metric", "op", "value", "max_age_days", "max_commits_behind"});
  if (!map.valid()) {
    return std::nullopt;
  }
  std::vector<std::string> kinds;
  for (const char* key : {"all", "any", "tests", "ci", "metric"}) {
    if (map.has(key)) {
      kinds.emplace_back(key);
    }
  }
  if (kinds.size() != 1) {
    file.sink.error(map.file().location(node),
                    kinds.empty() ? "a verify rule needs one of: all, any, tests, ci, metric"
                                  : fmt::format("a verify rule has one kind, not {} and {}", kinds[0], kinds[1]),
                    "write e.g. '{tests: \"test/test_x.py::*\", min: 8}' or 'all: [...]'");
    return std::nullopt;
  }
  for (const char* key : {"max_age_days", "max_commits_behind"}) {
    if (map.has(key) && depth > 0) {
      file.sink.error(file.location(map.get(key)),
                      fmt::format("{} belongs at the top of 'verify:'", key),
                      "move it next to the top-level rule");
    }
  }
  if (top != nullptr) {
    if (const auto age = map.optional_integer("max_age_days", 1)) {
      top->max_age_days = static_cast<int>(*age);
    }
    if (const auto behind = map.optional_integer("max_commits_behind", 0)) {
      top->max_commits_behind = static_cast<int>(*behind);
    }
  }
  model::RuleNode rule;
  const std::string& kind = kinds[0];
  auto reject = [&](std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
      if (map.has(key)) {
        file.sink.error(file.location(map.get(key)), fmt::format("'{}' does not apply to a '{}' rule", key, kind));
      }
    }
  };
  if (kind == "all" || kind == "any") {
    rule.kind = kind == "all" ? Kind::all : Kind::any;
    reject({"min", "op", "value"});
    map.for_each(kind, [&](const YAML::Node& child) {
      if (auto parsed = parse_rule(child, file, depth + 1, nullptr)) {
        rule.children.push_back(std::move(*parsed));
      }
    });
    if (rule.children.empty() && !file.sink.has_errors()) {
      file.sink.error(file.location(map.get(kind)), fmt::format("'{}' lists no rules", kind));
    }
  } else if (kind == "tests") {
    rule.kind = Kind::tests;
    reject({"op", "value"});
    const YAML::Node tests = map.get("tests");
    if (tests.IsScalar()) {
      rule.selectors.push_back(tests.Scalar());
    } else {
      rule.selectors = map.string_list("tests");
    }
    for (const std::string& selector : rule.selectors) {
      if (!valid_glob(selector)) {
        file.sink.error(file.location(tests),
                        fmt::format("invalid test selector '{}'", selector),
                        "a selector is a glob over test ids: * any text, ? one character, [abc] "
                        "one of; e.g. test/test_x.py::*");
      }
    }
    rule.min = static_cast<int>(map.optional_integer("min", 1).value_or(1));
  } else if (kind == "ci") {
    rule.kind = Kind::ci;
    reject({"min", "op", "value"});
    const MapReader ci(map.get("ci"), file, "ci rule", {"workflow", "job", "branch", "conclusion"});
    rule.workflow = ci.required_string("workflow");
    rule.job = ci.optional_string("job");
    rule.branch = ci.optional_string("branch");
    if (const auto conclusion = ci.optional_enum<model::CiConclusion>("conclusion")) {
      rule.conclusion = std::string(model::to_string(*conclusion));
    }
  } else {
    rule.kind = Kind::metric;
    reject({"min"});
    rule.metric = map.required_string("metric");
    rule.op = map.required_string("op");
    if (!rule.op.empty() && std::find(k_operators.begin(), k_operators.end(), rule.op) == k_operators.end()) {
      file.sink.error(file.location(map.get("op")),
                      fmt::format("invalid operator '{}' in metric rule", rule.op),
                      "operators: ==, !=, <, <=, >, >=");
    }
    if (!map.has("value")) {
      map.required_string("value");
    }
    rule.value = map.optional_number("value", -1e300).value_or(0);
  }
  return rule;
}

// The `gates:` block of program.yaml or a milestone (see model/gates.hpp).
model::GateConfig
parse_gates(const YAML::Node& node, const FileContext& file)
{
  model::GateConfig c;
  const MapReader map(node,
                      file,
                      "gates",
                      {"deliverables",
                       "dependencies",
                       "invariants",
                       "allow_waived",
                       "ci",
                       "scope",
                       "pattern_absent",
                       "metrics",
                       "approvals",
                       "blocker_deferrals"});
  if (!map.valid()) {
    return c;
  }
  for (const auto& [key, member] : model::k_gate_flags) {
    if (map.has(key)) {
      c.*member = map.optional_bool(key, true);
    }
  }
  if (map.has("ci")) {
    c.ci = map.string_list("ci");
  }
  if (map.has("approvals")) {
    c.approvals = map.string_list("approvals");
  }
  if (map.has("pattern_absent")) {
    c.pattern_absent.emplace();
    map.for_each("pattern_absent", [&](const YAML::Node& item) {
      const MapReader p(item, file, "pattern_absent gate", {"pattern", "files", "note"});
      if (!p.valid()) {
        return;
      }
      model::PatternGate gate{p.required_string("pattern"), p.required_string("files"), p.optional_string("note")};
      try {
        const std::regex compiled(gate.pattern, std::regex::extended);
      } catch (const std::regex_error& e) {
        file.sink.error(file.location(p.get("pattern")),
                        fmt::format("invalid regular expression '{}': {}", gate.pattern, e.what()),
                        "patterns are POSIX extended regular expressions, as `git grep -E` takes");
      }
      if (!gate.files.empty() && !valid_glob(gate.files)) {
        file.sink.error(file.location(p.get("files")),
                        fmt::format("invalid path glob '{}'", gate.files),
                        "a path glob: * within a folder, ** across folders, ? one character");
      }
      c.pattern_absent->push_back(std::move(gate));
    });
  }
  if (map.has("metrics")) {
    c.metrics.emplace();
    map.for_each("metrics", [&](const YAML::Node& item) {
      const MapReader m(item, file, "metric gate", {"metric", "op", "value"});
      if (!m.valid()) {
        return;
      }
      model::MetricGate gate{m.required_string("metric"), m.required_string("op"), 0};
      if (!gate.op.empty() && std::find(k_operators.begin(), k_operators.end(), gate.op) == k_operators.end()) {
        file.sink.error(file.location(m.get("op")),
                        fmt::format("invalid operator '{}' in metric gate", gate.op),
                        "operators: ==, !=, <, <=, >, >=");
      }
      if (!m.has("value")) {
        m.required_string("value");
      }
      gate.value = m.optional_number("value", -1e300).value_or(0);
      c.metrics->push_back(std::move(gate));
    });
  }
  return c;
}

enum class FileKind { program, milestone, risks, deferrals, invariants };

} // namespace

bool
parse_source(const SourceText& source,
             model::Definitions& out,
             std::vector<model::Origin>& program_files,
             util::DiagnosticSink& sink)
{
  const FileContext file{source.path, sink};
  if (!check_yaml_bounds(source, sink)) {
    return false;
  }
  YAML::Node root;
  try {
    root = YAML::Load(source.text);
  } catch (const YAML::DeepRecursion& e) {
    sink.error({source.path, e.mark.line + 1, e.mark.column + 1},
               fmt::format("nesting deeper than {} levels", util::limits().depth),
               util::limit_help("depth"));
    return false;
  } catch (const YAML::ParserException& e) {
    sink.error({source.path, e.mark.line + 1, e.mark.column + 1},
               fmt::format("YAML syntax error: {}", e.msg),
               "fix the YAML syntax at this position (indentation, quoting, a missing ':')");
    return false;
  } catch (const YAML::Exception& e) {
    sink.error({source.path, 0, 0}, fmt::format("cannot read YAML: {}", e.what()));
    return false;
  }
  if (!check_yaml_depth(source.path, root, sink)) {
    return false;
  }
  const std::string k_kinds_help =
    "a file's top-level key says what it holds: program (milestones/program.yaml), milestone "
    "(milestones/MNN.yaml), risks, deferrals, or category + invariants (invariants/*.yaml)";
  if (!root.IsMap()) {
    sink.error({source.path, root.IsNull() ? 1 : file.location(root).line, 1},
               root.IsNull() ? "file is empty" : "file must be a YAML mapping",
               k_kinds_help);
    return true;
  }
  std::optional<FileKind> kind;
  const YAML::Node& top = root; // const: lookups never insert
  if (top["program"]) {
    kind = FileKind::program;
  } else if (top["milestone"]) {
    kind = FileKind::milestone;
  } else if (top["risks"]) {
    kind = FileKind::risks;
  } else if (top["deferrals"]) {
    kind = FileKind::deferrals;
  } else if (top["invariants"] || top["category"]) {
    kind = FileKind::invariants;
  }
  if (!kind) {
    sink.error(file.location(root), "cannot tell what this file holds", k_kinds_help);
    return true;
  }
  const bool in_invariants = source.path.rfind("invariants/", 0) == 0;
  if ((*kind == FileKind::invariants) != in_invariants) {
    sink.error(file.location(root),
               *kind == FileKind::invariants ? "invariant catalog files belong in invariants/"
                                             : "program, milestone, risk and deferral files belong in milestones/",
               "move the file to the folder for its kind");
    return true;
  }
  switch (*kind) {
  case FileKind::program: {
    const MapReader map(root, file, "program file", {"program", "scores", "facts", "phases"});
    program_files.push_back(file.origin(root));
    parse_program_file(map, out);
    break;
  }
  case FileKind::milestone:
    parse_milestone_file(MapReader(root, file, "milestone file", {"milestone"}), out);
    break;
  case FileKind::risks:
    parse_risks_file(MapReader(root, file, "risks file", {"risks"}), out);
    break;
  case FileKind::deferrals:
    parse_deferrals_file(MapReader(root, file, "deferrals file", {"deferrals"}), out);
    break;
  case FileKind::invariants:
    parse_invariants_file(MapReader(root, file, "invariants file", {"category", "invariants"}), out);
    break;
  }
  return true;
}

util::SourceLocation
locate_key(const SourceText& source, const std::vector<std::string>& keys)
{
  util::DiagnosticSink ignored;
  const FileContext file{source.path, ignored};
  try {
    YAML::Node node = YAML::Load(source.text);
    for (const std::string& key : keys) {
      if (!node.IsMap()) {
        return {source.path, 1, 1};
      }
      const YAML::Node next = static_cast<const YAML::Node&>(node)[key];
      if (!next) {
        return {source.path, 1, 1};
      }
      node.reset(next);
    }
    return file.location(node);
  } catch (const YAML::Exception&) {
    return {source.path, 1, 1};
  }
}

} // namespace rl::loader
