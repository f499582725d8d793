#include "evidence/metrics.hpp"

#include "evidence/input_text.hpp"
#include "evidence/json_access.hpp"
#include "util/error.hpp"
#include "util/limits.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

namespace rl::evidence {

namespace {

[[noreturn]] void
fail(util::SourceLocation where, const std::string& message, const std::string& help)
{
  throw util::InputError(std::vector<util::Diagnostic>{{util::Severity::error, std::move(where), message, help}});
}

[[noreturn]] void
fail(const std::string& path, int line, int column, const std::string& message, const std::string& help)
{
  fail(util::SourceLocation{path, line, column}, message, help);
}

constexpr std::int64_t k_max_count = std::numeric_limits<std::int64_t>::max();

// ---- lcov ----------------------------------------------------------------

// One count of an lcov record (LF:120), with the line it came from.
struct Count
{
  std::int64_t value = 0;
  int line = 0;
};

// The counts of one record (SF: ... end_of_record).
struct LcovRecord
{
  std::optional<Count> lf, lh, brf, brh;
  int first_line = 0;

  bool empty() const
  {
    return !lf && !lh && !brf && !brh;
  }
};

class LcovReader
{
public:
  LcovReader(const std::string& path)
    : m_path(path)
  {
  }

  std::vector<MetricRecord> read(std::string_view text, const std::string& prefix)
  {
    require_utf8(text, m_path, "an lcov tracefile");
    const std::uint64_t token_limit = util::limits().token_bytes;
    int number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) {
        end = text.size();
      }
      std::string_view line = text.substr(start, end - start);
      start = end + 1;
      ++number;
      if (line.size() > token_limit) {
        fail(m_path,
             number,
             1,
             fmt::format("a line of {} bytes, more than the limit 'token-bytes' ({} bytes)", line.size(), token_limit),
             util::limit_help("token-bytes"));
      }
      if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
      }
      const std::size_t colon = line.find(':');
      const std::string_view key = line.substr(0, colon);
      if (key == "SF") {
        close_record();
        m_record.first_line = number;
      } else if (line == "end_of_record") {
        close_record();
      } else if (colon != std::string_view::npos && (key == "LF" || key == "LH" || key == "BRF" || key == "BRH")) {
        std::optional<Count>& slot = key == "LF"    ? m_record.lf
                                     : key == "LH"  ? m_record.lh
                                     : key == "BRF" ? m_record.brf
                                                    : m_record.brh;
        if (slot) {
          fail(m_path,
               number,
               1,
               fmt::format("a second {} in one record (the first is on line {})", key, slot->line),
               "each record (SF: ... end_of_record) has one LF, LH, BRF and BRH; is end_of_record missing?");
        }
        if (m_record.empty() && m_record.first_line == 0) {
          m_record.first_line = number;
        }
        slot = Count{count(line, colon, number), number};
        m_any = true;
      }
    }
    close_record();
    if (!m_any) {
      fail(m_path,
           0,
           0,
           "not a coverage report: no Cobertura <coverage> root and no lcov LF/LH lines",
           "pass Cobertura XML (e.g. gcovr --xml, coverage.py xml) or an lcov .info tracefile");
    }
    std::vector<MetricRecord> out;
    if (m_lf > 0) {
      out.push_back({prefix + ".line_percent", 100.0 * static_cast<double>(m_lh) / static_cast<double>(m_lf)});
    }
    if (m_brf > 0) {
      out.push_back({prefix + ".branch_percent", 100.0 * static_cast<double>(m_brh) / static_cast<double>(m_brf)});
    }
    return out;
  }

