#include "loader/yaml_reader.hpp"

#include "model/placeholders.hpp"
#include "util/date.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>

namespace rl::loader {

namespace {

// 7 to 40 lower-case hexadecimal digits.
bool
is_commit_hash(std::string_view text)
{
  return text.size() >= 7 && text.size() <= 40 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string
join_keys(std::initializer_list<std::string_view> keys)
{
  std::string out;
  for (std::string_view key : keys) {
    if (!out.empty()) {
      out += ", ";
    }
    out += key;
  }
  return out;
}

std::optional<double>
parse_number(const std::string& text)
{
  double value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') {
    ++begin;
  }
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end || begin == end || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

} // namespace

bool
is_valid_id(IdKind kind, std::string_view text)
{
  return model::IdPatterns::defaults().valid(kind, text);
}

bool
is_valid_date(std::string_view text)
{
  return util::parse_date(text).has_value();
}

util::SourceLocation
FileContext::location(const YAML::Node& node) const
{
  if (!node.IsDefined()) {
    return {path, 0, 0};
  }
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) {
    return {path, 0, 0};
  }
  return {path, mark.line + 1, mark.column + 1}; // yaml-cpp counts from 0
}

model::Origin
FileContext::origin(const YAML::Node& node) const
{
  const util::SourceLocation loc = location(node);
  return {loc.path, loc.line, loc.column};
}

void
check_placeholders(const FileContext& file, const YAML::Node& node, const std::string& text)
{
  std::size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string::npos) {
    if (pos > 0 && text[pos - 1] == '\\') { // \{{ is a literal {{
      pos += 2;
      continue;
    }
    const std::size_t close = text.find("}}", pos + 2);
    if (close == std::string::npos) {
      file.sink.error(file.location(node),
                      "unterminated placeholder '{{' in text",
                      "write '{{name}}' with one of: invariant_count, milestone_count, "
                      "phase_count, risk_count; write '\\{{' for a literal '{{'");
      return;
    }
    const std::string name = text.substr(pos + 2, close - pos - 2);
    const auto& names = model::placeholder_names();
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      file.sink.error(file.location(node),
                      fmt::format("unknown placeholder '{{{{{}}}}}'", name),
                      "placeholders: invariant_count, milestone_count, phase_count, risk_count; write '\\{{' "
                      "for a literal '{{'");
    }
    pos = close + 2;
  }
}

MapReader::MapReader(const YAML::Node& node,
                     const FileContext& file,
                     std::string what,
                     std::initializer_list<std::string_view> allowed)
  : m_file(file)
  , m_node(node)
  , m_what(std::move(what))
{
  if (!node.IsMap()) {
    m_file.sink.error(m_file.location(node),
                      fmt::format("{} must be a mapping of fields", m_what),
                      fmt::format("allowed fields: {}", join_keys(allowed)));
    return;
  }
  m_valid = true;
  for (const auto& entry : node) {
    const YAML::Node& key_node = entry.first;
    if (!key_node.IsScalar()) {
      m_file.sink.error(m_file.location(key_node), fmt::format("{} has a non-text key", m_what));
      continue;
    }
    const std::string key = key_node.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      m_file.sink.error(m_file.location(key_node),
                        fmt::format("unknown field '{}' in {}", key, m_what),
                        fmt::format("allowed fields: {}", join_keys(allowed)));
      continue;
    }
    const auto duplicate =
      std::find_if(m_entries.begin(), m_entries.end(), [&](const auto& e) { return e.first == key; });
    if (duplicate != m_entries.end()) {
      m_file.sink.error(
        m_file.location(key_node), fmt::format("field '{}' appears twice in {}", key, m_what), "keep one of them");
      continue;
    }
    m_entries.emplace_back(key, entry.second);
  }
}

bool
MapReader::valid() const
{
  return m_valid;
}

const YAML::Node&
MapReader::node() const
{
  return m_node;
}

model::Origin
MapReader::origin() const
{
  return m_file.origin(m_node);
}

const FileContext&
MapReader::file() const
{
  return m_file;
}

bool
MapReader::has(std::string_view key) const
{
  return static_cast<bool>(get(key));
}

