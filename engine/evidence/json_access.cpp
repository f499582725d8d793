#include "evidence/json_access.hpp"

#include "evidence/input_text.hpp"
#include "util/error.hpp"
#include "util/limits.hpp"

#include <fmt/format.h>

#include <limits>

namespace rl::evidence {

namespace {

using nlohmann::json;

std::string
pointer_segment(std::string_view key)
{
  std::string out;
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string
pointer_text(const std::string& pointer)
{
  return pointer.empty() ? std::string("the document root") : printable(pointer, 200);
}

// Offset of the bracket that opens level `limit + 1` (string-aware scan;
// called only after the parser saw that level, so the document is well
// formed up to there).
std::size_t
offset_of_depth(std::string_view text, std::uint64_t limit)
{
  std::uint64_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) {
        return i;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return text.size();
}

// Builds the DOM as nlohmann's own parser does, refusing nesting and strings
// beyond the limits, and keeping the position of a parse error (nlohmann's
// DOM parser throws it without the position of an out-of-range number).
class BoundedBuilder
{
public:
  explicit BoundedBuilder(json& root)
    : m_root(root)
    , m_depth(util::limits().depth)
    , m_token(util::limits().token_bytes)
  {
  }

  bool null()
  {
    return add(json(nullptr));
  }
  bool boolean(bool v)
  {
    return add(json(v));
  }
  bool number_integer(json::number_integer_t v)
  {
    return add(json(v));
  }
  bool number_unsigned(json::number_unsigned_t v)
  {
    return add(json(v));
  }
  bool number_float(json::number_float_t v, const json::string_t& /*text*/)
  {
    return add(json(v));
  }
  bool binary(json::binary_t& v)
  {
    return add(json(std::move(v)));
  }

  bool string(json::string_t& v)
  {
    if (v.size() > m_token) {
      m_failure = Failure::token;
      m_token_size = v.size();
      m_token_pointer = child_pointer();
      return false;
    }
    return add(json(std::move(v)));
  }

  bool start_object(std::size_t /*elements*/)
  {
    return open(json::object());
  }
  bool start_array(std::size_t /*elements*/)
  {
    return open(json::array());
  }

  bool key(json::string_t& k)
  {
    if (k.size() > m_token) {
      m_failure = Failure::key;
      m_token_size = k.size();
      m_token_pointer = pointer() + "/" + pointer_segment(std::string_view(k).substr(0, 64));
      return false;
    }
    m_key = std::move(k);
    return true;
  }

  bool end_object()
  {
    m_stack.pop_back();
    m_segments.pop_back();
    return true;
  }

  bool end_array()
  {
    return end_object();
  }

  bool parse_error(std::size_t position, const std::string& last_token, const nlohmann::detail::exception& ex)
  {
    m_failure = ex.id == 406 ? Failure::range : Failure::syntax;
    m_position = position;
    m_last_token = last_token;
    m_message = ex.what();
    return false;
  }

  enum class Failure { none, syntax, range, depth, token, key };
  Failure m_failure = Failure::none;
  std::size_t m_position = 0;
  std::string m_last_token;
  std::string m_message;
  std::size_t m_token_size = 0;
  std::string m_token_pointer;

private:
  std::string pointer() const
  {
    std::string out;
    for (std::size_t i = 1; i < m_segments.size(); ++i) {
      out += "/" + m_segments[i];
    }
    return out;
  }

  std::string segment_for_next() const
  {
    if (m_stack.empty()) {
      return {};
    }
    if (m_stack.back()->is_array()) {
      return std::to_string(m_stack.back()->size());
    }
    return pointer_segment(std::string_view(m_key).substr(0, 64));
  }

  std::string child_pointer() const
  {
    return m_stack.empty() ? std::string() : pointer() + "/" + segment_for_next();
  }

  json* place(json&& v)
  {
    if (m_stack.empty()) {
      m_root = std::move(v);
      return &m_root;
    }
    json& parent = *m_stack.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    json& slot = parent[m_key];
    slot = std::move(v);
    return &slot;
  }

  bool add(json&& v)
  {
    place(std::move(v));
    return true;
  }

  bool open(json&& container)
  {
    if (m_stack.size() >= m_depth) {
      m_failure = Failure::depth;
      return false;
    }
    std::string segment = segment_for_next();
    m_stack.push_back(place(std::move(container)));
    m_segments.push_back(std::move(segment));
    return true;
  }

  json& m_root;
  std::uint64_t m_depth;
  std::uint64_t m_token;
  std::vector<json*> m_stack;
  std::vector<std::string> m_segments;
  std::string m_key;
};

// nlohmann's message without its "[json.exception...] parse error at line
// 1, column 5: " prefix (the location is printed in front already).
std::string
parser_message(const std::string& what)
{
  std::string message = what;
  if (const auto pos = message.find("syntax error"); pos != std::string::npos) {
    message = message.substr(pos);
  } else if (const auto end = message.find("] "); end != std::string::npos && message.front() == '[') {
    message = message.substr(end + 2);
  }
  return printable(message, 300);
}

[[noreturn]] void
fail_at(std::string_view text, std::size_t offset, const std::string& path, std::string message, std::string help)
{
  throw util::InputError(std::vector<util::Diagnostic>{
    {util::Severity::error, location_at(text, offset, path), std::move(message), std::move(help)}});
}

} // namespace

json
parse_json_bounded(std::string_view text, const std::string& display_path, const std::string& help)
{
  json root;
  BoundedBuilder builder(root);
  if (json::sax_parse(text.begin(), text.end(), &builder)) {
    return root;
  }
  using Failure = BoundedBuilder::Failure;
  switch (builder.m_failure) {
  case Failure::depth: {
    const std::size_t offset = offset_of_depth(text, util::limits().depth);
    fail_at(text,
            offset,
            display_path,
            fmt::format("JSON arrays and objects nested deeper than the limit 'depth' ({}), at byte {}",
                        util::limits().depth,
                        offset),
            util::limit_help("depth"));
  }
  case Failure::token:
  case Failure::key:
    throw util::InputError(std::vector<util::Diagnostic>{
      {util::Severity::error,
       {display_path, 0, 0},
       fmt::format("at {}: a {} of {} bytes, more than the limit 'token-bytes' ({} bytes)",
                   pointer_text(builder.m_token_pointer),
                   builder.m_failure == Failure::key ? "key" : "string",
                   builder.m_token_size,
                   util::limits().token_bytes),
       util::limit_help("token-bytes")}});
  case Failure::range: {
    const std::size_t offset =
      builder.m_position >= builder.m_last_token.size() ? builder.m_position - builder.m_last_token.size() : 0;
    fail_at(text,
            offset,
            display_path,
            fmt::format("the number {} at byte {} is out of range (beyond the largest floating-point number)",
                        printable(builder.m_last_token, 40),
                        offset),
            "no field of this document needs such a number; check where the file came from");
  }
  case Failure::syntax:
  case Failure::none:
    break;
  }
  const std::size_t offset = builder.m_position > 0 ? builder.m_position - 1 : 0;
  fail_at(text,
          offset,
          display_path,
          fmt::format("invalid JSON at byte {}: {}", offset, parser_message(builder.m_message)),
          help);
}

JsonNode::JsonNode(const json& value, std::string pointer, const std::string& display_path)
  : m_value(&value)
  , m_pointer(std::move(pointer))
  , m_path(display_path)
{
}

void
JsonNode::fail(const std::string& message, const std::string& help) const
{
  throw util::InputError(std::vector<util::Diagnostic>{
    {util::Severity::error, {m_path, 0, 0}, fmt::format("at {}: {}", pointer_text(m_pointer), message), help}});
}

void
JsonNode::fail_member(std::string_view key, const std::string& message, const std::string& help) const
{
  if (const std::optional<JsonNode> at = member(key)) {
    at->fail(message, help);
  }
  fail(message, help);
}

const JsonNode&
JsonNode::require_object(std::string_view what) const
{
  if (!m_value->is_object()) {
    fail(fmt::format("expected {} (a JSON object), found {}", what, json_type_name(*m_value)),
         "is this file the kind of document the command reads?");
  }
  return *this;
}

std::vector<JsonNode>
JsonNode::elements(std::string_view what) const
{
  if (!m_value->is_array()) {
    fail(fmt::format("expected an array of {}, found {}", what, json_type_name(*m_value)),
         "is this file the kind of document the command reads?");
  }
  std::vector<JsonNode> out;
  out.reserve(m_value->size());
  for (std::size_t i = 0; i < m_value->size(); ++i) {
    out.emplace_back((*m_value)[i], m_pointer + "/" + std::to_string(i), m_path);
  }
  return out;
}

std::optional<JsonNode>
JsonNode::member(std::string_view key) const
{
  if (!m_value->is_object()) {
    return std::nullopt;
  }
  const auto it = m_value->find(key);
  if (it == m_value->end() || it->is_null()) {
    return std::nullopt;
  }
  return JsonNode(*it, m_pointer + "/" + pointer_segment(key), m_path);
}

std::optional<std::string>
JsonNode::string_member(std::string_view key) const
{
  const auto m = member(key);
  if (!m) {
    return std::nullopt;
  }
  if (!m->value().is_string()) {
    m->fail(fmt::format("expected a string, found {}", json_type_name(m->value())),
            "is this file the kind of document the command reads?");
  }
  return m->value().get_ref<const std::string&>();
}

std::optional<std::int64_t>
JsonNode::integer_member(std::string_view key, std::int64_t minimum) const
{
  const auto m = member(key);
  if (!m) {
    return std::nullopt;
  }
  const json& v = m->value();
  constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max();
  const std::string help =
    fmt::format("'{}' is a whole number from {} to {}; is this file the kind of document the command reads?",
                printable(key, 64),
                minimum,
                k_max);
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(k_max)) {
      m->fail(fmt::format("the number {} is too large (more than {})", u, k_max), help);
    }
    if (static_cast<std::int64_t>(u) < minimum) {
      m->fail(fmt::format("the number {} is out of range (less than {})", u, minimum), help);
    }
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) {
    const auto i = v.get<std::int64_t>();
    if (i < minimum) {
      m->fail(fmt::format("the number {} is out of range (less than {})", i, minimum), help);
    }
    return i;
  }
  if (v.is_number_float()) {
    m->fail(fmt::format("expected a whole number, found {} (a fraction, an exponent, or more digits than "
                        "a 64-bit number holds)",
                        v.dump()),
            help);
  }
  m->fail(fmt::format("expected a whole number, found {}", json_type_name(v)), help);
}

