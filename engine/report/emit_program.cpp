#include "report/emit_program.hpp"

#include "model/commit.hpp"
#include "report/emit_ci.hpp"
#include "report/records.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <string>
#include <type_traits>

namespace rl::report {

namespace {

using model::OutputFormat;
using nlohmann::ordered_json;

template<typename E>
std::string
text(E value)
{
  return std::string(model::to_string(value));
}

ordered_json
optional_number(const std::optional<double>& value)
{
  return value ? ordered_json(*value) : ordered_json(nullptr);
}

template<typename T>
ordered_json
optional_value(const std::optional<T>& value)
{
  return value ? ordered_json(*value) : ordered_json(nullptr);
}

// Where a definition is written: "path:line".
std::string
source_of(const model::Origin& origin)
{
  return fmt::format("{}:{}", origin.path, origin.line);
}

ordered_json
ids(const std::vector<model::Ref>& refs)
{
  ordered_json out = ordered_json::array();
  for (const model::Ref& r : refs) {
    out.push_back(r.id);
  }
  return out;
}

ordered_json
invariant_json(const model::InvariantView& view)
{
  const model::Invariant& inv = view.invariant;
  ordered_json j;
  j["id"] = inv.id;
  j["name"] = inv.name;
  j["category"] = inv.category;
  j["priority"] = text(inv.priority);
  j["coverage"] = text(inv.coverage);
  j["status"] = text(view.evaluation.status);
  j["reasons"] = view.evaluation.reasons;
  j["statement"] = inv.statement;
  j["surface"] = inv.surface;
  ordered_json methods = ordered_json::array();
  for (const model::VerificationEntry& v : inv.verification) {
    methods.push_back({{"method", text(v.method)}, {"text", v.text}});
  }
  j["verification"] = methods;
  j["coverage_note"] = inv.coverage_note;
  if (!inv.aliases.empty()) {
    ordered_json aliases = ordered_json::array();
    for (const model::Ref& alias : inv.aliases) {
      aliases.push_back(alias.id);
    }
    j["aliases"] = aliases;
  }
  j["notes"] = inv.notes;
  if (inv.recommendation) {
    j["recommendation"] = {
      {"action", inv.recommendation->action},
      {"text", inv.recommendation->text},
      {"milestone",
       inv.recommendation->milestone ? ordered_json(inv.recommendation->milestone->id) : ordered_json(nullptr)}};
  } else {
    j["recommendation"] = nullptr;
  }
  ordered_json milestones = ordered_json::array();
  for (const model::MilestoneRole& l : view.milestones) {
    milestones.push_back({{"id", l.milestone}, {"role", text(l.role)}});
  }
  j["milestones"] = milestones;
  j["source"] = source_of(inv.origin);
  return j;
}

ordered_json
milestone_json(const model::MilestoneView& view)
{
  const model::Milestone& m = view.milestone;
  ordered_json j;
  j["id"] = m.id;
  j["title"] = m.title;
  j["phase"] = std::stoi(m.phase.id);
  j["status"] = text(m.status);
  j["next"] = view.next;
  j["priority"] = m.priority ? ordered_json(text(*m.priority)) : ordered_json(nullptr);
  j["effort_estimate"] = optional_number(m.effort_estimate);
  j["effort_actual"] = optional_number(m.effort_actual);
  j["depends_on"] = ids(m.depends_on);
  j["change_class"] = m.change_class ? ordered_json(text(*m.change_class)) : ordered_json(nullptr);
  j["closeout_date"] = m.closeout ? ordered_json(m.closeout->date) : ordered_json(nullptr);
  ordered_json invariants = ordered_json::array();
  for (const model::InvariantLink& l : m.invariants) {
    invariants.push_back({{"id", l.invariant.id}, {"role", text(l.role)}});
  }
  j["invariants"] = invariants;
  j["source"] = source_of(m.origin);
  return j;
}

ordered_json
risk_json(const model::Risk& r)
{
  ordered_json j;
  j["id"] = r.id;
  j["title"] = r.title;
  j["priority"] = text(r.priority);
  j["status"] = text(r.status);
  j["milestones"] = ids(r.milestones);
  j["milestones_note"] = r.milestones_note;
  j["invariants"] = ids(r.invariants);
  j["description"] = r.description;
  ordered_json history = ordered_json::array();
  for (const model::RiskChange& h : r.history) {
    history.push_back({{"date", h.date},
                       {"status", text(h.status)},
                       {"milestone", h.milestone ? ordered_json(h.milestone->id) : ordered_json(nullptr)},
                       {"note", h.note}});
  }
  j["history"] = history;
  j["source"] = source_of(r.origin);
  return j;
}

ordered_json
deferral_json(const model::DeferralView& view)
{
  const model::Deferral& x = view.deferral;
  ordered_json j;
  j["id"] = x.id;
  j["what"] = x.what;
  j["status"] = text(x.status);
  j["overdue"] = view.overdue;
  j["slipped"] = view.slipped;
  j["discovered_in"] = x.discovered_in.id;
  j["deferred_to"] = x.target().empty() ? ordered_json(nullptr) : ordered_json(x.target());
  j["blocker"] = x.blocker;
  j["why"] = x.why;
  j["risk"] = x.risk;
  j["exit_criteria"] = x.exit_criteria;
  j["source_ref"] = x.source_ref;
  ordered_json history = ordered_json::array();
  for (const model::DeferralEvent& e : x.history) {
    history.push_back({{"date", e.date},
                       {"event", text(e.event)},
                       {"milestone", e.milestone ? ordered_json(e.milestone->id) : ordered_json(nullptr)},
                       {"to", e.to},
                       {"note", e.note}});
  }
  j["history"] = history;
  j["source"] = source_of(x.origin);
  return j;
}

ordered_json
milestone_detail_json(const model::MilestoneDetail& detail)
{
  const model::Milestone& m = detail.view.milestone;
  ordered_json j = milestone_json(detail.view);
  j["intent"] = m.intent;
  j["scope"] = {{"summary", m.scope_summary}, {"in", m.scope_in}, {"out", m.scope_out}, {"paths", m.scope_paths}};
  j["non_goals"] = m.non_goals;
  ordered_json deliverables = ordered_json::array();
  for (const model::Deliverable& dl : m.deliverables) {
    deliverables.push_back({{"text", dl.text}, {"path", dl.path}, {"done", model::deliverable_done(m, dl)}});
  }
  j["deliverables"] = deliverables;
  ordered_json gaps = ordered_json::array();
  for (const model::EvidenceGap& g : m.evidence_gaps) {
    gaps.push_back(
      {{"text", g.text}, {"deferred_to", g.deferred_to ? ordered_json(g.deferred_to->id) : ordered_json(nullptr)}});
  }
  j["evidence_gaps"] = gaps;
  j["outcome"] = m.outcome;
  ordered_json runs = ordered_json::array();
  for (const model::CiRun& r : m.ci_runs) {
    runs.push_back({{"number", r.number},
                    {"run_id", optional_value(r.id)},
                    {"conclusion", text(r.conclusion)},
                    {"issue", r.issue},
                    {"fix", r.fix}});
  }
  j["ci_runs"] = runs;
  if (m.merge) {
    j["merge"] = {{"pr", optional_value(m.merge->pr)},
                  {"repository", m.merge->repository},
                  {"commit", m.merge->commit},
                  {"state", text(m.merge->state.value_or(model::PullRequestState::merged))}};
  }
  j["risks"] = detail.risks;
  j["deferrals"] = detail.deferrals;
  return j;
}

template<typename E, std::size_t N>
ordered_json
counts_json(const std::array<int, N>& counts)
{
  ordered_json j = ordered_json::object();
  for (const auto& [value, name] : model::EnumTraits<E>::k_names) {
    j[std::string(name)] = counts[model::enum_index(value)];
  }
  return j;
}

// `object` with "kind" as its first field.
ordered_json
with_kind(std::string_view kind, const ordered_json& object)
{
  ordered_json j{{"kind", kind}};
  j.update(object);
  return j;
}

ordered_json
status_json(const model::StatusResult& s)
{
  ordered_json j;
  j["id"] = s.program;
  j["repository"] = s.repository;
  j["progress"] = {{"closed", s.metrics.milestone_closed},
                   {"total", s.metrics.milestone_total},
                   {"percent", s.metrics.percent_complete}};
  if (s.metrics.current_phase) {
    j["current_phase"] = {{"id", *s.metrics.current_phase}, {"name", s.current_phase_name}};
  } else {
    j["current_phase"] = nullptr;
  }
  j["next_milestone"] = optional_value(s.metrics.next_milestone);
  j["in_progress_milestone"] = optional_value(s.metrics.in_progress_milestone);
  j["remaining_effort_hours"] = s.metrics.remaining_effort;
  j["deferred_effort_hours"] = s.metrics.deferred_effort;
  j["invariants"] = {{"total", s.metrics.invariant_total},
                     {"by_priority", counts_json<model::Priority>(s.metrics.invariants_by_priority)},
                     {"by_coverage", counts_json<model::Coverage>(s.metrics.invariants_by_coverage)},
                     {"by_status", counts_json<model::InvariantStatus>(s.metrics.invariants_by_status)},
                     {"p0_strong_percent", s.metrics.p0_strong_percent}};
  j["risks"] = {{"total", s.risk_total}, {"by_status", counts_json<model::RiskStatus>(s.metrics.risks_by_status)}};
  j["waivers"] = {{"expired", s.waivers_expired}, {"unneeded", s.waivers_unneeded}};
  j["deferrals"] = {
    {"total", s.deferral_total}, {"open", s.metrics.open_deferrals}, {"overdue", s.metrics.overdue_deferrals}};
  return j;
}

// "3 P0, 2 P1" for the non-zero counts; "none" when all are zero.
template<typename E, std::size_t N>
std::string
nonzero_counts(const std::array<int, N>& counts)
{
  std::string out;
  for (const auto& [value, name] : model::EnumTraits<E>::k_names) {
    if (const int n = counts[model::enum_index(value)]; n > 0) {
      out += fmt::format("{}{} {}", out.empty() ? "" : ", ", n, name);
    }
  }
  return out.empty() ? std::string("none") : out;
}

ordered_json
load_json(const model::LoadSummary& r)
{
  ordered_json j;
  j["id"] = "load";
  j["result"] = r.updated ? "updated" : "unchanged";
  j["database"] = r.database;
  j["files"] = r.counts.files;
  j["milestones"] = r.counts.milestones;
  j["invariants"] = r.counts.invariants;
  j["risks"] = r.counts.risks;
  j["deferrals"] = r.counts.deferrals;
  j["phases"] = r.counts.phases;
  return j;
}

// Text of a query cell as each format shows it: JSON strings must be valid
// UTF-8 (invalid bytes become U+FFFD; the JSON writer escapes controls); CSV
// quoting carries tab and line breaks; a table cell keeps no control character.
std::string
query_text(std::string_view text, OutputFormat format)
{
  switch (format) {
  case OutputFormat::json: {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
      const std::size_t length = util::utf8_sequence_length(text, i);
      if (length == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(text, i, length);
        i += length;
      }
    }
    return out;
  }
  case OutputFormat::csv:
    return util::terminal_safe(text, "\t\n\r");
  case OutputFormat::table:
  case OutputFormat::github: // not a format of query
  case OutputFormat::sarif:
    break;
  }
  return util::terminal_safe(text, "");
}

} // namespace

