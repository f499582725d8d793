#include "app/commands.hpp"

#include "app/assess.hpp"
#include "app/journal.hpp"
#include "app/ledger.hpp"
#include "app/outputs.hpp"
#include "report/living_log.hpp"
#include "report/records.hpp"
#include "rules/program_metrics.hpp"
#include "store/database.hpp"
#include "store/definitions_repo.hpp"
#include "store/evidence_repo.hpp"
#include "store/query.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"
#include "util/text_diff.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace rl::app {

namespace {

using nlohmann::ordered_json;
using report::OutputFormat;

template<typename E>
std::string
text(E value)
{
  return std::string(model::to_string(value));
}

template<typename T>
bool
matches(const std::vector<T>& wanted, const T& value)
{
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
}

// Filter values are checked like YAML values: an unknown one is a usage error
// that lists the allowed ones, never an empty result.
template<typename E>
void
check_values(const std::vector<std::string>& values, std::string_view option)
{
  for (const std::string& v : values) {
    if (!model::parse_enum<E>(v)) {
      throw util::UsageError(
        fmt::format("invalid value '{}' for {}: allowed values are {}", v, option, model::allowed_values<E>()));
    }
  }
}

ordered_json
optional_number(const std::optional<double>& value)
{
  return value ? ordered_json(*value) : ordered_json(nullptr);
}

using LinkIndex = std::unordered_map<std::string, std::vector<rules::InvariantLinkRef>>;

ordered_json
invariant_json(const model::Invariant& inv, const model::Evaluation& evaluation, const LinkIndex& links)
{
  const model::InvariantStatus status = evaluation.status;
  ordered_json j;
  j["id"] = inv.id;
  j["name"] = inv.name;
  j["category"] = inv.category;
  j["priority"] = text(inv.priority);
  j["coverage"] = text(inv.coverage);
  j["status"] = text(status);
  j["reasons"] = evaluation.reasons;
  j["statement"] = inv.statement;
  j["surface"] = inv.surface;
  ordered_json methods = ordered_json::array();
  for (const model::VerificationEntry& v : inv.verification) {
    methods.push_back({{"method", text(v.method)}, {"text", v.text}});
  }
  j["verification"] = methods;
  j["coverage_note"] = inv.coverage_note;
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
  if (const auto it = links.find(inv.id); it != links.end()) {
    for (const rules::InvariantLinkRef& l : it->second) {
      milestones.push_back({{"id", l.milestone}, {"role", text(l.role)}});
    }
  }
  j["milestones"] = milestones;
  j["source"] = fmt::format("{}:{}", inv.origin.path, inv.origin.line);
  return j;
}

ordered_json
milestone_json(const model::Milestone& m, const model::ProgramMetrics& metrics)
{
  ordered_json j;
  j["id"] = m.id;
  j["title"] = m.title;
  j["phase"] = std::stoi(m.phase.id);
  j["status"] = text(m.status);
  j["next"] = metrics.next_milestone == m.id;
  j["priority"] = m.priority ? ordered_json(text(*m.priority)) : ordered_json(nullptr);
  j["effort_estimate"] = optional_number(m.effort_estimate);
  j["effort_actual"] = optional_number(m.effort_actual);
  ordered_json deps = ordered_json::array();
  for (const model::Ref& r : m.depends_on) {
    deps.push_back(r.id);
  }
  j["depends_on"] = deps;
  j["change_class"] = m.change_class ? ordered_json(text(*m.change_class)) : ordered_json(nullptr);
  j["closeout_date"] = m.closeout ? ordered_json(m.closeout->date) : ordered_json(nullptr);
  ordered_json invariants = ordered_json::array();
  for (const model::InvariantLink& l : m.invariants) {
    invariants.push_back({{"id", l.invariant.id}, {"role", text(l.role)}});
  }
  j["invariants"] = invariants;
  j["source"] = fmt::format("{}:{}", m.origin.path, m.origin.line);
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
  ordered_json ms = ordered_json::array();
  for (const model::Ref& ref : r.milestones) {
    ms.push_back(ref.id);
  }
  j["milestones"] = ms;
  j["milestones_note"] = r.milestones_note;
  ordered_json invs = ordered_json::array();
  for (const model::Ref& ref : r.invariants) {
    invs.push_back(ref.id);
  }
  j["invariants"] = invs;
  j["description"] = r.description;
  ordered_json history = ordered_json::array();
  for (const model::RiskChange& h : r.history) {
    history.push_back({{"date", h.date},
                       {"status", text(h.status)},
                       {"milestone", h.milestone ? ordered_json(h.milestone->id) : ordered_json(nullptr)},
                       {"note", h.note}});
  }
  j["history"] = history;
  j["source"] = fmt::format("{}:{}", r.origin.path, r.origin.line);
  return j;
}

ordered_json
deferral_json(const model::DeferralState& state)
{
  const model::Deferral& x = *state.deferral;
  ordered_json j;
  j["id"] = x.id;
  j["what"] = x.what;
  j["status"] = text(x.status);
  j["overdue"] = state.overdue;
  j["slipped"] = state.slipped;
  j["discovered_in"] = x.discovered_in.id;
  j["deferred_to"] = x.deferred_to ? ordered_json(x.deferred_to->id) : ordered_json(nullptr);
  j["blocker"] = x.blocker;
  j["why"] = x.why;
  j["risk"] = x.risk;
  j["exit_criteria"] = x.exit_criteria;
  j["source_ref"] = x.source_ref;
  j["source"] = fmt::format("{}:{}", x.origin.path, x.origin.line);
  return j;
}

template<typename E>
ordered_json
counts_json(const auto& counts)
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

// A single object as `key: value` lines (table), key,value rows (csv) or JSON.
void
print_object(const ordered_json& object, OutputFormat format)
{
  if (format == OutputFormat::json) {
    fmt::print("{}\n", object.dump(2));
    return;
  }
  ordered_json rows = ordered_json::array();
  std::function<void(const std::string&, const ordered_json&)> flatten = [&](const std::string& prefix,
                                                                             const ordered_json& value) {
    if (value.is_object()) {
      for (auto it = value.begin(); it != value.end(); ++it) {
        flatten(prefix.empty() ? it.key() : prefix + "." + it.key(), it.value());
      }
    } else if (value.is_array() && !value.empty() && value.front().is_object()) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        flatten(fmt::format("{}[{}]", prefix, i), value[i]);
      }
    } else {
      rows.push_back({{"field", prefix}, {"value", report::cell_text(value)}});
    }
  };
  flatten("", object);
  fmt::print("{}", report::format_records(rows, {"field", "value"}, format));
}

} // namespace

