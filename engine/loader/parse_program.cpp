// The program file (milestones/program.yaml): the program, its score
// dimensions, repository facts and phases (see parse_internal.hpp).

#include "loader/parse_internal.hpp"
#include "model/id_patterns.hpp"
#include "util/fs.hpp"
#include "util/regex.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace rl::loader::detail {

namespace {

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
                       "gates",
                       "sections",
                       "ids",
                       "ledger_dir"});
  if (!map.valid()) {
    return;
  }
  program.origin = map.origin();
  program.name = map.required_string("name");
  program.title = map.optional_string("title", program.name + " — Living Log");
  program.repository = map.required_string("repository");
  program.fork = map.optional_string("fork");
  program.start = map.required_date("start");
  // Optional: a program adopted before its baseline audit (`init` in a
  // repository without commits) records it later.
  program.baseline_commit = map.optional_commit("baseline_commit");
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
  program.ledger_dir = map.optional_string("ledger_dir", program.ledger_dir);
  if (const std::string problem = util::relative_path_problem(program.ledger_dir); !problem.empty()) {
    file.sink.error(
      file.location(map.get("ledger_dir")),
      fmt::format("ledger_dir '{}' must name a folder inside the program root: {}", program.ledger_dir, problem),
      "write a path relative to the program root, such as ledger");
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
  if (const YAML::Node ids = map.get("ids")) {
    const MapReader id_map(ids, file, "ids", {"milestone", "invariant", "risk", "deferral"});
    for (const model::PatternKind& k : model::pattern_kinds()) {
      const std::string pattern = id_map.optional_string(k.key);
      if (pattern.empty()) {
        continue;
      }
      if (const std::string problem = model::check_id_pattern(pattern); !problem.empty()) {
        file.sink.error(
          file.location(id_map.get(k.key)),
          fmt::format("ids.{} '{}' is not a usable id pattern: {}", k.key, util::clip(pattern, 80), problem),
          fmt::format("write an RE2 regular expression of at most {} bytes that matches a whole "
                      "id, e.g. 'M[0-9]{{2}}-V[0-9]{{2}}' (no backreferences or look-around)",
                      util::k_max_regex_bytes));
        continue;
      }
      program.ids.*k.member = pattern;
    }
  }
  map.for_each("sections", [&](const YAML::Node& item) {
    const MapReader s(item, file, "section", {"title", "file", "after"});
    if (!s.valid()) {
      return;
    }
    model::LogSection section{
      s.required_string("title"), s.required_string("file"), s.required_string("after"), s.origin()};
    if (const std::string problem = util::relative_path_problem(section.file);
        !section.file.empty() && !problem.empty()) {
      file.sink.error(
        file.location(s.get("file")),
        fmt::format("section file '{}' must name a file inside the program root: {}", section.file, problem),
        "write a path relative to the program root, such as docs/refactor/principles.md");
    }
    const auto& positions = model::log_section_positions();
    if (!section.after.empty() && std::find(positions.begin(), positions.end(), section.after) == positions.end()) {
      file.sink.error(file.location(s.get("after")),
                      fmt::format("'{}' is not a position of REFACTOR.md", section.after),
                      fmt::format("after: one of {}", fmt::join(positions, ", ")));
    }
    program.sections.push_back(std::move(section));
  });
}

} // namespace

void
parse_program_file(const MapReader& root, model::Definitions& out)
{
  const FileContext& file = root.file();
  parse_program_section(root.get("program"), file, out.program);

  root.for_each("scores", [&](const YAML::Node& node) {
    const MapReader map(
      node, file, "score dimension", {"id", "name", "kind", "max", "target", "target_text", "footnote"});
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
    dimension.footnote = map.optional_string("footnote");
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

} // namespace rl::loader::detail
