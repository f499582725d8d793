#include "report/emit_closeout.hpp"

#include "model/commit.hpp"
#include "report/emit_ci.hpp"
#include "report/markdown.hpp"
#include "report/records.hpp"
#include "util/terminal.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace rl::report {

namespace {

using model::OutputFormat;
using nlohmann::ordered_json;

ordered_json
gates_json(const std::vector<model::GateResult>& gates)
{
  ordered_json rows = ordered_json::array();
  for (const model::GateResult& g : gates) {
    rows.push_back({{"gate", g.gate},
                    {"result", std::string(gate_word(g.outcome))},
                    {"reason", g.reason},
                    {"action", g.action},
                    {"evidence", g.evidence}});
  }
  return rows;
}

// The gate table with each result in colour (pass green, FAIL red, waived
// yellow): after the layout, so that the columns stay aligned. Row i + 1 is
// gates[i]; its result is the first word after the gate's cell.
std::string
colored_results(const std::string& table, const std::vector<model::GateResult>& gates)
{
  std::string out;
  std::size_t start = 0;
  for (std::size_t row = 0; start < table.size(); ++row) {
    std::size_t end = table.find('\n', start);
    end = end == std::string::npos ? table.size() : end + 1;
    std::string line = table.substr(start, end - start);
    start = end;
    if (row == 0 || row > gates.size()) {
      out += line;
      continue;
    }
    const model::GateResult& g = gates[row - 1];
    const std::string_view word = gate_word(g.outcome);
    const std::size_t at = line.find(word, escape_cell(g.gate).size());
    const bool colored = g.outcome != model::GateOutcome::not_applicable && at != std::string::npos;
    if (colored) {
      const util::Color color = g.outcome == model::GateOutcome::passed   ? util::Color::green
                                : g.outcome == model::GateOutcome::waived ? util::Color::yellow
                                                                          : util::Color::red;
      line.replace(at, word.size(), util::paint(word, color, true));
    }
    out += line;
  }
  return out;
}

// The gates as records; the table adds each failed gate's evidence and what
// to do under it.
void
emit_gates(const std::vector<model::GateResult>& gates, OutputFormat format, Sink& sink)
{
  if (format != OutputFormat::table) {
    emit_records(gates_json(gates), {"gate", "result", "reason", "action"}, format, sink);
    return;
  }
  std::string table = format_records(gates_json(gates), {"gate", "result", "reason"}, format);
  if (sink.colors_out()) {
    table = colored_results(table, gates);
  }
  sink.out(table);
  for (const model::GateResult& g : gates) {
    if (g.outcome == model::GateOutcome::failed) {
      std::string text = fmt::format("\n{}: {}\n", g.gate, g.reason);
      for (const std::string& e : g.evidence) {
        text += fmt::format("  - {}\n", e);
      }
      text += fmt::format("  what to do: {}\n", g.action);
      sink.out(text);
    }
  }
}

void
emit_written(const std::string& headline,
             const std::vector<std::string>& written,
             OutputFormat format,
             ordered_json object,
             Sink& sink)
{
  if (format == OutputFormat::table) {
    std::string text = headline + "\n";
    for (const std::string& w : written) {
      text += fmt::format("  wrote {}\n", w);
    }
    sink.out(text);
    return;
  }
  object["written"] = written;
  if (format == OutputFormat::csv) { // close only: field,value rows
    emit_object(object, format, sink);
    return;
  }
  sink.out(json_text(object));
}

} // namespace

void
emit(const model::CloseResult& result, OutputFormat format, Sink& sink)
{
  if (format == OutputFormat::github) {
    sink.out(github_annotations(result));
    return;
  }
  for (const model::MilestoneGates& m : result.evaluated) {
    if (format == OutputFormat::table) {
      sink.out(fmt::format(
        "{} gates at {}:\n", m.milestone, m.commit.empty() ? "(no commit)" : model::short_commit(m.commit)));
      emit_gates(m.gates, format, sink);
    } else if (result.outcome != model::CloseOutcome::closed) {
      emit_gates(m.gates, format, sink);
    }
    const std::size_t failed = m.failed();
    if (result.dry_run() && format == OutputFormat::table) {
      sink.out(fmt::format("\n{}: {}{}\n",
                           m.milestone,
                           model::gate_tally(m.gates),
                           failed > 0 ? "; close would refuse" : "; close would succeed"));
    }
    if (result.outcome == model::CloseOutcome::refused && failed > 0) {
      sink.err(fmt::format("refactor-ledger: {} not closed: {} of {} gates failed (above); nothing was changed\n",
                           m.milestone,
                           failed,
                           m.gates.size()));
    }
  }
  if (result.outcome != model::CloseOutcome::closed && result.outcome != model::CloseOutcome::adopted) {
    return;
  }
  const bool adopted = result.outcome == model::CloseOutcome::adopted;
  emit_written(fmt::format("closed {} ({}, commit {}){}",
                           fmt::join(result.milestones, ", "),
                           result.date,
                           model::short_commit(result.commit),
                           adopted ? "; adopted without gate evaluation" : ""),
               result.written,
               format,
               {{"milestones", result.milestones},
                {"result", model::to_string(result.outcome)},
                {"date", result.date},
                {"commit", result.commit}},
               sink);
}