ExitCode
run_validate(const GlobalOptions& global)
{
  const ProgramPaths paths = resolve_paths(global);
  const auto stamps = scan_sources(paths.root);
  const model::Definitions d = parse_program(paths.root, stamps).definitions;
  fmt::print("ok: {} files; {} milestones, {} invariants, {} risks, {} deferrals, {} phases\n",
             stamps.size(),
             d.milestones.size(),
             d.invariants.size(),
             d.risks.size(),
             d.deferrals.size(),
             d.phases.size());
  return ExitCode::ok;
}

ExitCode
run_load(const GlobalOptions& global, const std::string& format_text)
{
  const OutputFormat format = output_format(format_text);
  Ledger ledger = open_current(global, ReloadPolicy::always);
  const model::Definitions& d = ledger.definitions();
  ordered_json j;
  j["id"] = "load";
  j["result"] = ledger.load_result == LoadResult::updated ? "updated" : "unchanged";
  j["database"] = util::display_path(ledger.paths.db, ledger.paths.root);
  j["files"] = store::read_source_stamps(*ledger.db).size();
  j["milestones"] = d.milestones.size();
  j["invariants"] = d.invariants.size();
  j["risks"] = d.risks.size();
  j["deferrals"] = d.deferrals.size();
  j["phases"] = d.phases.size();
  if (format == OutputFormat::table) {
    fmt::print("{}: {} ({} files; {} milestones, {} invariants, {} risks, {} deferrals, {} phases)\n",
               j["result"].get<std::string>(),
               j["database"].get<std::string>(),
               j["files"].get<std::size_t>(),
               d.milestones.size(),
               d.invariants.size(),
               d.risks.size(),
               d.deferrals.size(),
               d.phases.size());
  } else {
    print_object(j, format);
  }
  return ExitCode::ok;
}