std::optional<JsonNode>
JsonNode::object_member(std::string_view key) const
{
  auto m = member(key);
  if (m && !m->value().is_object()) {
    m->fail(fmt::format("expected an object, found {}", json_type_name(m->value())),
            "is this file the kind of document the command reads?");
  }
  return m;
}

std::optional<std::vector<JsonNode>>
JsonNode::array_member(std::string_view key) const
{
  const auto m = member(key);
  if (!m) {
    return std::nullopt;
  }
  if (!m->value().is_array()) {
    m->fail(fmt::format("expected an array, found {}", json_type_name(m->value())),
            "is this file the kind of document the command reads?");
  }
  return m->elements("values");
}

std::optional<std::string>
JsonNode::string_member(std::initializer_list<std::string_view> keys) const
{
  std::optional<std::string> first;
  for (const std::string_view key : keys) {
    auto v = string_member(key); // every one is type-checked
    if (v && !first) {
      first = std::move(v);
    }
  }
  return first;
}

std::optional<std::int64_t>
JsonNode::integer_member(std::initializer_list<std::string_view> keys, std::int64_t minimum) const
{
  std::optional<std::int64_t> first;
  for (const std::string_view key : keys) {
    const auto v = integer_member(key, minimum); // every one is checked
    if (v && !first) {
      first = v;
    }
  }
  return first;
}

std::string
json_type_name(const json& value)
{
  switch (value.type()) {
  case json::value_t::null:
    return "null";
  case json::value_t::boolean:
    return value.get<bool>() ? "true" : "false";
  case json::value_t::number_integer:
  case json::value_t::number_unsigned:
  case json::value_t::number_float:
    return "the number " + value.dump();
  case json::value_t::string:
    return fmt::format("the string \"{}\"", printable(value.get_ref<const std::string&>(), 40));
  case json::value_t::array:
    return "an array";
  case json::value_t::object:
    return "an object";
  case json::value_t::binary:
  case json::value_t::discarded:
    break;
  }
  return "a value of another kind";
}

} // namespace rl::evidence