void
emit(const model::InitResult& result, OutputFormat format, Sink& sink)
{
  auto action_name = [](model::InitAction action) -> std::string_view {
    switch (action) {
    case model::InitAction::created:
      return "created";
    case model::InitAction::appended:
      return "appended";
    case model::InitAction::unchanged:
      return "unchanged";
    case model::InitAction::kept:
      return "kept";
    case model::InitAction::skipped:
      return "skipped";
    }
    return "created";
  };
  if (format == OutputFormat::json) {
    ordered_json files = ordered_json::array();
    for (const model::InitFile& f : result.files) {
      files.push_back({{"path", f.path}, {"action", action_name(f.action)}, {"note", f.note}});
    }
    sink.out(json_text({{"id", "init"}, {"dry_run", result.dry_run}, {"files", files}, {"next", result.next}}));
    return;
  }
  std::size_t written = 0;
  for (const model::InitFile& f : result.files) {
    const bool writes = f.action == model::InitAction::created || f.action == model::InitAction::appended;
    written += writes ? 1 : 0;
    std::string verb(action_name(f.action));
    if (writes && result.dry_run) {
      verb = f.action == model::InitAction::created ? "would create" : "would append to";
    } else if (f.action == model::InitAction::appended) {
      verb = "appended to";
    }
    sink.out(fmt::format("{:<15} {}{}\n",
                         verb,
                         util::terminal_safe(f.path),
                         f.note.empty() ? "" : fmt::format(" ({})", util::terminal_safe(f.note))));
  }
  if (written == 0) {
    sink.out("nothing to write: the program's files are all there\n");
  } else if (result.dry_run) {
    sink.out("dry run: nothing was written\n");
  }
  sink.out("\nnext:\n");
  for (const std::string& command : result.next) {
    sink.out(fmt::format("  {}\n", util::terminal_safe(command)));
  }
  sink.out("then commit what init and render wrote (milestones/, invariants/, .refactor-ledger/, .gitignore, "
           ".github/, REFACTOR.md)\n");
}