// render -o PATH: like outputs.log, a path inside the program root (given
// relative to the current directory, or absolute), never through a symlink.
static std::filesystem::path
option_output_target(const std::filesystem::path& root, const std::string& output)
{
  const std::filesystem::path wanted = std::filesystem::absolute(output).lexically_normal();
  std::error_code ec;
  for (const std::filesystem::path& base :
       {std::filesystem::absolute(root).lexically_normal(), std::filesystem::weakly_canonical(root, ec)}) {
    const std::string relative = wanted.lexically_relative(base).generic_string();
    if (!relative.empty() && util::relative_path_problem(relative).empty()) {
      return util::contained_output(base, relative, "--output");
    }
  }
  throw util::InputError(
    fmt::format("--output '{}' is not a file inside the program root {}", output, root.generic_string()),
    "write inside the program root (not in .git/ or .ledger/), or use `--output -` to print the "
    "log on standard output");
}

ExitCode
run_render(const GlobalOptions& global, const RenderOptions& options)
{
  // --check writes no output: a read command (the ledger cache may be refreshed).
  Ledger ledger = open_current(
    global, ReloadPolicy::if_changed, options.mode == WriteMode::check_only ? Access::read : Access::write);
  const model::Definitions& d = ledger.definitions();
  std::vector<report::RenderedFile> files = render_outputs(d, store::read_records(*ledger.db));
  if (!options.output.empty()) {
    files.resize(1); // --output redirects the living log alone
  }
  bool stale = false;
  const bool to_stdout = options.output == "-";
  auto target_of = [&](std::size_t i) {
    return i == 0 && !options.output.empty() ? option_output_target(ledger.paths.root, options.output)
                                             : output_target(ledger.paths.root, d.program, files[i].path);
  };
  if (options.mode != WriteMode::check_only) {
    // Refuse before writing any file when one of them cannot be written.
    std::vector<std::filesystem::path> targets;
    for (std::size_t i = to_stdout ? 1 : 0; i < files.size(); ++i) {
      const std::filesystem::path target = target_of(i);
      if (!std::filesystem::exists(target) || util::read_text(target) != files[i].text) {
        targets.push_back(target);
      }
    }
    require_writable(targets);
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    const report::RenderedFile& file = files[i];
    if (i == 0 && to_stdout) {
      fmt::print("{}", file.text);
      continue;
    }
    const std::filesystem::path target = target_of(i);
    const std::string shown = util::display_path(target, ledger.paths.root);
    const bool exists = std::filesystem::exists(target);
    const std::string existing = exists ? util::read_text(target) : std::string();
    if (exists && existing == file.text) {
      fmt::print("{} is up to date\n", shown);
      continue;
    }
    if (options.mode == WriteMode::check_only) {
      fmt::print("{}", util::unified_diff(existing, file.text, "a/" + shown, "b/" + shown));
      std::fflush(stdout);
      fmt::print(stderr,
                 "{}: {}; run `refactor-ledger render` and commit the result\n",
                 shown,
                 exists ? "out of date" : "missing");
      stale = true;
      continue;
    }
    util::write_atomically(target, file.text);
    fmt::print("wrote {}\n", shown);
  }
  return stale ? ExitCode::negative : ExitCode::ok;
}

