#include "evidence/metrics.hpp"

#include "util/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <cstdlib>
#include <map>
#include <sstream>

namespace rl::evidence {

namespace {

[[noreturn]] void
fail(const std::string& path, int line, const std::string& message, const std::string& help)
{
  throw util::InputError(
    std::vector<util::Diagnostic>{{util::Severity::error, {path, line, line > 0 ? 1 : 0}, message, help}});
}

std::vector<MetricRecord>
parse_lcov(const std::string& text, const std::string& path, const std::string& prefix)
{
  double lf = 0;
  double lh = 0;
  double brf = 0;
  double brh = 0;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  bool any = false;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    const std::size_t colon = line.find(':');
    const std::string key = line.substr(0, colon);
    if (key == "LF" || key == "LH" || key == "BRF" || key == "BRH") {
      char* end = nullptr;
      const std::string value = line.substr(colon + 1);
      const double v = std::strtod(value.c_str(), &end);
      if (end == value.c_str() || *end != '\0' || v < 0) {
        fail(path, number, fmt::format("invalid lcov count '{}'", line), "lcov counts are whole numbers, e.g. LF:120");
      }
      (key == "LF" ? lf : key == "LH" ? lh : key == "BRF" ? brf : brh) += v;
      any = true;
    }
  }
  if (!any) {
    fail(path, 0, "not a coverage report: no Cobertura <coverage> root and no lcov LF/LH lines",
         "pass Cobertura XML (e.g. gcovr --xml, coverage.py xml) or an lcov .info tracefile");
  }
  std::vector<MetricRecord> out;
  if (lf > 0) {
    out.push_back({prefix + ".line_percent", 100.0 * lh / lf});
  }
  if (brf > 0) {
    out.push_back({prefix + ".branch_percent", 100.0 * brh / brf});
  }
  return out;
}

} // namespace

std::vector<MetricRecord>
parse_coverage(const std::string& text, const std::string& path, const std::string& prefix)
{
  const std::size_t first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first == std::string::npos || text[first] != '<') {
    return parse_lcov(text, path, prefix);
  }
  if (text.find("<!ENTITY") != std::string::npos) {
    fail(path, 0, "the document declares entities: DTD entity declarations are refused",
         "coverage reports never need entities");
  }
  pugi::xml_document doc;
  const pugi::xml_parse_result result = doc.load_buffer(text.data(), text.size());
  if (!result) {
    fail(path, 0, fmt::format("malformed XML: {}", result.description()), "is the file complete?");
  }
  const pugi::xml_node root = doc.document_element();
  if (std::string(root.name()) != "coverage" || !root.attribute("line-rate")) {
    fail(path, 0, fmt::format("not a Cobertura report: the root element is <{}>", root.name()),
         "Cobertura XML has a <coverage line-rate=...> root");
  }
  std::vector<MetricRecord> out;
  out.push_back({prefix + ".line_percent", 100.0 * root.attribute("line-rate").as_double()});
  if (root.attribute("branch-rate")) {
    out.push_back({prefix + ".branch_percent", 100.0 * root.attribute("branch-rate").as_double()});
  }
  return out;
}

std::vector<MetricRecord>
parse_sarif(const std::string& text, const std::string& path, const std::string& prefix)
{
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    fail(path, 0, fmt::format("invalid JSON: {}", e.what()), "pass a SARIF 2.1 log");
  }
  if (!doc.is_object() || !doc.contains("runs") || !doc["runs"].is_array()) {
    fail(path, 0, "not a SARIF log: no 'runs' array", "pass a SARIF 2.1 log (e.g. from CodeQL, semgrep --sarif)");
  }
  std::map<std::string, double> counts{{"error", 0}, {"warning", 0}, {"note", 0}, {"none", 0}};
  double total = 0;
  for (const auto& run : doc["runs"]) {
    if (!run.contains("results") || !run["results"].is_array()) {
      continue;
    }
    for (const auto& r : run["results"]) {
      std::string level = "warning";
      if (r.contains("level") && r["level"].is_string()) {
        level = r["level"].get<std::string>();
      }
      if (!counts.contains(level)) {
        fail(path, 0, fmt::format("unknown SARIF level '{}'", level), "levels: error, warning, note, none");
      }
      counts[level] += 1;
      total += 1;
    }
  }
  std::vector<MetricRecord> out;
  for (const auto& [level, n] : counts) {
    out.push_back({prefix + "." + level, n});
  }
  out.push_back({prefix + ".total", total});
  return out;
}

} // namespace rl::evidence