void
emit(const model::ApproveResult& result, OutputFormat format, Sink& sink)
{
  if (format == OutputFormat::table) {
    sink.out(fmt::format("approved {} {} by {} at {}\n", result.milestone, result.approval, result.by, result.at));
    return;
  }
  sink.out(json_text({{"milestone", result.milestone},
                      {"approval", result.approval},
                      {"by", result.by},
                      {"note", result.note},
                      {"at", result.at}}));
}

void
emit(const model::ReopenResult& result, OutputFormat format, Sink& sink)
{
  emit_written(fmt::format("reopened {}: its definition may change; close it again with "
                           "`refactor-ledger close {}`",
                           result.milestone,
                           result.milestone),
               result.written,
               format,
               {{"milestone", result.milestone}, {"result", "reopened"}, {"reason", result.reason}},
               sink);
}

void
emit(const model::LogResult& result, OutputFormat format, Sink& sink)
{
  ordered_json rows = ordered_json::array();
  for (const model::AuditEntry& e : result.entries) {
    rows.push_back({{"id", e.id},
                    {"at", e.at},
                    {"user", e.user},
                    {"action", e.action},
                    {"milestone", e.milestone},
                    {"command", e.command},
                    {"commit", e.commit},
                    {"summary", e.summary}});
  }
  emit_records(rows,
               format == OutputFormat::table
                 ? std::vector<std::string>{"at", "user", "action", "milestone", "summary"}
                 : std::vector<std::string>{"id", "at", "user", "action", "milestone", "command", "commit", "summary"},
               format,
               sink);
}

void
emit(const model::RecoverResult& result, OutputFormat format, Sink& sink)
{
  const std::optional<model::AuditEntry>& last = result.last_action;
  const model::RecoverResult::Progress& p = result.progress;
  if (format != OutputFormat::table) {
    ordered_json j;
    j["last_action"] = !last ? ordered_json(nullptr)
                             : ordered_json{{"at", last->at},
                                            {"user", last->user},
                                            {"action", last->action},
                                            {"milestone", last->milestone},
                                            {"summary", last->summary}};
    j["progress"] = {{"closed", p.closed},
                     {"total", p.total},
                     {"percent", p.percent},
                     {"current_phase", p.current_phase ? ordered_json(*p.current_phase) : ordered_json(nullptr)},
                     {"complete", p.complete}};
    j["next"] = !result.next ? ordered_json(nullptr)
                             : ordered_json{{"milestone", result.next->milestone},
                                            {"title", result.next->title},
                                            {"open_gates", gates_json(result.next->open_gates)}};
    sink.out(json_text(j));
    return;
  }
  std::string text = fmt::format("Last recorded action: {}\n",
                                 !last ? "none"
                                       : fmt::format("{} {} by {}{}: {}",
                                                     last->at,
                                                     last->action,
                                                     last->user,
                                                     last->milestone.empty() ? "" : " (" + last->milestone + ")",
                                                     last->summary));
  text += fmt::format("Completion: {}/{} milestones closed ({}%){}\n",
                      p.closed,
                      p.total,
                      p.percent,
                      p.current_phase ? fmt::format("; current phase {}", *p.current_phase) : "");
  if (!result.next) {
    text += "Next planned action: none; the program is complete\n";
  } else if (const model::RecoverResult::NextAction& n = *result.next; n.open_gates.empty()) {
    text += fmt::format("Next planned action: close {} — {}; every gate passes (refactor-ledger close {})\n",
                        n.milestone,
                        n.title,
                        n.milestone);
  } else {
    text +=
      fmt::format("Next planned action: {} — {}; {} gates still open:\n", n.milestone, n.title, n.open_gates.size());
    for (const model::GateResult& g : n.open_gates) {
      text += fmt::format("  - {}: {}\n    what to do: {}\n", g.gate, g.reason, g.action);
    }
  }
  sink.out(text);
}

} // namespace rl::report