ExitCode
run_status(const GlobalOptions& global, const std::string& format_text)
{
  const OutputFormat format = output_format(format_text);
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  const model::Definitions& d = ledger.definitions();
  const Assessment assessment = assess(*ledger.db, d, ledger.paths.root);
  const model::ProgramMetrics m = rules::compute_metrics(d, assessment.statuses);
  std::map<int, const model::Phase*> phases;
  for (const model::Phase& p : d.phases) {
    phases.emplace(p.id, &p);
  }
  ordered_json j;
  j["id"] = d.program.name;
  j["repository"] = d.program.repository;
  j["progress"] = {{"closed", m.milestone_closed}, {"total", m.milestone_total}, {"percent", m.percent_complete}};
  if (m.current_phase) {
    j["current_phase"] = {{"id", *m.current_phase}, {"name", phases.at(*m.current_phase)->name}};
  } else {
    j["current_phase"] = nullptr;
  }
  j["next_milestone"] = m.next_milestone ? ordered_json(*m.next_milestone) : ordered_json(nullptr);
  j["in_progress_milestone"] = m.in_progress_milestone ? ordered_json(*m.in_progress_milestone) : ordered_json(nullptr);
  j["remaining_effort_hours"] = m.remaining_effort;
  j["deferred_effort_hours"] = m.deferred_effort;
  j["invariants"] = {{"total", m.invariant_total},
                     {"by_priority", counts_json<model::Priority>(m.invariants_by_priority)},
                     {"by_coverage", counts_json<model::Coverage>(m.invariants_by_coverage)},
                     {"by_status", counts_json<model::InvariantStatus>(m.invariants_by_status)},
                     {"p0_strong_percent", m.p0_strong_percent}};
  j["risks"] = {{"total", d.risks.size()}, {"by_status", counts_json<model::RiskStatus>(m.risks_by_status)}};
  int expired = 0;
  int unneeded = 0;
  for (const auto& [id, e] : assessment.evaluations) {
    expired += e.waiver_expired ? 1 : 0;
    unneeded += e.waiver_unneeded ? 1 : 0;
  }
  j["waivers"] = {{"expired", expired}, {"unneeded", unneeded}};
  j["deferrals"] = {{"total", d.deferrals.size()}, {"open", m.open_deferrals}, {"overdue", m.overdue_deferrals}};
  if (format != OutputFormat::table) {
    print_object(j, format);
    return ExitCode::ok;
  }
  auto counts = [](const ordered_json& object) {
    std::string out;
    for (auto it = object.begin(); it != object.end(); ++it) {
      if (it.value().get<int>() > 0) {
        out += fmt::format("{}{} {}", out.empty() ? "" : ", ", it.value().get<int>(), it.key());
      }
    }
    return out.empty() ? std::string("none") : out;
  };
  std::string next = "none";
  if (m.next_milestone) {
    const model::Milestone* it = model::find_milestone(d, *m.next_milestone);
    next = fmt::format("{} — {}", it->id, it->title);
  }
  fmt::print("{} ({})\n", d.program.name, d.program.repository);
  fmt::print(
    "progress:        {}/{} milestones complete ({}%)\n", m.milestone_closed, m.milestone_total, m.percent_complete);
  fmt::print("current phase:   {}\n",
             m.current_phase ? fmt::format("Phase {}: {}", *m.current_phase, phases.at(*m.current_phase)->name)
                             : std::string("none"));
  if (m.in_progress_milestone) {
    fmt::print("in progress:     {}\n", *m.in_progress_milestone);
  }
  fmt::print("next milestone:  {}\n", next);
  fmt::print("remaining:       {} h open, {} h deferred\n",
             report::cell_text(m.remaining_effort),
             report::cell_text(m.deferred_effort));
  fmt::print("invariants:      {} ({}); P0 strong coverage {}%\n",
             m.invariant_total,
             counts(j["invariants"]["by_priority"]),
             m.p0_strong_percent);
  fmt::print("invariant status: {}\n", counts(j["invariants"]["by_status"]));
  if (expired + unneeded > 0) {
    fmt::print("waivers:         {} expired, {} unneeded (see `why`)\n", expired, unneeded);
  }
  fmt::print("risks:           {} ({})\n", d.risks.size(), counts(j["risks"]["by_status"]));
  fmt::print("deferrals:       {} open, {} overdue\n", m.open_deferrals, m.overdue_deferrals);
  return ExitCode::ok;
}

