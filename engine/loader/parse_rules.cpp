// An invariant's `verify:` rules and the `gates:` block of the program or a
// milestone (see parse_internal.hpp).

#include "loader/parse_internal.hpp"
#include "util/regex.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace rl::loader::detail {

namespace {

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

} // namespace

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
      rule.conclusion = *conclusion;
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
                       "blocker_deferrals",
                       "waive",
                       "not_applicable"});
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
      // Checked with RE2 (linear time, no recursion): a pattern it refuses,
      // such as a backreference, could make `git grep` take exponential time.
      if (std::string error; !util::compile_regex(gate.pattern, util::RegexSyntax::posix_extended, &error)) {
        file.sink.error(
          file.location(p.get("pattern")),
          fmt::format("invalid regular expression '{}': {}", util::clip(gate.pattern, 80), error),
          fmt::format("patterns are POSIX extended regular expressions, as `git grep -E` takes, of at "
                      "most {} bytes, without backreferences; write [[:digit:]] and [[:space:]] for \\d and \\s",
                      util::k_max_regex_bytes));
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
  if (map.has("waive")) {
    c.waive.emplace();
    map.for_each("waive", [&](const YAML::Node& item) {
      const MapReader w(item, file, "gate waiver", {"gate", "by", "reason", "until"});
      if (w.valid()) {
        c.waive->push_back(
          {w.required_string("gate"), w.required_string("by"), w.required_string("reason"), w.optional_date("until")});
      }
    });
  }
  if (map.has("not_applicable")) {
    c.not_applicable.emplace();
    map.for_each("not_applicable", [&](const YAML::Node& item) {
      const MapReader x(item, file, "not-applicable gate", {"gate", "reason"});
      if (x.valid()) {
        c.not_applicable->push_back({x.required_string("gate"), x.required_string("reason")});
      }
    });
  }
  return c;
}

} // namespace rl::loader::detail