void
emit(const model::ValidateResult& result, OutputFormat format, Sink& sink)
{
  if (format == OutputFormat::github) {
    sink.out(github_annotations(result));
    return;
  }
  if (format == OutputFormat::json) {
    ordered_json diagnostics = ordered_json::array();
    for (const util::Diagnostic& d : result.diagnostics) {
      diagnostics.push_back({{"file", d.location.path},
                             {"line", d.location.line},
                             {"col", d.location.column},
                             {"severity", d.severity == util::Severity::error ? "error" : "warning"},
                             {"message", d.message},
                             {"help", d.help}});
    }
    sink.out(json_text({{"id", "validate"},
                        {"valid", result.valid()},
                        {"files", result.counts.files},
                        {"diagnostics", std::move(diagnostics)}}));
    return;
  }
  if (!result.diagnostics.empty()) {
    // As every command reports invalid input (app::run_guarded).
    std::size_t errors = 0;
    for (const util::Diagnostic& d : result.diagnostics) {
      sink.err(util::format_diagnostic(d) + "\n");
      errors += d.severity == util::Severity::error ? 1 : 0;
    }
    if (errors > 1) {
      sink.err(fmt::format("{} errors; nothing was written\n", errors));
    }
    if (!result.valid()) {
      return;
    }
  }
  const model::DefinitionCounts& c = result.counts;
  sink.out(fmt::format("ok: {} files; {} milestones, {} invariants, {} risks, {} deferrals, {} phases\n",
                       c.files,
                       c.milestones,
                       c.invariants,
                       c.risks,
                       c.deferrals,
                       c.phases));
}

