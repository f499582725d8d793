#include "report/emit_ci.hpp"

#include "model/commit.hpp"
#include "report/markdown.hpp"
#include "util/hash.hpp"
#include "util/text.hpp"
#include "util/version.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace rl::report {

namespace {

using nlohmann::ordered_json;

// Text on one line with no control character left but tab, CR and LF (the
// callers escape those) and no Unicode line or paragraph separator.
std::string
visible(std::string_view text)
{
  const std::string safe = util::terminal_safe(text, "\t\n\r");
  std::string out;
  out.reserve(safe.size());
  for (std::size_t i = 0; i < safe.size(); ++i) {
    // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
    if (safe.compare(i, 2, "\xE2\x80") == 0 && i + 2 < safe.size()
        && (safe[i + 2] == '\xA8' || safe[i + 2] == '\xA9')) {
      out += safe[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
      continue;
    }
    out += safe[i];
  }
  return out;
}

std::string
percent_escaped(std::string_view text, bool property)
{
  std::string out;
  for (const char c : visible(text)) {
    switch (c) {
    case '%':
      out += "%25";
      break;
    case '\r':
      out += "%0D";
      break;
    case '\n':
      out += "%0A";
      break;
    case ':':
      out += property ? "%3A" : ":";
      break;
    case ',':
      out += property ? "%2C" : ",";
      break;
    default:
      out += c;
    }
  }
  return out;
}

// A path relative to the program root as a path relative to the repository.
std::string
repo_path(const std::string& prefix, const std::string& path)
{
  return path.empty() ? std::string() : prefix + path;
}

std::string
plural(std::size_t n, std::string_view word)
{
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// A Markdown table cell: no control character, '|' escaped, line breaks
// folded, '<' and '>' as entities (no HTML from input reaches the summary).
std::string
cell(std::string_view text)
{
  std::string out;
  for (const char c : escape_cell(util::terminal_safe(text, "\n\r"))) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

std::string
row(const std::vector<std::string>& cells)
{
  std::string out = "|";
  for (const std::string& c : cells) {
    out += " " + cell(c) + " |";
  }
  return out + "\n";
}

std::string
summary_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows)
{
  std::string out = "\n" + row(header) + table_rule(header.size()); // the rule ends its line
  for (const auto& r : rows) {
    out += row(r);
  }
  return out;
}

std::string
location_text(const std::string& prefix, const std::string& path, int line, int column)
{
  if (path.empty()) {
    return {};
  }
  std::string out = prefix + path;
  if (line > 0) {
    out += fmt::format(":{}", line);
    if (column > 0) {
      out += fmt::format(":{}", column);
    }
  }
  return out;
}

std::string_view
check_scope(const model::CheckResult& result)
{
  return result.require_verified ? "not verified" : "failing";
}

// A SARIF artifactLocation.uri (a relative reference, RFC 3986): unreserved
// characters and '/' as they are, every other byte percent-encoded.
std::string
uri_reference(std::string_view path)
{
  std::string out;
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' || c == '.' || c == '_'
        || c == '~' || c == '/') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

} // namespace

std::string
github_data(std::string_view text)
{
  return percent_escaped(text, false);
}

std::string
github_property(std::string_view text)
{
  return percent_escaped(text, true);
}

std::string
workflow_command(const Annotation& a)
{
  std::vector<std::string> properties;
  if (!a.file.empty()) {
    properties.push_back("file=" + github_property(a.file));
    if (a.line > 0) {
      properties.push_back(fmt::format("line={}", a.line));
      if (a.column > 0) {
        properties.push_back(fmt::format("col={}", a.column));
      }
    }
  }
  if (!a.title.empty()) {
    properties.push_back("title=" + github_property(a.title));
  }
  return fmt::format(
    "::{}{}{}::{}\n", a.command, properties.empty() ? "" : " ", fmt::join(properties, ","), github_data(a.message));
}

std::string
github_annotations(const model::ValidateResult& result)
{
  std::string out;
  std::size_t errors = 0;
  for (const util::Diagnostic& d : result.diagnostics) {
    const bool error = d.severity == util::Severity::error;
    errors += error ? 1 : 0;
    out += workflow_command({error ? "error" : "warning",
                             repo_path(result.repo_prefix, d.location.path),
                             d.location.line,
                             d.location.column,
                             "refactor-ledger validate",
                             d.help.empty() ? d.message : fmt::format("{}\nhelp: {}", d.message, d.help)});
  }
  if (errors > 0) {
    return out + fmt::format("refactor-ledger validate: {}; nothing was written\n", plural(errors, "error"));
  }
  const model::DefinitionCounts& c = result.counts;
  return out
         + fmt::format("refactor-ledger validate: ok: {}; {}, {}, {}, {}, {}\n",
                       plural(c.files, "file"),
                       plural(c.milestones, "milestone"),
                       plural(c.invariants, "invariant"),
                       plural(c.risks, "risk"),
                       plural(c.deferrals, "deferral"),
                       plural(c.phases, "phase"));
}

std::string
github_annotations(const model::CheckResult& result)
{
  std::string out;
  for (const model::CheckOffender& o : result.offenders) {
    const bool failing = o.status == model::InvariantStatus::failing;
    out += workflow_command({failing ? "error" : "warning",
                             repo_path(result.repo_prefix, o.origin.path),
                             o.origin.line,
                             o.origin.column,
                             fmt::format("{} {}", o.id, model::to_string(o.status)),
                             o.reasons.empty() ? o.name : fmt::format("{}: {}", o.name, fmt::join(o.reasons, "\n"))});
  }
  const std::string_view priority = model::to_string(result.min_priority);
  if (result.passed()) {
    return fmt::format("refactor-ledger check passed: no invariant at {} or above is {}\n",
                       priority,
                       result.require_verified ? "unverified, stale or failing" : "failing");
  }
  return out
         + fmt::format("refactor-ledger check failed: {} at {} or above {}\n",
                       plural(result.offenders.size(), "invariant"),
                       priority,
                       check_scope(result));
}

std::string
github_annotations(const model::CloseResult& result)
{
  std::string out;
  for (const model::MilestoneGates& m : result.evaluated) {
    for (const model::GateResult& g : m.gates) {
      if (g.outcome != model::GateOutcome::failed) {
        continue;
      }
      std::string message = g.reason;
      for (const std::string& e : g.evidence) {
        message += "\n- " + e;
      }
      if (!g.action.empty()) {
        message += "\nwhat to do: " + g.action;
      }
      out += workflow_command({"error",
                               repo_path(result.repo_prefix, m.origin.path),
                               m.origin.line,
                               m.origin.column,
                               fmt::format("{} gate {} failed", m.milestone, g.gate),
                               message});
    }
    out += fmt::format("refactor-ledger close {}: {}; close {}\n",
                       m.milestone,
                       model::gate_tally(m.gates),
                       m.failed() > 0 ? (result.dry_run() ? "would refuse" : "refused") : "would succeed");
  }
  if (result.outcome == model::CloseOutcome::closed || result.outcome == model::CloseOutcome::adopted) {
    out += fmt::format("refactor-ledger close: {} {} ({}, commit {})\n",
                       model::to_string(result.outcome),
                       fmt::join(result.milestones, ", "),
                       result.date,
                       model::short_commit(result.commit));
  }
  return out;
}

std::string
github_annotations(const model::RenderResult& result)
{
  using State = model::RenderedFileState::State;
  std::string out;
  std::size_t stale = 0;
  for (const model::RenderedFileState& f : result.files) {
    switch (f.state) {
    case State::stale:
      ++stale;
      out += workflow_command(
        {"error",
         repo_path(result.repo_prefix, f.shown),
         f.first_difference,
         0,
         f.missing ? "rendered file missing" : "rendered file out of date",
         fmt::format("{} is {}; run `refactor-ledger render` and commit the result",
                     f.shown,
                     f.missing ? "missing" : fmt::format("out of date from line {}", f.first_difference))});
      break;
    case State::up_to_date:
    case State::written:
      // Not a command: the line starts with our name whatever the path is.
      out += "refactor-ledger render: "
             + github_data(fmt::format("{} {}", f.shown, f.state == State::written ? "written" : "is up to date"))
             + "\n";
      break;
    case State::printed:
      out += f.text; // --output -: the log itself is the output
      break;
    }
  }
  if (stale > 0) {
    out += fmt::format("refactor-ledger render --check: {} stale or missing\n", plural(stale, "file"));
  }
  return out;
}

ordered_json
sarif_log(const model::CheckResult& result)
{
  ordered_json rules = ordered_json::array();
  ordered_json results = ordered_json::array();
  for (std::size_t i = 0; i < result.offenders.size(); ++i) {
    const model::CheckOffender& o = result.offenders[i];
    const std::string what_to_do = fmt::format("Run `refactor-ledger why {}` to see its rules and the evidence "
                                               "behind its status; fix the behaviour, or ingest evidence that "
                                               "verifies it (a waiver in its YAML when it is accepted).",
                                               o.id);
    const std::string statement = o.statement.empty() ? o.name : o.statement;
    rules.push_back({{"id", o.id},
                     {"name", o.id},
                     {"shortDescription", {{"text", o.name}}},
                     {"fullDescription", {{"text", statement}}},
                     {"help", {{"text", fmt::format("{}\n\n{}", statement, what_to_do)}}},
                     {"properties", {{"priority", model::to_string(o.priority)}}}});
    std::string message =
      fmt::format("{} {} ({}) is {}.", o.id, o.name, model::to_string(o.priority), model::to_string(o.status));
    for (const std::string& r : o.reasons) {
      message += " " + r;
      if (!r.empty() && r.back() != '.') {
        message += '.';
      }
    }
    ordered_json physical = {
      {"artifactLocation",
       {{"uri", uri_reference(repo_path(result.repo_prefix, o.origin.path))}, {"uriBaseId", "%SRCROOT%"}}}};
    if (o.origin.line > 0) {
      physical["region"] = {{"startLine", o.origin.line}};
      if (o.origin.column > 0) {
        physical["region"]["startColumn"] = o.origin.column;
      }
    }
    ordered_json r = {{"ruleId", o.id},
                      {"ruleIndex", i},
                      {"level", o.status == model::InvariantStatus::failing ? "error" : "warning"},
                      {"message", {{"text", message}}}};
    if (!o.origin.path.empty()) {
      r["locations"] = ordered_json::array({{{"physicalLocation", std::move(physical)}}});
    }
    // Stable across runs and edits elsewhere in the file: the invariant's id.
    r["partialFingerprints"] = {{"refactorLedgerInvariant/v1", util::sha256(o.id).substr(0, 32)}};
    results.push_back(std::move(r));
  }
  ordered_json driver = {{"name", "refactor-ledger"},
                         {"version", util::k_version},
                         {"informationUri", "https://refactor-ledger.invalid/"},
                         {"rules", std::move(rules)}};
  return {
    {"$schema", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"},
    {"version", "2.1.0"},
    {"runs", ordered_json::array({{{"tool", {{"driver", std::move(driver)}}}, {"results", std::move(results)}}})}};
}

std::string
step_summary(const model::ValidateResult& result)
{
  std::string out = "### refactor-ledger validate\n\n";
  if (result.valid() && result.diagnostics.empty()) {
    const model::DefinitionCounts& c = result.counts;
    return out
           + fmt::format("**Valid**: {}; {}, {}, {}.\n\n",
                         plural(c.files, "file"),
                         plural(c.milestones, "milestone"),
                         plural(c.invariants, "invariant"),
                         plural(c.risks, "risk"));
  }
  std::size_t errors = 0;
  std::vector<std::vector<std::string>> rows;
  rows.reserve(result.diagnostics.size());
  for (const util::Diagnostic& d : result.diagnostics) {
    errors += d.severity == util::Severity::error ? 1 : 0;
    rows.push_back({location_text(result.repo_prefix, d.location.path, d.location.line, d.location.column),
                    d.severity == util::Severity::error ? "error" : "warning",
                    d.message,
                    d.help});
  }
  out += fmt::format("**Invalid**: {}; nothing was written.\n", plural(errors, "error"));
  return out + summary_table({"Location", "Severity", "Problem", "Help"}, rows) + "\n";
}

std::string
step_summary(const model::CheckResult& result)
{
  const std::string_view priority = model::to_string(result.min_priority);
  std::string out = "### refactor-ledger check\n\n";
  if (result.passed()) {
    return out
           + fmt::format("**Passed**: no invariant at {} or above is {}.\n\n",
                         priority,
                         result.require_verified ? "unverified, stale or failing" : "failing");
  }
  out += fmt::format(
    "**Failed**: {} at {} or above {}.\n", plural(result.offenders.size(), "invariant"), priority, check_scope(result));
  std::vector<std::vector<std::string>> rows;
  rows.reserve(result.offenders.size());
  for (const model::CheckOffender& o : result.offenders) {
    rows.push_back({o.id,
                    std::string(model::to_string(o.priority)),
                    std::string(model::to_string(o.status)),
                    o.name,
                    fmt::format("{}", fmt::join(o.reasons, "; ")),
                    location_text(result.repo_prefix, o.origin.path, o.origin.line, 0)});
  }
  return out + summary_table({"Invariant", "Priority", "Status", "Name", "Why", "Defined at"}, rows) + "\n";
}

std::string
step_summary(const model::CloseResult& result)
{
  std::string out;
  for (const model::MilestoneGates& m : result.evaluated) {
    out += fmt::format("### refactor-ledger close {}{}\n\n", m.milestone, result.dry_run() ? " --dry-run" : "");
    const std::string verdict = m.failed() > 0 ? (result.dry_run() ? "Close would refuse" : "Close refused")
                                               : (result.dry_run() ? "Close would succeed" : "Gates passed");
    out += fmt::format("**{}**: {} (commit {}).\n",
                       verdict,
                       model::gate_tally(m.gates),
                       m.commit.empty() ? "none" : model::short_commit(m.commit));
    std::vector<std::vector<std::string>> rows;
    rows.reserve(m.gates.size());
    for (const model::GateResult& g : m.gates) {
      rows.push_back({g.gate,
                      std::string(gate_word(g.outcome)),
                      g.reason,
                      g.outcome == model::GateOutcome::failed ? g.action : std::string()});
    }
    out += summary_table({"Gate", "Result", "Reason", "What to do"}, rows) + "\n";
  }
  if (result.outcome == model::CloseOutcome::closed || result.outcome == model::CloseOutcome::adopted) {
    if (result.evaluated.empty()) {
      out += fmt::format("### refactor-ledger close {}\n\n", fmt::join(result.milestones, ", "));
    }
    out += fmt::format("**{}** {} on {} at commit {}.\n\n",
                       result.outcome == model::CloseOutcome::closed ? "Closed" : "Adopted",
                       cell(fmt::format("{}", fmt::join(result.milestones, ", "))),
                       result.date,
                       model::short_commit(result.commit));
  }
  return out;
}

std::string
step_summary(const model::RenderResult& result)
{
  using State = model::RenderedFileState::State;
  std::string out = "### refactor-ledger render\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const model::RenderedFileState& f : result.files) {
    if (f.state == State::stale) {
      rows.push_back({repo_path(result.repo_prefix, f.shown),
                      f.missing ? "missing" : "out of date",
                      f.first_difference > 0 ? std::to_string(f.first_difference) : std::string()});
    }
  }
  if (rows.empty()) {
    std::size_t written = 0;
    for (const model::RenderedFileState& f : result.files) {
      written += f.state == State::written ? 1 : 0;
    }
    return out
           + fmt::format("**{}**: {}, {} written.\n\n",
                         written > 0 ? "Rendered" : "Up to date",
                         plural(result.files.size(), "file"),
                         written);
  }
  out += fmt::format("**Stale**: {} of {} out of date or missing; run `refactor-ledger render` and commit the "
                     "result.\n",
                     rows.size(),
                     plural(result.files.size(), "rendered file"));
  return out + summary_table({"File", "State", "First differing line"}, rows) + "\n";
}

} // namespace rl::report
