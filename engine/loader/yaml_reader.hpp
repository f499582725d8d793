#pragma once

#include "model/entities.hpp"
#include "model/id_patterns.hpp"
#include "util/diagnostic.hpp"

#include <yaml-cpp/yaml.h>

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rl::loader {

// The kinds of identifier the YAML files use, each with its pattern
// (model/id_patterns.hpp; README "YAML formats": Identifiers).
using model::IdKind;

// True when `text` is a well-formed identifier of `kind` by the default
// patterns (a program may choose its own: FileContext::ids).
bool is_valid_id(IdKind kind, std::string_view text);

// True for a real calendar date written YYYY-MM-DD.
bool is_valid_date(std::string_view text);

// One YAML file being read: its display path and the sink for its problems.
struct FileContext
{
  std::string path;
  util::DiagnosticSink& sink;
  // The program's id patterns (program.yaml `ids:`, read before any other file).
  const model::IdPatterns* ids = &model::IdPatterns::defaults();

  util::SourceLocation location(const YAML::Node& node) const;
  model::Origin origin(const YAML::Node& node) const;
};

// A YAML mapping checked against the keys it may have. Construction reports a
// node that is not a mapping, unknown keys (listing the allowed ones) and
// duplicate keys; the accessors report missing required fields and values of
// the wrong type or form. Nothing throws: every problem goes to the sink and
// the accessor returns an empty value, so one run reports everything.
class MapReader
{
public:
  MapReader(const YAML::Node& node,
            const FileContext& file,
            std::string what,
            std::initializer_list<std::string_view> allowed);

  // False when the node was not a mapping (then every accessor returns empty).
  bool valid() const;
  const YAML::Node& node() const;
  model::Origin origin() const;
  bool has(std::string_view key) const;

  // The value of `key`, or an invalid node when absent or null.
  YAML::Node get(std::string_view key) const;

  std::string required_string(std::string_view key) const;
  std::string optional_string(std::string_view key, std::string fallback = {}) const;
  std::optional<double> optional_number(std::string_view key, double minimum = 0) const;
  std::optional<std::int64_t> optional_integer(std::string_view key, std::int64_t minimum) const;
  std::optional<std::int64_t> required_integer(std::string_view key, std::int64_t minimum) const;
  bool optional_bool(std::string_view key, bool fallback) const;
  std::string required_date(std::string_view key) const;
  std::string optional_date(std::string_view key) const;
  std::string optional_commit(std::string_view key) const;
  std::vector<std::string> string_list(std::string_view key) const;

  std::optional<model::Ref> required_ref(std::string_view key, IdKind kind) const;
  std::optional<model::Ref> optional_ref(std::string_view key, IdKind kind) const;
  std::vector<model::Ref> ref_list(std::string_view key, IdKind kind) const;

  // The id of the entity this mapping defines: required, checked against `kind`.
  std::string required_id(std::string_view key, IdKind kind) const;

  template<typename E>
  std::optional<E> required_enum(std::string_view key) const
  {
    if (!require(key)) {
      return std::nullopt;
    }
    return optional_enum<E>(key);
  }

  template<typename E>
  std::optional<E> optional_enum(std::string_view key) const
  {
    const YAML::Node value = get(key);
    if (!value) {
      return std::nullopt;
    }
    const std::optional<std::string> text = scalar_text(key, value, "a value");
    if (!text) {
      return std::nullopt;
    }
    if (const auto parsed = model::parse_enum<E>(*text)) {
      return parsed;
    }
    report_bad_enum(value, key, *text, model::allowed_values<E>());
    return std::nullopt;
  }

  // Calls `each` for every element of the sequence under `key` (absent: none).
  void for_each(std::string_view key, const std::function<void(const YAML::Node&)>& each) const;

  const FileContext& file() const;

private:
  bool require(std::string_view key) const;
  std::optional<std::string> scalar_text(std::string_view key,
                                         const YAML::Node& value,
                                         std::string_view expected) const;
  void report_bad_enum(const YAML::Node& value,
                       std::string_view key,
                       const std::string& text,
                       const std::string& allowed) const;
  std::optional<model::Ref> ref_from(const YAML::Node& value, std::string_view key, IdKind kind) const;

  const FileContext& m_file;
  YAML::Node m_node;
  std::string m_what;
  bool m_valid = false;
  std::vector<std::pair<std::string, YAML::Node>> m_entries;
};

// Checks `{{name}}` placeholders in prose and reports unknown ones.
void check_placeholders(const FileContext& file, const YAML::Node& node, const std::string& text);

} // namespace rl::loader