void
emit(const model::LoadSummary& result, OutputFormat format, Sink& sink)
{
  if (format != OutputFormat::table) {
    emit_object(load_json(result), format, sink);
    return;
  }
  const model::DefinitionCounts& c = result.counts;
  sink.out(fmt::format("{}: {} ({} files; {} milestones, {} invariants, {} risks, {} deferrals, {} phases)\n",
                       result.updated ? "updated" : "unchanged",
                       result.database,
                       c.files,
                       c.milestones,
                       c.invariants,
                       c.risks,
                       c.deferrals,
                       c.phases));
}

void
emit(const model::RenderResult& result, OutputFormat format, Sink& sink)
{
  if (format == OutputFormat::github) {
    sink.out(github_annotations(result));
    return;
  }
  using State = model::RenderedFileState::State;
  for (const model::RenderedFileState& file : result.files) {
    switch (file.state) {
    case State::printed:
      sink.out(file.text);
      break;
    case State::up_to_date:
      sink.out(fmt::format("{} is up to date\n", file.shown));
      break;
    case State::stale:
      sink.out(file.diff);
      sink.err(fmt::format("{}: {}; run `refactor-ledger render` and commit the result\n",
                           file.shown,
                           file.missing ? "missing" : "out of date"));
      break;
    case State::written:
      sink.out(fmt::format("wrote {}\n", file.shown));
      break;
    }
  }
}

void
emit(const model::StatusResult& s, OutputFormat format, Sink& sink)
{
  if (format != OutputFormat::table) {
    emit_object(status_json(s), format, sink);
    return;
  }
  std::string out = fmt::format("{} ({})\n", s.program, s.repository);
  out += fmt::format("progress:        {}/{} milestones complete ({}%)\n",
                     s.metrics.milestone_closed,
                     s.metrics.milestone_total,
                     s.metrics.percent_complete);
  out +=
    fmt::format("current phase:   {}\n",
                s.metrics.current_phase ? fmt::format("Phase {}: {}", *s.metrics.current_phase, s.current_phase_name)
                                        : std::string("none"));
  if (s.metrics.in_progress_milestone) {
    out += fmt::format("in progress:     {}\n", *s.metrics.in_progress_milestone);
  }
  out +=
    fmt::format("next milestone:  {}\n",
                s.metrics.next_milestone ? fmt::format("{} — {}", *s.metrics.next_milestone, s.next_milestone_title)
                                         : std::string("none"));
  out += fmt::format("remaining:       {} h open, {} h deferred\n",
                     cell_text(s.metrics.remaining_effort),
                     cell_text(s.metrics.deferred_effort));
  out += fmt::format("invariants:      {} ({}); P0 strong coverage {}%\n",
                     s.metrics.invariant_total,
                     nonzero_counts<model::Priority>(s.metrics.invariants_by_priority),
                     s.metrics.p0_strong_percent);
  out += fmt::format("invariant status: {}\n", nonzero_counts<model::InvariantStatus>(s.metrics.invariants_by_status));
  if (s.waivers_expired + s.waivers_unneeded > 0) {
    out += fmt::format("waivers:         {} expired, {} unneeded (see `why`)\n", s.waivers_expired, s.waivers_unneeded);
  }
  out += fmt::format(
    "risks:           {} ({})\n", s.risk_total, nonzero_counts<model::RiskStatus>(s.metrics.risks_by_status));
  out += fmt::format("deferrals:       {} open, {} overdue\n", s.metrics.open_deferrals, s.metrics.overdue_deferrals);
  sink.out(out);
}