ExitCode
run_invariants(const GlobalOptions& global, const InvariantFilter& filter, const std::string& format_text)
{
  const OutputFormat format = output_format(format_text);
  check_values<model::Priority>(filter.priority, "--priority");
  check_values<model::Coverage>(filter.coverage, "--coverage");
  check_values<model::InvariantStatus>(filter.status, "--status");
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  const model::Definitions& d = ledger.definitions();
  const Assessment assessment = assess(*ledger.db, d, ledger.paths.root);
  const LinkIndex links = rules::links_by_invariant(d);
  ordered_json rows = ordered_json::array();
  for (const model::Invariant& inv : d.invariants) {
    const model::Evaluation& evaluation = assessment.evaluations.at(inv.id);
    const model::InvariantStatus status = evaluation.status;
    if (!matches(filter.priority, text(inv.priority)) || !matches(filter.coverage, text(inv.coverage))
        || !matches(filter.category, inv.category) || !matches(filter.status, text(status))) {
      continue;
    }
    if (!filter.milestone.empty()) {
      bool linked = inv.recommendation && inv.recommendation->milestone
                    && matches(filter.milestone, inv.recommendation->milestone->id);
      if (const auto it = links.find(inv.id); it != links.end()) {
        for (const rules::InvariantLinkRef& l : it->second) {
          linked = linked || matches(filter.milestone, l.milestone);
        }
      }
      if (!linked) {
        continue;
      }
    }
    rows.push_back(invariant_json(inv, evaluation, links));
  }
  fmt::print("{}", report::format_records(rows, {"id", "priority", "coverage", "status", "category", "name"}, format));
  return ExitCode::ok;
}

ExitCode
run_milestones(const GlobalOptions& global, const MilestoneFilter& filter, const std::string& format_text)
{
  const OutputFormat format = output_format(format_text);
  check_values<model::MilestoneStatus>(filter.status, "--status");
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  const model::Definitions& d = ledger.definitions();
  const model::ProgramMetrics metrics = rules::compute_metrics(d);
  ordered_json rows = ordered_json::array();
  for (const model::Milestone& m : d.milestones) {
    if (!matches(filter.phase, std::stoi(m.phase.id)) || !matches(filter.status, text(m.status))) {
      continue;
    }
    rows.push_back(milestone_json(m, metrics));
  }
  fmt::print(
    "{}",
    report::format_records(rows, {"id", "phase", "status", "next", "effort_estimate", "depends_on", "title"}, format));
  return ExitCode::ok;
}

ExitCode
run_risks(const GlobalOptions& global, const RiskFilter& filter, const std::string& format_text)
{
  const OutputFormat format = output_format(format_text);
  check_values<model::Priority>(filter.priority, "--priority");
  check_values<model::RiskStatus>(filter.status, "--status");
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  const model::Definitions& d = ledger.definitions();
  ordered_json rows = ordered_json::array();
  for (const model::Risk& r : d.risks) {
    if (matches(filter.priority, text(r.priority)) && matches(filter.status, text(r.status))) {
      rows.push_back(risk_json(r));
    }
  }
  fmt::print("{}", report::format_records(rows, {"id", "priority", "status", "milestones", "title"}, format));
  return ExitCode::ok;
}