private:
  std::int64_t count(std::string_view line, std::size_t colon, int number) const
  {
    const std::string_view value = line.substr(colon + 1);
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    const bool digits = !value.empty() && value.front() >= '0' && value.front() <= '9';
    if (!digits || ec != std::errc{} || end != value.data() + value.size()) {
      fail(m_path,
           number,
           static_cast<int>(colon) + 2,
           fmt::format("invalid lcov count '{}': {}",
                       printable(line),
                       ec == std::errc::result_out_of_range     ? fmt::format("more than {}", k_max_count)
                       : !value.empty() && value.front() == '-' ? std::string("a count cannot be negative")
                                                                : std::string("not a whole number")),
           "lcov counts are whole numbers from 0 to 9223372036854775807, e.g. LF:120");
    }
    return v;
  }

  void check_pair(const std::optional<Count>& found,
                  const std::optional<Count>& hit,
                  std::string_view found_key,
                  std::string_view hit_key,
                  std::int64_t& found_total,
                  std::int64_t& hit_total) const
  {
    if (hit && !found) {
      fail(m_path,
           hit->line,
           1,
           fmt::format("{} without {} in the same record", hit_key, found_key),
           fmt::format("an lcov record gives {} (found) with {} (hit)", found_key, hit_key));
    }
    if (!found) {
      return;
    }
    // Counts are never negative (count()): an absent hit count (0) is never too many.
    if (hit && hit->value > found->value) {
      fail(m_path,
           hit->line,
           1,
           fmt::format("{}:{} is more than {}:{} (line {}) of the same record",
                       hit_key,
                       hit->value,
                       found_key,
                       found->value,
                       found->line),
           fmt::format(
             "{} counts what was hit of the {} found; the tracefile is corrupt or was edited", hit_key, found_key));
    }
    if (found_total > k_max_count - found->value) {
      fail(m_path,
           found->line,
           1,
           fmt::format("the {} counts add up to more than {}", found_key, k_max_count),
           "is this a real lcov tracefile?");
    }
    found_total += found->value;
    hit_total += hit ? hit->value : 0; // hit <= found, so this cannot overflow either
  }

  void close_record()
  {
    check_pair(m_record.lf, m_record.lh, "LF", "LH", m_lf, m_lh);
    check_pair(m_record.brf, m_record.brh, "BRF", "BRH", m_brf, m_brh);
    m_record = LcovRecord{};
  }

  std::string m_path;
  LcovRecord m_record;
  bool m_any = false;
  std::int64_t m_lf = 0;
  std::int64_t m_lh = 0;
  std::int64_t m_brf = 0;
  std::int64_t m_brh = 0;
};

// ---- Cobertura -----------------------------------------------------------

const char* const k_cobertura_help = "Cobertura XML has a <coverage line-rate=\"0.85\" ...> root "
                                     "(gcovr --xml, coverage.py xml)";

// Where attribute `name` of `node` is written (the attribute's name), for messages.
util::SourceLocation
attribute_location(std::string_view text, const pugi::xml_node& node, const char* name, const std::string& path)
{
  const auto start = static_cast<std::size_t>(std::max<std::ptrdiff_t>(node.offset_debug(), 0));
  const std::size_t end = text.find('>', start);
  std::size_t at = text.find(name, start);
  while (at != std::string_view::npos && at < end) {
    const char before = at > 0 ? text[at - 1] : ' ';
    if (before == ' ' || before == '\t' || before == '\n' || before == '\r') {
      return location_at(text, at, path);
    }
    at = text.find(name, at + 1);
  }
  return location_at(text, start, path);
}

// A rate attribute: a decimal number from 0 to 1.
double
rate(std::string_view text, const pugi::xml_node& root, const char* name, const std::string& path)
{
  std::string_view value = root.attribute(name).value();
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    value.remove_suffix(1);
  }
  double v = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  const bool number = !value.empty() && ec == std::errc{} && end == value.data() + value.size();
  if (!number || !std::isfinite(v) || v < 0 || v > 1) {
    fail(attribute_location(text, root, name, path),
         fmt::format("{}=\"{}\" is not a rate: {}",
                     name,
                     printable(root.attribute(name).value()),
                     !number || !std::isfinite(v) ? "not a finite decimal number" : "outside 0 to 1"),
         fmt::format("{} is the covered fraction, a number from 0 to 1 (e.g. 0.8125)", name));
  }
  return v == 0 ? 0.0 : v; // no -0
}

