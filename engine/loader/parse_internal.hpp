#pragma once

// Internal to loader/: what the files of the YAML parser share. parse.cpp
// holds parse_source (parse.hpp), which tells a file's kind by its top-level
// key, and the shared helpers below; each kind of file has its own
// parse_<kind>.cpp: parse_program (milestones/program.yaml), parse_milestone
// (milestones/MNN.yaml), parse_risks (milestones/risks.yaml and
// deferrals.yaml), parse_invariants (invariants/*.yaml); parse_rules reads
// the `verify:` rules and `gates:` blocks. Not a public header: only
// loader/*.cpp include it.

#include "loader/yaml_reader.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace rl::loader::detail {

// Shared helpers (parse.cpp).
void parse_links(const MapReader& map, std::string_view key, std::vector<model::Link>& out);
std::optional<double> plain_number(const YAML::Node& node);

// One file of each kind, appended to `out`.
void parse_program_file(const MapReader& root, model::Definitions& out);
void parse_milestone_file(const MapReader& root, model::Definitions& out);
void parse_risks_file(const MapReader& root, model::Definitions& out);
void parse_deferrals_file(const MapReader& root, model::Definitions& out);
void parse_invariants_file(const MapReader& root, model::Definitions& out);

// An invariant's `verify:` rules and a `gates:` block (parse_rules.cpp).
std::optional<model::RuleNode> parse_rule(const YAML::Node& node,
                                          const FileContext& file,
                                          int depth,
                                          model::VerifyRules* top);
model::GateConfig parse_gates(const YAML::Node& node, const FileContext& file);

} // namespace rl::loader::detail