ExitCode
run_show(const GlobalOptions& global, const std::string& id, const std::string& format_text)
{
  const OutputFormat format = output_format(format_text);
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  const model::Definitions& d = ledger.definitions();
  const Assessment assessment = assess(*ledger.db, d, ledger.paths.root);
  const model::ProgramMetrics metrics = rules::compute_metrics(d, assessment.statuses);
  auto find = [&](const auto& list) {
    return std::find_if(list.begin(), list.end(), [&](const auto& x) { return x.id == id; });
  };
  ordered_json j;
  if (const auto inv = find(d.invariants); inv != d.invariants.end()) {
    j = with_kind("invariant", invariant_json(*inv, assessment.evaluations.at(id), rules::links_by_invariant(d)));
    ordered_json risks = ordered_json::array();
    for (const model::Risk& r : d.risks) {
      for (const model::Ref& ref : r.invariants) {
        if (ref.id == id) {
          risks.push_back(r.id);
        }
      }
    }
    j["risks"] = risks;
  } else if (const auto m = find(d.milestones); m != d.milestones.end()) {
    j = with_kind("milestone", milestone_json(*m, metrics));
    j["intent"] = m->intent;
    j["scope"] = {{"summary", m->scope_summary}, {"in", m->scope_in}, {"out", m->scope_out}, {"paths", m->scope_paths}};
    j["non_goals"] = m->non_goals;
    ordered_json deliverables = ordered_json::array();
    for (const model::Deliverable& dl : m->deliverables) {
      deliverables.push_back({{"text", dl.text}, {"path", dl.path}, {"done", dl.done}});
    }
    j["deliverables"] = deliverables;
    ordered_json gaps = ordered_json::array();
    for (const model::EvidenceGap& g : m->evidence_gaps) {
      gaps.push_back(
        {{"text", g.text}, {"deferred_to", g.deferred_to ? ordered_json(g.deferred_to->id) : ordered_json(nullptr)}});
    }
    j["evidence_gaps"] = gaps;
    j["outcome"] = m->outcome;
    ordered_json runs = ordered_json::array();
    for (const model::CiRun& r : m->ci_runs) {
      runs.push_back({{"number", r.number},
                      {"run_id", r.id ? ordered_json(*r.id) : ordered_json(nullptr)},
                      {"conclusion", text(r.conclusion)},
                      {"issue", r.issue},
                      {"fix", r.fix}});
    }
    j["ci_runs"] = runs;
    if (m->merge) {
      j["merge"] = {{"pr", m->merge->pr ? ordered_json(*m->merge->pr) : ordered_json(nullptr)},
                    {"repository", m->merge->repository},
                    {"commit", m->merge->commit}};
    }
    ordered_json risks = ordered_json::array();
    for (const model::Risk& r : d.risks) {
      for (const model::Ref& ref : r.milestones) {
        if (ref.id == id) {
          risks.push_back(r.id);
        }
      }
    }
    j["risks"] = risks;
    ordered_json deferrals = ordered_json::array();
    for (const model::DeferralState& s : metrics.deferrals) {
      if (s.deferral->discovered_in.id == id || (s.deferral->deferred_to && s.deferral->deferred_to->id == id)) {
        deferrals.push_back(s.deferral->id);
      }
    }
    j["deferrals"] = deferrals;
  } else if (const auto r = find(d.risks); r != d.risks.end()) {
    j = with_kind("risk", risk_json(*r));
  } else if (const auto x = std::find_if(metrics.deferrals.begin(),
                                         metrics.deferrals.end(),
                                         [&](const model::DeferralState& s) { return s.deferral->id == id; });
             x != metrics.deferrals.end()) {
    j = with_kind("deferral", deferral_json(*x));
  } else {
    throw util::UsageError(fmt::format("no milestone, invariant, risk or deferral has the id '{}'; list them with "
                                       "`refactor-ledger milestones`, `invariants` or `risks`",
                                       id));
  }
  print_object(j, format);
  return ExitCode::ok;
}

namespace {

// Text for a JSON string: invalid UTF-8 bytes become U+FFFD (the JSON writer
// escapes control characters itself).
std::string
valid_utf8(std::string_view text)
{
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

// Ends the process (exit 3, with the timeout error) when a query runs more
// than a second past its time limit. The progress handler stops a statement
// between two steps of SQLite's virtual machine; this catches a single step
// that runs for minutes (instr() or LIKE over long strings).
class QueryWatchdog
{
public:
  QueryWatchdog(double seconds, const util::InputError& error)
  {
    std::string message;
    for (const util::Diagnostic& d : error.diagnostics()) {
      message += util::format_diagnostic(d) + "\n";
    }
    const auto deadline =
      std::chrono::steady_clock::now()
      + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds + 1));
    m_thread = std::thread([this, deadline, message = std::move(message)] {
      std::unique_lock lock(m_mutex);
      if (!m_done.wait_until(lock, deadline, [this] { return m_finished; })) {
        std::fflush(stdout);
        std::fputs(message.c_str(), stderr);
        std::fflush(stderr);
        std::_Exit(static_cast<int>(ExitCode::input_error));
      }
    });
  }
  ~QueryWatchdog()
  {
    {
      const std::lock_guard lock(m_mutex);
      m_finished = true;
    }
    m_done.notify_one();
    m_thread.join();
  }
  QueryWatchdog(const QueryWatchdog&) = delete;
  QueryWatchdog& operator=(const QueryWatchdog&) = delete;

private:
  std::mutex m_mutex;
  std::condition_variable m_done;
  bool m_finished = false;
  std::thread m_thread;
};