void
emit(const model::InvariantList& result, OutputFormat format, Sink& sink)
{
  ordered_json rows = ordered_json::array();
  for (const model::InvariantView& view : result.invariants) {
    rows.push_back(invariant_json(view));
  }
  emit_records(rows, {"id", "priority", "coverage", "status", "category", "name"}, format, sink);
}

void
emit(const model::MilestoneList& result, OutputFormat format, Sink& sink)
{
  ordered_json rows = ordered_json::array();
  for (const model::MilestoneView& view : result.milestones) {
    rows.push_back(milestone_json(view));
  }
  emit_records(rows, {"id", "phase", "status", "next", "effort_estimate", "depends_on", "title"}, format, sink);
}

void
emit(const model::RiskList& result, OutputFormat format, Sink& sink)
{
  ordered_json rows = ordered_json::array();
  for (const model::Risk& r : result.risks) {
    rows.push_back(risk_json(r));
  }
  emit_records(rows, {"id", "priority", "status", "milestones", "title"}, format, sink);
}

void
emit(const model::ShowResult& result, OutputFormat format, Sink& sink)
{
  const ordered_json j = std::visit(
    [](const auto& item) {
      using T = std::decay_t<decltype(item)>;
      if constexpr (std::is_same_v<T, model::InvariantDetail>) {
        ordered_json object = with_kind("invariant", invariant_json(item.view));
        object["risks"] = item.risks;
        return object;
      } else if constexpr (std::is_same_v<T, model::MilestoneDetail>) {
        return with_kind("milestone", milestone_detail_json(item));
      } else if constexpr (std::is_same_v<T, model::Risk>) {
        return with_kind("risk", risk_json(item));
      } else {
        return with_kind("deferral", deferral_json(item));
      }
    },
    result.item);
  emit_object(j, format, sink);
}

void
emit(model::QueryRows&& result, OutputFormat format, Sink& sink)
{
  std::vector<std::string> columns;
  columns.reserve(result.columns.size());
  for (const std::string& name : result.columns) {
    columns.push_back(query_text(name, format));
  }
  columns = model::distinct_column_names(columns); // escaping may have made two alike
  // One record at a time, straight to the sink: only the collected rows
  // (which --max-memory counts) are held, never a copy of them as JSON or
  // text. A table first measures its columns on every row.
  const auto record = [&](const std::vector<model::SqlValue>& row) {
    ordered_json object = ordered_json::object();
    for (std::size_t i = 0; i < row.size(); ++i) {
      std::visit(
        [&](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            object[columns[i]] = nullptr;
          } else if constexpr (std::is_same_v<T, std::string>) {
            object[columns[i]] = query_text(value, format);
          } else if constexpr (std::is_same_v<T, model::Blob>) {
            std::string hex = "X'";
            for (const char byte : value.bytes) {
              hex += fmt::format("{:02X}", static_cast<unsigned char>(byte));
            }
            object[columns[i]] = hex + "'";
          } else {
            object[columns[i]] = value;
          }
        },
        row[i]);
    }
    return object;
  };
  RecordStream out(columns, format, [&sink](std::string_view text) { sink.out(text); });
  if (format == OutputFormat::table) {
    for (const auto& row : result.rows) {
      out.measure(record(row));
    }
  }
  for (auto& row : result.rows) {
    out.write(record(row));
    row = {}; // freed as soon as it is out
  }
  out.finish();
}

} // namespace rl::report