YAML::Node
MapReader::get(std::string_view key) const
{
  for (const auto& [name, value] : m_entries) {
    if (name == key) {
      if (value.IsNull()) {
        return YAML::Node(YAML::NodeType::Undefined);
      }
      return value;
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

bool
MapReader::require(std::string_view key) const
{
  if (!m_valid) {
    return false;
  }
  if (has(key)) {
    return true;
  }
  m_file.sink.error(m_file.location(m_node),
                    fmt::format("missing required field '{}' in {}", key, m_what),
                    fmt::format("add '{}: ...' to this mapping", key));
  return false;
}

std::optional<std::string>
MapReader::scalar_text(std::string_view key, const YAML::Node& value, std::string_view expected) const
{
  if (!value.IsScalar()) {
    m_file.sink.error(
      m_file.location(value),
      fmt::format(
        "field '{}' of {} must be {}, not a {}", key, m_what, expected, value.IsSequence() ? "list" : "mapping"));
    return std::nullopt;
  }
  return value.Scalar();
}

void
MapReader::report_bad_enum(const YAML::Node& value,
                           std::string_view key,
                           const std::string& text,
                           const std::string& allowed) const
{
  m_file.sink.error(m_file.location(value),
                    fmt::format("invalid value '{}' for field '{}' of {}", text, key, m_what),
                    fmt::format("allowed values: {}", allowed));
}

std::string
MapReader::required_string(std::string_view key) const
{
  if (!require(key)) {
    return {};
  }
  const YAML::Node value = get(key);
  std::string text = optional_string(key);
  if (text.empty() && value.IsScalar()) {
    m_file.sink.error(m_file.location(get(key)), fmt::format("field '{}' of {} must not be empty", key, m_what));
  }
  return text;
}

std::string
MapReader::optional_string(std::string_view key, std::string fallback) const
{
  const YAML::Node value = get(key);
  if (!value) {
    return fallback;
  }
  std::optional<std::string> text = scalar_text(key, value, "text");
  if (!text) {
    return fallback;
  }
  check_placeholders(m_file, value, *text);
  return std::move(*text);
}

std::optional<double>
MapReader::optional_number(std::string_view key, double minimum) const
{
  const YAML::Node value = get(key);
  if (!value) {
    return std::nullopt;
  }
  const std::optional<std::string> text = scalar_text(key, value, "a number");
  if (!text) {
    return std::nullopt;
  }
  const std::optional<double> number = parse_number(*text);
  if (!number) {
    m_file.sink.error(m_file.location(value),
                      fmt::format("field '{}' of {} must be a number, not '{}'", key, m_what, *text));
    return std::nullopt;
  }
  if (*number < minimum) {
    m_file.sink.error(m_file.location(value),
                      fmt::format("field '{}' of {} must be at least {}, not {}", key, m_what, minimum, *text));
    return std::nullopt;
  }
  return number;
}

std::optional<std::int64_t>
MapReader::optional_integer(std::string_view key, std::int64_t minimum) const
{
  const YAML::Node value = get(key);
  if (!value) {
    return std::nullopt;
  }
  const std::optional<std::string> text = scalar_text(key, value, "a whole number");
  if (!text) {
    return std::nullopt;
  }
  std::int64_t number = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, number);
  if (ec != std::errc() || ptr != end || text->empty()) {
    m_file.sink.error(m_file.location(value),
                      fmt::format("field '{}' of {} must be a whole number, not '{}'", key, m_what, *text));
    return std::nullopt;
  }
  if (number < minimum) {
    m_file.sink.error(m_file.location(value),
                      fmt::format("field '{}' of {} must be at least {}, not {}", key, m_what, minimum, number));
    return std::nullopt;
  }
  return number;
}

std::optional<std::int64_t>
MapReader::required_integer(std::string_view key, std::int64_t minimum) const
{
  if (!require(key)) {
    return std::nullopt;
  }
  return optional_integer(key, minimum);
}

bool
MapReader::optional_bool(std::string_view key, bool fallback) const
{
  const YAML::Node value = get(key);
  if (!value) {
    return fallback;
  }
  const std::optional<std::string> text = scalar_text(key, value, "true or false");
  if (!text) {
    return fallback;
  }
  if (*text == "true") {
    return true;
  }
  if (*text == "false") {
    return false;
  }
  m_file.sink.error(m_file.location(value),
                    fmt::format("field '{}' of {} must be true or false, not '{}'", key, m_what, *text));
  return fallback;
}

std::string
MapReader::required_date(std::string_view key) const
{
  if (!require(key)) {
    return {};
  }
  return optional_date(key);
}

std::string
MapReader::optional_date(std::string_view key) const
{
  const YAML::Node value = get(key);
  if (!value) {
    return {};
  }
  const std::optional<std::string> text = scalar_text(key, value, "a date");
  if (!text) {
    return {};
  }
  if (!is_valid_date(*text)) {
    m_file.sink.error(m_file.location(value),
                      fmt::format("field '{}' of {} is not a valid date: '{}'", key, m_what, *text),
                      "write dates as YYYY-MM-DD, e.g. 2026-02-08");
    return {};
  }
  return *text;
}

std::string
MapReader::optional_commit(std::string_view key) const
{
  const YAML::Node value = get(key);
  if (!value) {
    return {};
  }
  const std::optional<std::string> text = scalar_text(key, value, "a commit hash");
  if (!text) {
    return {};
  }
  if (!is_commit_hash(*text)) {
    m_file.sink.error(m_file.location(value),
                      fmt::format("field '{}' of {} is not a commit hash: '{}'", key, m_what, *text),
                      "write 7 to 40 lower-case hexadecimal digits, e.g. c5f1d40");
    return {};
  }
  return *text;
}

std::vector<std::string>
MapReader::string_list(std::string_view key) const
{
  std::vector<std::string> result;
  const YAML::Node value = get(key);
  if (!value) {
    return result;
  }
  if (!value.IsSequence()) {
    m_file.sink.error(m_file.location(value),
                      fmt::format("field '{}' of {} must be a list of text", key, m_what),
                      fmt::format("write '{}:' followed by lines '- item'", key));
    return result;
  }
  for (const YAML::Node& item : value) {
    if (!item.IsScalar()) {
      m_file.sink.error(m_file.location(item), fmt::format("each item of '{}' in {} must be text", key, m_what));
      continue;
    }
    check_placeholders(m_file, item, item.Scalar());
    result.push_back(item.Scalar());
  }
  return result;
}

std::optional<model::Ref>
MapReader::ref_from(const YAML::Node& value, std::string_view key, IdKind kind) const
{
  if (!value.IsScalar()) {
    m_file.sink.error(m_file.location(value),
                      fmt::format("field '{}' of {} must be {}", key, m_what, m_file.ids->describe(kind)));
    return std::nullopt;
  }
  const std::string& text = value.Scalar();
  if (!m_file.ids->valid(kind, text)) {
    m_file.sink.error(m_file.location(value),
                      fmt::format("'{}' in field '{}' of {} is not {}",
                                  util::clip(text, model::k_max_id_length),
                                  key,
                                  m_what,
                                  m_file.ids->describe(kind)),
                      text.size() > model::k_max_id_length
                        ? fmt::format("an id is at most {} characters", model::k_max_id_length)
                        : std::string());
    return std::nullopt;
  }
  return model::Ref{text, m_file.origin(value)};
}

std::optional<model::Ref>
MapReader::required_ref(std::string_view key, IdKind kind) const
{
  if (!require(key)) {
    return std::nullopt;
  }
  return optional_ref(key, kind);
}

std::optional<model::Ref>
MapReader::optional_ref(std::string_view key, IdKind kind) const
{
  const YAML::Node value = get(key);
  if (!value) {
    return std::nullopt;
  }
  return ref_from(value, key, kind);
}

std::vector<model::Ref>
MapReader::ref_list(std::string_view key, IdKind kind) const
{
  std::vector<model::Ref> result;
  const YAML::Node value = get(key);
  if (!value) {
    return result;
  }
  if (!value.IsSequence()) {
    m_file.sink.error(m_file.location(value),
                      fmt::format("field '{}' of {} must be a list of ids", key, m_what),
                      fmt::format("write e.g. '{}: [{}]'", key, kind == IdKind::milestone ? "M00, M01" : "INV-001"));
    return result;
  }
  for (const YAML::Node& item : value) {
    if (auto ref = ref_from(item, key, kind)) {
      result.push_back(std::move(*ref));
    }
  }
  return result;
}

std::string
MapReader::required_id(std::string_view key, IdKind kind) const
{
  if (const auto ref = required_ref(key, kind)) {
    return ref->id;
  }
  return {};
}

void
MapReader::for_each(std::string_view key, const std::function<void(const YAML::Node&)>& each) const
{
  const YAML::Node value = get(key);
  if (!value) {
    return;
  }
  if (!value.IsSequence()) {
    m_file.sink.error(m_file.location(value),
                      fmt::format("field '{}' of {} must be a list", key, m_what),
                      fmt::format("write '{}:' followed by lines '- ...'", key));
    return;
  }
  for (const YAML::Node& item : value) {
    each(item);
  }
}

} // namespace rl::loader