// Refuses nesting deeper than the 'depth' limit and attribute values or text
// longer than 'token-bytes' (the parser itself is not recursive; the walk is
// not either).
class BoundsWalker : public pugi::xml_tree_walker
{
public:
  bool for_each(pugi::xml_node& node) override
  {
    // depth() is 0 for the root's children; the root element is level 1.
    if (static_cast<std::uint64_t>(depth()) + 1 > util::limits().depth) {
      too_deep = node;
      return false;
    }
    if (node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) {
      if (std::strlen(node.value()) > util::limits().token_bytes) {
        too_long = node;
        return false;
      }
    }
    for (const pugi::xml_attribute& a : node.attributes()) {
      if (std::strlen(a.value()) > util::limits().token_bytes) {
        too_long = node;
        return false;
      }
    }
    return true;
  }

  pugi::xml_node too_deep;
  pugi::xml_node too_long;
};

std::vector<MetricRecord>
parse_cobertura(std::string_view text, const std::string& path, const std::string& prefix)
{
  require_utf8(text, path, "a Cobertura report");
  // DTD entities are refused before anything parses the document (XML
  // external entity and entity-expansion attacks). A DOCTYPE naming the
  // Cobertura DTD is fine: pugixml skips it and never fetches anything.
  if (const std::size_t entity = text.find("<!ENTITY"); entity != std::string_view::npos) {
    fail(location_at(text, entity, path),
         fmt::format("the document declares an entity (byte {}): DTD entity declarations are refused", entity),
         "coverage reports never need entities; this file may be an XML external entity or entity-expansion attack");
  }
  pugi::xml_document doc;
  const pugi::xml_parse_result result =
    doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!result) {
    const auto offset = static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0));
    fail(location_at(text, offset, path),
         fmt::format("malformed XML at byte {}: {}", offset, result.description()),
         "is the file complete?");
  }
  BoundsWalker walker;
  doc.traverse(walker);
  if (walker.too_deep) {
    const auto offset = static_cast<std::size_t>(walker.too_deep.offset_debug());
    fail(location_at(text, offset, path),
         fmt::format("elements nested deeper than the limit 'depth' ({}), at byte {}", util::limits().depth, offset),
         util::limit_help("depth"));
  }
  if (walker.too_long) {
    const auto offset = static_cast<std::size_t>(std::max<std::ptrdiff_t>(walker.too_long.offset_debug(), 0));
    fail(location_at(text, offset, path),
         fmt::format("an attribute value or text longer than the limit 'token-bytes' ({} bytes)",
                     util::limits().token_bytes),
         util::limit_help("token-bytes"));
  }
  const pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "coverage" || !root.attribute("line-rate")) {
    fail(path,
         0,
         0,
         fmt::format("not a Cobertura report: the root element is <{}>{}",
                     printable(root.name()),
                     std::string_view(root.name()) == "coverage" ? " without line-rate" : ""),
         k_cobertura_help);
  }
  std::vector<MetricRecord> out;
  out.push_back({prefix + ".line_percent", 100.0 * rate(text, root, "line-rate", path)});
  if (root.attribute("branch-rate")) {
    const double branch = rate(text, root, "branch-rate", path);
    // coverage.py without --branch writes branch-rate="0" with
    // branches-valid="0": no branches were measured, so no branch metric.
    const std::string_view valid = root.attribute("branches-valid").value();
    if (valid != "0") {
      out.push_back({prefix + ".branch_percent", 100.0 * branch});
    }
  }
  return out;
}

} // namespace

std::vector<MetricRecord>
parse_coverage(const std::string& text, const std::string& path, const std::string& prefix)
{
  const std::size_t first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first == std::string::npos || text[first] != '<') {
    return LcovReader(path).read(text, prefix);
  }
  return parse_cobertura(text, path, prefix);
}

// ---- SARIF ---------------------------------------------------------------

