#pragma once

// The gates a milestone must pass to close: configuration (the `gates:` block
// of program.yaml and of each milestone) and its JSON form.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rl::model {

// pattern_absent gate: `pattern` (POSIX extended regex, as `git grep -E`)
// must match nothing in the files of `files` (a path glob) at the closing commit.
struct PatternGate
{
  std::string pattern;
  std::string files;
  std::string note;
  bool operator==(const PatternGate&) const = default;
};

// metric gate: the value of `metric` recorded at the closing commit compared
// with `value` by `op` (==, !=, <, <=, >, >=).
struct MetricGate
{
  std::string metric;
  std::string op;
  double value = 0;
  bool operator==(const MetricGate&) const = default;
};

// `gates: waive:` entry: the gate is evaluated, and when it fails the
// milestone still closes, the gate shown as waived by `by` for `reason`
// (until `until`, YYYY-MM-DD: a waiver past its date no longer applies).
struct GateWaiver
{
  std::string gate; // a gate name as the closeout shows it: "ci:x.yml", "scope", ...
  std::string by;
  std::string reason;
  std::string until; // '' = no end
  bool operator==(const GateWaiver&) const = default;
};

// `gates: not_applicable:` entry: the gate does not apply to this milestone
// (e.g. a CI gate for a documentation-only milestone); its result is not
// used: the closeout shows it as not applicable with `reason`.
struct GateExemption
{
  std::string gate;
  std::string reason;
  bool operator==(const GateExemption&) const = default;
};

// The `gates:` block of program.yaml (the program's definition of done) or of a
// milestone. Unset fields inherit: milestone, else program, else the built-in
// default documented next to each field.
struct GateConfig
{
  std::optional<bool> deliverables;                         // default true: every deliverable path exists
  std::optional<bool> dependencies;                         // default true: every depends_on milestone is closed
  std::optional<bool> invariants;                           // default true: every invariant in scope is verified
  std::optional<bool> allow_waived;                         // default false: a waived invariant passes the gate
  std::optional<std::vector<std::string>> ci;               // default none: workflows green at the closing commit
  std::optional<bool> scope;                                // default true: changed files fall inside scope.paths
  std::optional<std::vector<PatternGate>> pattern_absent;   // default none
  std::optional<std::vector<MetricGate>> metrics;           // default none
  std::optional<std::vector<std::string>> approvals;        // default none: sign-offs required
  std::optional<bool> blocker_deferrals;                    // default true: no open blocker deferral targets it
  std::optional<std::vector<GateWaiver>> waive;             // default none
  std::optional<std::vector<GateExemption>> not_applicable; // default none
  bool operator==(const GateConfig&) const = default;
};

// The on/off gates by their YAML (and JSON) key: the one list every reader
// and writer of GateConfig walks.
inline constexpr std::pair<const char*, std::optional<bool> GateConfig::*> k_gate_flags[] = {
  {"deliverables", &GateConfig::deliverables},
  {"dependencies", &GateConfig::dependencies},
  {"invariants", &GateConfig::invariants},
  {"allow_waived", &GateConfig::allow_waived},
  {"scope", &GateConfig::scope},
  {"blocker_deferrals", &GateConfig::blocker_deferrals},
};

// GateConfig with every field decided.
struct EffectiveGates
{
  bool deliverables = true;
  bool dependencies = true;
  bool invariants = true;
  bool allow_waived = false;
  std::vector<std::string> ci;
  bool scope = true;
  std::vector<PatternGate> pattern_absent;
  std::vector<MetricGate> metrics;
  std::vector<std::string> approvals;
  bool blocker_deferrals = true;
  std::vector<GateWaiver> waive;
  std::vector<GateExemption> not_applicable;

  // The not_applicable entry of the gate named `gate` ("scope",
  // "pattern:src/**", "ci:smoke.yml", ...), or null: such a gate is neither
  // evaluated nor are its facts gathered (no git diff, no git grep).
  const GateExemption* exemption(std::string_view gate) const;
};

EffectiveGates effective_gates(const GateConfig& program, const GateConfig& milestone);

// The config as compact JSON (only the fields set), and back. gates_from_json
// throws std::runtime_error on text gates_to_json cannot have written.
std::string gates_to_json(const GateConfig& config);
GateConfig gates_from_json(const std::string& text);

} // namespace rl::model
