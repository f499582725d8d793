#pragma once

// Untrusted JSON (GitHub Actions documents, SARIF logs): parsing within
// util::limits() and reading fields so that every problem is a
// util::InputError naming the file and where (line:col and byte offset for
// syntax, JSON Pointer such as /workflow_runs/3/id for values), never an
// nlohmann exception.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rl::evidence {

// Parses `text`. Refuses, with util::InputError: syntax errors and invalid
// UTF-8 (path:line:col, byte offset), numbers beyond the range of a double
// (e.g. 1e400), nesting deeper than util::limits().depth, and a string or key
// longer than util::limits().token_bytes (as written, between its quotes).
// `help` is the help line for syntax errors (e.g. "pass a SARIF 2.1 log").
nlohmann::json parse_json_bounded(std::string_view text, const std::string& display_path, const std::string& help);

// A value inside a parsed document together with its JSON Pointer, for
// messages. Absent members and null read as "not there"; a member of the wrong
// type is an InputError ("at /jobs/2/id: expected a whole number, found a
// string").
class JsonNode
{
public:
  JsonNode(const nlohmann::json& value, std::string pointer, const std::string& display_path);

  const nlohmann::json& value() const
  {
    return *m_value;
  }
  // RFC 6901: "" for the root, "/workflow_runs/3".
  const std::string& pointer() const
  {
    return m_pointer;
  }

  // Throws InputError at this node when it is not an object / array.
  const JsonNode& require_object(std::string_view what) const;
  std::vector<JsonNode> elements(std::string_view what) const;

  // A member; nullopt when this is not an object, or the member is absent or null.
  std::optional<JsonNode> member(std::string_view key) const;

  // Typed members: nullopt when absent or null, InputError when of another type.
  std::optional<std::string> string_member(std::string_view key) const;
  // A whole number in [minimum, INT64_MAX] (written without fraction or
  // exponent, e.g. 21794131738).
  std::optional<std::int64_t> integer_member(std::string_view key, std::int64_t minimum) const;
  std::optional<JsonNode> object_member(std::string_view key) const;
  std::optional<std::vector<JsonNode>> array_member(std::string_view key) const;

  // The first of `keys` that is present (not null), read as above; the
  // others are checked the same way.
  std::optional<std::string> string_member(std::initializer_list<std::string_view> keys) const;
  std::optional<std::int64_t> integer_member(std::initializer_list<std::string_view> keys, std::int64_t minimum) const;

  [[noreturn]] void fail(const std::string& message, const std::string& help) const;
  // InputError at member `key` (read before, so present), else at this node.
  [[noreturn]] void fail_member(std::string_view key, const std::string& message, const std::string& help) const;

private:
  const nlohmann::json* m_value;
  std::string m_pointer;
  std::string m_path;
};

// The JSON type of `value` as a message says it ("a string", "an object").
std::string json_type_name(const nlohmann::json& value);

} // namespace rl::evidence