namespace {

const char* const k_sarif_help = "pass a SARIF 2.1 log (e.g. from CodeQL, semgrep --sarif)";

bool
is_level(const std::string& level)
{
  return level == "error" || level == "warning" || level == "note" || level == "none";
}

// The levels of the run's rules (tool.driver.rules[].defaultConfiguration.level),
// by index and by id.
struct RuleLevels
{
  std::vector<std::string> by_index;
  std::map<std::string, std::string> by_id;
};

RuleLevels
rule_levels(const JsonNode& run)
{
  RuleLevels out;
  const auto tool = run.object_member("tool");
  const auto driver = tool ? tool->object_member("driver") : std::nullopt;
  const auto rules = driver ? driver->array_member("rules") : std::nullopt;
  if (!rules) {
    return out;
  }
  for (const JsonNode& rule : *rules) {
    rule.require_object("a rule (reportingDescriptor)");
    std::string level = "warning";
    if (const auto config = rule.object_member("defaultConfiguration")) {
      level = config->string_member("level").value_or("warning");
      if (!is_level(level)) {
        config->fail_member(
          "level", fmt::format("unknown SARIF level '{}'", printable(level)), "levels: error, warning, note, none");
      }
    }
    if (const auto id = rule.string_member("id")) {
      out.by_id.emplace(*id, level);
    }
    out.by_index.push_back(std::move(level));
  }
  return out;
}

// SARIF 2.1.0 §3.27.10: a result's level, or when absent: "none" for a kind
// other than "fail", else its rule's default level, else "warning".
std::string
result_level(const JsonNode& r, const RuleLevels& rules)
{
  // Every field that can decide the level is read (and type-checked) first.
  const std::string kind = r.string_member("kind").value_or("fail");
  const std::optional<std::string> level = r.string_member("level");
  const auto rule = r.object_member("rule");
  const std::optional<std::int64_t> rule_index = r.integer_member("ruleIndex", -1);
  const std::optional<std::int64_t> rule_object_index = rule ? rule->integer_member("index", -1) : std::nullopt;
  const std::optional<std::string> rule_id = r.string_member("ruleId");
  const std::optional<std::string> rule_object_id = rule ? rule->string_member("id") : std::nullopt;
  if (kind != "fail" && kind != "pass" && kind != "open" && kind != "informational" && kind != "notApplicable"
      && kind != "review") {
    r.fail_member("kind",
                  fmt::format("unknown SARIF result kind '{}'", printable(kind)),
                  "kinds: fail, pass, open, informational, notApplicable, review");
  }
  if (level) {
    if (!is_level(*level)) {
      r.fail_member(
        "level", fmt::format("unknown SARIF level '{}'", printable(*level)), "levels: error, warning, note, none");
    }
    return *level;
  }
  if (kind != "fail") {
    return "none";
  }
  const std::optional<std::int64_t> index = rule_index ? rule_index : rule_object_index;
  if (index && *index >= 0) {
    if (static_cast<std::uint64_t>(*index) >= rules.by_index.size()) {
      r.fail(fmt::format("the result refers to rule {}, but tool.driver.rules has {}", *index, rules.by_index.size()),
             "ruleIndex counts from 0 into the run's tool.driver.rules");
    }
    return rules.by_index[static_cast<std::size_t>(*index)];
  }
  if (const std::optional<std::string> id = rule_id ? rule_id : rule_object_id) {
    if (const auto it = rules.by_id.find(*id); it != rules.by_id.end()) {
      return it->second;
    }
  }
  return "warning";
}

} // namespace

std::vector<MetricRecord>
parse_sarif(const std::string& text, const std::string& path, const std::string& prefix)
{
  const nlohmann::json parsed = parse_json_bounded(text, path, k_sarif_help);
  const JsonNode doc(parsed, "", path);
  // Absent, null or not an object: not SARIF; 'runs' not an array: InputError.
  const std::optional<std::vector<JsonNode>> runs = doc.array_member("runs");
  if (!runs) {
    doc.fail("not a SARIF log: no 'runs' array", k_sarif_help);
  }
  std::map<std::string, std::int64_t> counts{{"error", 0}, {"warning", 0}, {"note", 0}, {"none", 0}};
  std::int64_t total = 0;
  for (const JsonNode& run : *runs) {
    run.require_object("a run");
    const auto results = run.array_member("results");
    if (!results) {
      continue;
    }
    const RuleLevels rules = rule_levels(run);
    for (const JsonNode& r : *results) {
      r.require_object("a result");
      counts[result_level(r, rules)] += 1;
      total += 1;
    }
  }
  std::vector<MetricRecord> out;
  out.reserve(counts.size() + 1);
  for (const auto& [level, n] : counts) {
    out.push_back({fmt::format("{}.{}", prefix, level), static_cast<double>(n)});
  }
  out.push_back({prefix + ".total", static_cast<double>(total)});
  return out;
}

} // namespace rl::evidence