store::QueryLimits
query_limits(const QueryOptions& options)
{
  if (!(options.timeout_seconds > 0) || !(options.timeout_seconds <= k_max_query_timeout_seconds)) {
    throw util::UsageError(fmt::format("invalid value '{}' for --timeout: give seconds, more than 0 and at most {:g}",
                                       options.timeout_seconds,
                                       k_max_query_timeout_seconds));
  }
  if (options.max_memory_mb < 1 || options.max_memory_mb > k_max_query_memory_mb) {
    throw util::UsageError(fmt::format(
      "invalid value '{}' for --max-memory: give MiB, from 1 to {}", options.max_memory_mb, k_max_query_memory_mb));
  }
  return {options.timeout_seconds, options.max_memory_mb << 20};
}

} // namespace

ExitCode
run_query(const GlobalOptions& global, const QueryOptions& options)
{
  const OutputFormat format = output_format(options.format);
  const store::QueryLimits limits = query_limits(options);
  // Before any connection opens: the memory limit needs SQLite's statistics.
  if (!store::keep_sqlite_memory_statistics()) {
    throw std::logic_error("SQLite was initialised before `query` could keep its memory statistics");
  }
  // Brings the ledger up to date first. On a read-only ledger it already is
  // the file opened read-only or an in-memory copy, which the query reads
  // (the copy with query_only on as the second guard); else the file is
  // opened again read-only.
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  std::optional<SQLite::Database> file;
  if (ledger.in_memory) {
    store::set_query_only(*ledger.db);
  } else if (!ledger.read_only) {
    const std::filesystem::path db_path = ledger.paths.db;
    ledger.db.reset();
    file.emplace(store::open_ledger_readonly(db_path));
  }
  SQLite::Database& db = file ? *file : *ledger.db;
  store::QueryResult result;
  {
    const QueryWatchdog watchdog(limits.timeout_seconds, store::timeout_error(limits));
    result = store::run_readonly_query(db, options.sql, limits);
  }

  const auto shown = [format](std::string_view text) {
    switch (format) {
    case OutputFormat::json:
      return valid_utf8(text);
    case OutputFormat::csv:
      return util::terminal_safe(text, "\t\n\r"); // CSV quoting carries them
    case OutputFormat::table:
      break;
    }
    return util::terminal_safe(text, ""); // a table cell keeps no control character
  };
  std::vector<std::string> columns;
  for (const std::string& name : result.columns) {
    columns.push_back(shown(name));
  }
  columns = store::distinct_column_names(columns); // escaping may have made two alike
  // One record at a time, straight to stdout: only the collected rows (which
  // --max-memory counts) are held, never a copy of them as JSON or text. A
  // table first measures its columns on every row.
  const auto record = [&](const std::vector<store::Cell>& row) {
    ordered_json object = ordered_json::object();
    for (std::size_t i = 0; i < row.size(); ++i) {
      std::visit(
        [&](auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            object[columns[i]] = nullptr;
          } else if constexpr (std::is_same_v<T, std::string>) {
            object[columns[i]] = shown(value);
          } else if constexpr (std::is_same_v<T, store::Blob>) {
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
  report::RecordStream out(columns, format, [](std::string_view text) { fmt::print("{}", text); });
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
  return ExitCode::ok;
}

} // namespace rl::app
