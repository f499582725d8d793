#include "loader/parse.hpp"

#include "loader/parse_internal.hpp"
#include "loader/yaml_guard.hpp"
#include "loader/yaml_reader.hpp"
#include "util/limits.hpp"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>

namespace rl::loader {

namespace detail {

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

} // namespace detail

std::optional<YamlFile>
read_source(const SourceText& source, util::DiagnosticSink& sink, bool* readable)
{
  *readable = false;
  const FileContext file{source.path, sink};
  if (!check_yaml_bounds(source, sink)) {
    return std::nullopt;
  }
  YAML::Node root;
  try {
    root = YAML::Load(source.text);
  } catch (const YAML::DeepRecursion& e) {
    sink.error({source.path, e.mark.line + 1, e.mark.column + 1},
               fmt::format("nesting deeper than {} levels", util::limits().depth),
               util::limit_help("depth"));
    return std::nullopt;
  } catch (const YAML::ParserException& e) {
    sink.error({source.path, e.mark.line + 1, e.mark.column + 1},
               fmt::format("YAML syntax error: {}", e.msg),
               "fix the YAML syntax at this position (indentation, quoting, a missing ':')");
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    sink.error({source.path, 0, 0}, fmt::format("cannot read YAML: {}", e.what()));
    return std::nullopt;
  }
  if (!check_yaml_depth(source.path, root, sink)) {
    return std::nullopt;
  }
  *readable = true;
  const std::string k_kinds_help =
    "a file's top-level key says what it holds: program (milestones/program.yaml), milestone "
    "(milestones/MNN.yaml), risks, deferrals, or category + invariants (invariants/*.yaml)";
  if (!root.IsMap()) {
    sink.error({source.path, root.IsNull() ? 1 : file.location(root).line, 1},
               root.IsNull() ? "file is empty" : "file must be a YAML mapping",
               k_kinds_help);
    return std::nullopt;
  }
  using Kind = YamlFile::Kind;
  std::optional<Kind> kind;
  const YAML::Node& top = root; // const: lookups never insert
  if (top["program"]) {
    kind = Kind::program;
  } else if (top["milestone"]) {
    kind = Kind::milestone;
  } else if (top["risks"]) {
    kind = Kind::risks;
  } else if (top["deferrals"]) {
    kind = Kind::deferrals;
  } else if (top["invariants"] || top["category"]) {
    kind = Kind::invariants;
  }
  if (!kind) {
    sink.error(file.location(root), "cannot tell what this file holds", k_kinds_help);
    return std::nullopt;
  }
  const bool in_invariants = source.path.rfind("invariants/", 0) == 0;
  if ((*kind == Kind::invariants) != in_invariants) {
    sink.error(file.location(root),
               *kind == Kind::invariants ? "invariant catalog files belong in invariants/"
                                         : "program, milestone, risk and deferral files belong in milestones/",
               "move the file to the folder for its kind");
    return std::nullopt;
  }
  return YamlFile{&source, root, *kind};
}

void
parse_file(const YamlFile& yaml,
           const model::IdPatterns& ids,
           model::Definitions& out,
           std::vector<model::Origin>& program_files,
           util::DiagnosticSink& sink)
{
  const FileContext file{yaml.source->path, sink, &ids};
  const YAML::Node& root = yaml.root;
  switch (yaml.kind) {
  case YamlFile::Kind::program: {
    const MapReader map(root, file, "program file", {"program", "scores", "facts", "phases"});
    program_files.push_back(file.origin(root));
    detail::parse_program_file(map, out);
    break;
  }
  case YamlFile::Kind::milestone:
    detail::parse_milestone_file(MapReader(root, file, "milestone file", {"milestone"}), out);
    break;
  case YamlFile::Kind::risks:
    detail::parse_risks_file(MapReader(root, file, "risks file", {"risks"}), out);
    break;
  case YamlFile::Kind::deferrals:
    detail::parse_deferrals_file(MapReader(root, file, "deferrals file", {"deferrals"}), out);
    break;
  case YamlFile::Kind::invariants:
    detail::parse_invariants_file(MapReader(root, file, "invariants file", {"category", "invariants"}), out);
    break;
  }
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
