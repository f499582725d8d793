// close, approve, reopen, log and recover: the milestone closeout use cases.

#include "app/assess.hpp"
#include "app/audit.hpp"
#include "app/commands.hpp"
#include "app/git.hpp"
#include "app/journal.hpp"
#include "app/ledger.hpp"
#include "app/outputs.hpp"
#include "loader/loader.hpp"
#include "model/commit.hpp"
#include "model/gates.hpp"
#include "report/closeout_docs.hpp"
#include "report/records.hpp"
#include "rules/evaluate.hpp"
#include "rules/gates.hpp"
#include "rules/program_metrics.hpp"
#include "store/closeout_repo.hpp"
#include "store/definitions_repo.hpp"
#include "store/evidence_repo.hpp"
#include "util/date.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <set>

namespace rl::app {

namespace {

using nlohmann::ordered_json;
using report::OutputFormat;

constexpr std::size_t k_max_pattern_lines = 20;

// The milestone with `id`; a usage error naming the milestones when there is none.
const model::Milestone&
find_milestone(const model::Definitions& d, const std::string& id)
{
  if (const model::Milestone* m = model::find_milestone(d, id)) {
    return *m;
  }
  std::vector<std::string> ids;
  for (const model::Milestone& m : d.milestones) {
    ids.push_back(m.id);
  }
  throw util::UsageError(fmt::format("unknown milestone '{}'; milestones: {}", id, fmt::join(ids, ", ")));
}

std::vector<std::string>
split_nul(const std::string& text)
{
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\0', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    if (end > start) {
      out.push_back(text.substr(start, end - start));
    }
    start = end + 1;
  }
  return out;
}

std::optional<std::string>
resolve_commit(const std::filesystem::path& checkout, const std::string& rev)
{
  return git_output(checkout, {"rev-parse", "--verify", "-q", rev + "^{commit}"});
}

// The closing commit of the most recent close (by time) among the records.
std::string
previous_closing_commit(const std::vector<model::CloseoutRecord>& records, const std::string& except)
{
  const model::CloseoutEvent* latest = nullptr;
  for (const model::CloseoutRecord& r : records) {
    if (r.milestone == except) {
      continue;
    }
    for (const model::CloseoutEvent& e : r.events) {
      if (e.kind != model::CloseoutEventKind::reopen && (latest == nullptr || e.at > latest->at)) {
        latest = &e;
      }
    }
  }
  return latest == nullptr ? std::string() : latest->commit;
}

struct GitContext
{
  std::filesystem::path checkout;
  std::string relative_root; // the program root inside the checkout ('' when the same)
};

GitContext
git_context(const std::filesystem::path& root, const model::Program& program)
{
  GitContext g;
  g.checkout = (root / program.checkout).lexically_normal();
  const auto top = git_output(g.checkout, {"rev-parse", "--show-toplevel"});
  if (top) {
    g.checkout = std::filesystem::path(*top);
    std::error_code ec;
    const auto canonical_root = std::filesystem::weakly_canonical(root, ec);
    const std::string rel =
      canonical_root.lexically_relative(std::filesystem::weakly_canonical(g.checkout, ec)).generic_string();
    g.relative_root = rel == "." ? "" : rel;
  }
  return g;
}

rules::GateFacts
gather_facts(SQLite::Database& db,
             const std::filesystem::path& root,
             const model::Definitions& d,
             const std::vector<model::CloseoutRecord>& records,
             const model::Milestone& m,
             const model::EffectiveGates& gates,
             const CloseOptions& options,
             const Assessment& assessment,
             const std::vector<model::CiRunEvidence>& runs)
{
  rules::GateFacts f;
  const GitContext git = git_context(root, d.program);
  const std::string shown_checkout = util::display_path(git.checkout, root);
  if (!git_output(git.checkout, {"rev-parse", "--git-dir"})) {
    f.git_problem = fmt::format("{} is not a git checkout (program.yaml checkout: {}), or git is not "
                                "installed",
                                shown_checkout,
                                d.program.checkout);
  } else {
    const std::string rev = options.commit.empty() ? "HEAD" : options.commit;
    if (const auto commit = resolve_commit(git.checkout, rev)) {
      f.commit = *commit;
    } else {
      f.git_problem = fmt::format("closing commit '{}' is not a commit of {}", rev, shown_checkout);
    }
  }
  if (f.git_problem.empty()) {
    f.files_at_commit =
      split_nul(git_output(git.checkout, {"ls-tree", "-r", "-z", "--name-only", f.commit}).value_or(""));
    // The base of the scope diff, from the most specific source.
    std::string base = options.base;
    std::string from = "--base";
    if (base.empty()) {
      base = m.base_commit;
      from = m.origin.path + " base_commit";
    }
    if (base.empty()) {
      base = previous_closing_commit(records, m.id);
      from = "the previous closeout's commit";
    }
    if (base.empty()) {
      base = d.program.baseline_commit;
      from = "program.yaml baseline_commit";
    }
    if (base.empty()) {
      f.base_problem = "no base commit: no base_commit, no earlier closeout and no program baseline_commit";
    } else if (const auto resolved = resolve_commit(git.checkout, base)) {
      f.base_commit = *resolved;
      f.changed_files = split_nul(
        git_output(git.checkout, {"diff", "--name-only", "-z", "--no-renames", f.base_commit, f.commit}).value_or(""));
    } else {
      f.base_problem = fmt::format("base commit {} (from {}) is not in {}", base, from, shown_checkout);
    }
    const std::string prefix = git.relative_root.empty() ? "" : git.relative_root + "/";
    f.always_in_scope = {prefix + "milestones/**",
                         prefix + "invariants/**",
                         prefix + d.program.log_path,
                         prefix + d.program.toolcalls_path,
                         prefix + d.program.milestone_docs_path + "/**"};
    for (const model::PatternGate& p : gates.pattern_absent) {
      rules::PatternMatches matches;
      const GitResult grep =
        git_run(git.checkout, {"grep", "-n", "-I", "-E", "-e", p.pattern, f.commit, "--", ":(glob)" + p.files});
      if (grep.exit_code == 0) {
        std::size_t start = 0;
        while (start < grep.out.size()) {
          std::size_t end = grep.out.find('\n', start);
          if (end == std::string::npos) {
            end = grep.out.size();
          }
          std::string text = grep.out.substr(start, end - start);
          if (text.rfind(f.commit + ":", 0) == 0) {
            text = text.substr(f.commit.size() + 1);
          }
          if (matches.lines.size() < k_max_pattern_lines) {
            matches.lines.push_back(text.size() > 200 ? text.substr(0, 200) + "…" : text);
          }
          ++matches.count;
          start = end + 1;
        }
      } else if (grep.exit_code != 1) {
        matches.count = 1;
        matches.lines.push_back(
          fmt::format("git grep failed (exit {}): check the pattern and the glob", grep.exit_code));
      }
      f.patterns.push_back(std::move(matches));
    }
  }
  f.ci_runs = runs;
  if (!f.commit.empty()) {
    f.metrics_at_commit = store::metrics_at_commit(db, f.commit);
  }
  f.approvals = store::approvals(db, m.id);
  f.statuses = assessment.statuses;
  for (const auto& [id, e] : assessment.evaluations) {
    f.reasons[id] = e.reasons;
  }
  return f;
}

ordered_json
gates_json(const std::vector<model::GateResult>& gates)
{
  ordered_json rows = ordered_json::array();
  for (const model::GateResult& g : gates) {
    rows.push_back({{"gate", g.gate},
                    {"result", g.outcome == model::GateOutcome::passed ? "pass" : "FAIL"},
                    {"reason", g.reason},
                    {"action", g.action},
                    {"evidence", g.evidence}});
  }
  return rows;
}

void
print_gates(const std::vector<model::GateResult>& gates, OutputFormat format)
{
  if (format != OutputFormat::table) {
    fmt::print("{}", report::format_records(gates_json(gates), {"gate", "result", "reason", "action"}, format));
    return;
  }
  fmt::print("{}", report::format_records(gates_json(gates), {"gate", "result", "reason"}, format));
  for (const model::GateResult& g : gates) {
    if (g.outcome == model::GateOutcome::failed) {
      fmt::print("\n{}: {}\n", g.gate, g.reason);
      for (const std::string& e : g.evidence) {
        fmt::print("  - {}\n", e);
      }
      fmt::print("  what to do: {}\n", g.action);
    }
  }
}

std::optional<model::ScoreRow>
score_from_options(const model::Definitions& d,
                   const model::Milestone& m,
                   const std::vector<std::string>& scores,
                   const std::string& date)
{
  if (scores.empty()) {
    if (m.score) {
      return m.score;
    }
    return std::nullopt;
  }
  model::ScoreRow row;
  row.date = date;
  row.label = m.id;
  for (const std::string& item : scores) {
    const std::size_t eq = item.find('=');
    const std::string dim = item.substr(0, eq);
    const auto it = std::find_if(d.dimensions.begin(), d.dimensions.end(), [&](const auto& x) { return x.id == dim; });
    if (eq == std::string::npos || it == d.dimensions.end()) {
      std::vector<std::string> known;
      for (const model::ScoreDimension& x : d.dimensions) {
        known.push_back(x.id);
      }
      throw util::UsageError(
        fmt::format("--score '{}' must be DIM=VALUE with DIM one of: {}", item, fmt::join(known, ", ")));
    }
    const std::string text = item.substr(eq + 1);
    model::ScoreValue v;
    v.dimension.id = dim;
    if (it->kind == model::ScoreKind::numeric) {
      double value = 0;
      const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || ptr != text.data() + text.size() || value < 0 || value > it->max) {
        throw util::UsageError(fmt::format("--score {}: '{}' must be a number from 0 to {}", dim, text, it->max));
      }
      v.number = value;
    } else {
      v.text = text;
    }
    row.values.push_back(std::move(v));
  }
  return row;
}

// The audit entries not yet carried by any closeout record.
std::vector<model::AuditEntry>
uncarried_entries(SQLite::Database& db, const std::vector<model::CloseoutRecord>& records)
{
  std::set<std::string> carried;
  for (const model::CloseoutRecord& r : records) {
    for (const model::CloseoutEvent& e : r.events) {
      for (const model::AuditEntry& a : e.log) {
        carried.insert(a.id);
      }
    }
  }
  std::vector<model::AuditEntry> out;
  for (model::AuditEntry& a : store::audit_entries(db)) {
    if (carried.count(a.id) == 0) {
      out.push_back(std::move(a));
    }
  }
  return out;
}

// What the closeout documents show of the rest of the program, as it stands
// now: they never change afterwards. (The score trend and the cumulative
// deferral registry are gathered from the records up to this closeout.)
void
freeze_context(const model::Definitions& d, const model::Milestone& m, model::CloseoutEvent& event)
{
  // The next milestone: the first open one after `m`, `m` counted as closed.
  bool after = false;
  for (const model::Milestone& x : d.milestones) {
    if (after && x.status != model::MilestoneStatus::closed && x.status != model::MilestoneStatus::cancelled) {
      event.next_milestone = x.id + " — " + x.title;
      break;
    }
    after = after || x.id == m.id;
  }
  // The deferrals this milestone found or was due to settle, as they stand:
  // the audit's cumulative registry gathers them from every closeout so far.
  for (const model::Deferral& x : d.deferrals) {
    if (x.discovered_in.id == m.id || (x.deferred_to && x.deferred_to->id == m.id)) {
      event.registry.push_back({x.id,
                                x.what,
                                x.discovered_in.id,
                                x.deferred_to ? x.deferred_to->id : "",
                                std::string(model::to_string(x.status)),
                                x.blocker});
    }
  }
}

struct Committed
{
  std::vector<std::string> written;
};

// Writes `records` and every output they change as one unit (the first
// record is the commit point), then makes the database match (definitions,
// records, audit log) in one transaction.
Committed
commit_records(Ledger& ledger,
               const std::vector<model::CloseoutRecord>& records,
               const std::vector<model::CloseoutRecord>& before)
{
  // Every close and reopen writes under this lock, from here through the
  // database update: two of them never interleave.
  const WriteLock lock(write_lock_path(ledger.paths));
  // Another close or reopen may have written since this one read the ledger
  // (its gates were evaluated without the lock): the records on disk must be
  // the ones this command started from, else it writes nothing.
  for (const model::CloseoutRecord& r : records) {
    const std::filesystem::path file = ledger.paths.root / model::record_path(r.milestone);
    const model::CloseoutRecord* old = model::find_record(before, r.milestone);
    const std::string expected = old == nullptr ? std::string() : model::format_record(*old);
    const std::string actual = std::filesystem::exists(file) ? util::read_text(file) : std::string();
    if (actual == expected) {
      continue;
    }
    model::RecordParseError error;
    const std::optional<model::CloseoutRecord> now = model::parse_record(actual, error);
    if (now && now->closed() && now->last_close() != nullptr) {
      const model::CloseoutEvent& e = *now->last_close();
      throw util::UsageError(fmt::format("{} was closed meanwhile by another refactor-ledger ({} at {} by {}); "
                                         "nothing was written: see `refactor-ledger log --milestone {}`",
                                         r.milestone,
                                         e.date,
                                         model::short_commit(e.commit),
                                         e.by,
                                         r.milestone));
    }
    if (now && !now->events.empty() && !now->closed()) {
      throw util::UsageError(fmt::format("{} was reopened meanwhile by another refactor-ledger ({} by {}); "
                                         "nothing was written: see `refactor-ledger log --milestone {}`",
                                         r.milestone,
                                         now->events.back().date,
                                         now->events.back().by,
                                         r.milestone));
    }
    throw util::StoreError(fmt::format("{} changed while this command ran; nothing was written: check the file "
                                       "and run the command again",
                                       model::record_path(r.milestone)));
  }
  std::vector<FileWrite> files;
  for (const model::CloseoutRecord& r : records) {
    files.push_back({model::record_path(r.milestone), model::format_record(r)});
  }
  // The program as it will be: the current files with the new records.
  std::vector<loader::SourceText> sources;
  for (const store::SourceStamp& s : scan_sources(ledger.paths.root)) {
    if (std::none_of(files.begin(), files.end(), [&](const FileWrite& f) { return f.path == s.path; })) {
      sources.push_back({s.path, util::read_text(ledger.paths.root / s.path)});
    }
  }
  for (const FileWrite& f : files) {
    sources.push_back({f.path, f.text});
  }
  util::DiagnosticSink sink;
  loader::LoadedProgram next = loader::load_program(sources, sink);
  sink.throw_if_errors();
  next.definitions = store::as_stored(std::move(next.definitions));

  for (report::RenderedFile& f : render_outputs(next.definitions, next.records)) {
    const std::filesystem::path target = output_target(ledger.paths.root, next.definitions.program, f.path);
    if (!std::filesystem::exists(target) || util::read_text(target) != f.text) {
      files.push_back({f.path, std::move(f.text)});
    }
  }
  commit_files(ledger.paths.root, journal_path(ledger.paths), files);
  fault_point("before-database");
  std::vector<model::AuditEntry> log;
  for (const model::CloseoutRecord& r : records) {
    for (const model::CloseoutEvent& e : r.events) {
      log.insert(log.end(), e.log.begin(), e.log.end());
    }
  }
  store::replace_definitions(*ledger.db, next.definitions, scan_sources(ledger.paths.root), next.records, log);
  Committed out;
  for (const FileWrite& f : files) {
    out.written.push_back(f.path);
  }
  return out;
}

void
print_written(const std::string& headline, const Committed& c, const std::string& format, ordered_json j)
{
  if (output_format(format) == OutputFormat::table) {
    fmt::print("{}\n", headline);
    for (const std::string& w : c.written) {
      fmt::print("  wrote {}\n", w);
    }
    return;
  }
  j["written"] = c.written;
  fmt::print("{}\n", j.dump(2));
}

} // namespace

namespace {

// The closing event of `m` after its gates passed (or, adopting, without
// them): everything the record keeps.
model::CloseoutEvent
closing_event(const GlobalOptions& global,
              Ledger& ledger,
              const model::Definitions& d,
              const model::Milestone& m,
              const Assessment& assessment,
              const std::vector<model::CiRunEvidence>& runs,
              const CloseOptions& options,
              model::CloseoutEvent event)
{
  event.definition = model::definition_json(m);
  // Invariants in scope, and every one with something to say: the others are
  // unverified, which is what the living log assumes for an absent one.
  for (const model::Invariant& inv : d.invariants) {
    const auto it = assessment.evaluations.find(inv.id);
    const bool in_scope =
      std::any_of(m.invariants.begin(), m.invariants.end(), [&](const auto& l) { return l.invariant.id == inv.id; });
    if (it != assessment.evaluations.end()
        && (in_scope || it->second.status != model::InvariantStatus::unverified || it->second.waiver_expired
            || it->second.waiver_unneeded)) {
      event.invariants.push_back(rules::snapshot_of(inv.id, it->second));
      event.invariants.back().name = inv.name;
    }
  }
  for (const model::CiRun& r : m.ci_runs) {
    const auto run = std::find_if(runs.begin(), runs.end(), [&](const auto& x) { return r.id && x.run_id == *r.id; });
    if (run != runs.end()) {
      event.ci_runs.push_back(*run);
    }
  }
  event.approvals = store::approvals(*ledger.db, m.id);
  event.score = score_from_options(d, m, options.scores, event.date);
  for (const model::Deferral& x : d.deferrals) {
    if (x.discovered_in.id == m.id) {
      event.deferrals.push_back(x.id);
    }
  }
  for (const model::Risk& r : d.risks) {
    for (const model::RiskChange& c : r.history) {
      if (c.milestone && c.milestone->id == m.id) {
        event.risks.push_back({r.id, std::string(model::to_string(c.status)), c.note});
      }
    }
  }
  freeze_context(d, m, event);
  event.artifacts = report::closeout_document_paths(d.program, m.id);
  event.artifacts.insert(event.artifacts.end(), options.artifacts.begin(), options.artifacts.end());
  event.log.push_back(make_entry(
    global,
    ledger.paths.root,
    options.adopt ? "adopt" : "close",
    m.id,
    options.adopt
      ? fmt::format("{} recorded as closed {} at {} (gates not evaluated)", m.id, event.date, event.commit)
      : fmt::format("{} closed at {}: {} gates passed", m.id, model::short_commit(event.commit), event.gates.size()),
    options.by));
  return event;
}

} // namespace

ExitCode
run_close(const GlobalOptions& global, const std::vector<std::string>& ids, const CloseOptions& options)
{
  const OutputFormat format = output_format(options.format);
  if (ids.size() > 1 && !options.adopt) {
    throw util::UsageError("close takes one milestone (several only with --adopt)");
  }
  if (!options.date.empty() && !util::parse_date(options.date)) {
    throw util::UsageError(fmt::format("--date '{}' is not a date: write YYYY-MM-DD, e.g. 2026-02-08", options.date));
  }
  if (options.adopt) {
    if (options.commit.empty() || options.date.empty()) {
      throw util::UsageError("close --adopt records a milestone closed before the ledger existed: pass "
                             "--commit SHA (its closing commit) and --date YYYY-MM-DD");
    }
    if (options.commit.size() < 7 || options.commit.size() > 40
        || options.commit.find_first_not_of("0123456789abcdef") != std::string::npos) {
      throw util::UsageError(
        fmt::format("--commit '{}' is not a commit SHA: 7 to 40 lower-case hex digits", options.commit));
    }
    if (options.dry_run) {
      throw util::UsageError("close --adopt evaluates no gates: there is nothing to --dry-run");
    }
  }
  // --dry-run writes nothing: it works on a read-only ledger too.
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, options.dry_run ? Access::read : Access::write);
  const model::Definitions& d = ledger.definitions();
  const std::vector<model::CloseoutRecord> records = store::read_records(*ledger.db);
  for (const std::string& id : ids) {
    find_milestone(d, id);
    const model::CloseoutRecord* existing = model::find_record(records, id);
    if (existing != nullptr && existing->closed()) {
      const model::CloseoutEvent& e = *existing->last_close();
      throw util::UsageError(fmt::format("{} is already closed ({} at {}); to change it, reopen it first: "
                                         "refactor-ledger reopen {} --reason TEXT",
                                         id,
                                         e.date,
                                         model::short_commit(e.commit),
                                         id));
    }
  }
  const std::string now = current_time();
  const Assessment assessment = assess(*ledger.db, d, ledger.paths.root);
  const std::vector<model::CiRunEvidence> runs = store::ci_runs(*ledger.db);

  std::vector<model::CloseoutRecord> changed;
  for (const std::string& id : ids) {
    const model::Milestone& m = find_milestone(d, id);
    model::CloseoutEvent event;
    event.date = options.date.empty() ? now.substr(0, 10) : options.date;
    event.at = now;
    event.by = options.by.empty() ? os_user() : options.by;
    event.verdict = options.verdict;
    event.reason = options.reason;
    if (options.adopt) {
      event.kind = model::CloseoutEventKind::adopt;
      event.commit = options.commit;
    } else {
      const model::EffectiveGates gates = model::effective_gates(d.program.gates, m.gates);
      const rules::GateFacts facts =
        gather_facts(*ledger.db, ledger.paths.root, d, records, m, gates, options, assessment, runs);
      event.gates = rules::evaluate_gates(d, m, gates, facts);
      event.commit = facts.commit;
      event.base_commit = facts.base_commit;
      const auto failed = std::count_if(
        event.gates.begin(), event.gates.end(), [](const auto& g) { return g.outcome == model::GateOutcome::failed; });
      if (format == OutputFormat::table) {
        fmt::print("{} gates at {}:\n", id, facts.commit.empty() ? "(no commit)" : model::short_commit(facts.commit));
        print_gates(event.gates, format);
      } else if (options.dry_run || failed > 0) {
        print_gates(event.gates, format);
      }
      if (options.dry_run) {
        if (format == OutputFormat::table) {
          fmt::print("\n{}: {} of {} gates pass{}\n",
                     id,
                     event.gates.size() - static_cast<std::size_t>(failed),
                     event.gates.size(),
                     failed > 0 ? "; close would refuse" : "; close would succeed");
        }
        return failed > 0 ? ExitCode::negative : ExitCode::ok;
      }
      if (failed > 0) {
        fmt::print(stderr,
                   "refactor-ledger: {} not closed: {} of {} gates failed (above); nothing was changed\n",
                   id,
                   failed,
                   event.gates.size());
        return ExitCode::negative;
      }
    }
    // The entries since the last closeout travel with the first record.
    if (changed.empty()) {
      event.log = uncarried_entries(*ledger.db, records);
    }
    const model::CloseoutRecord* existing = model::find_record(records, id);
    model::CloseoutRecord record = existing != nullptr ? *existing : model::CloseoutRecord{id, {}, {}};
    record.events.push_back(closing_event(global, ledger, d, m, assessment, runs, options, std::move(event)));
    changed.push_back(std::move(record));
  }
  const Committed c = commit_records(ledger, changed, records);
  const model::CloseoutEvent& e = changed.front().events.back();
  print_written(
    fmt::format("closed {} ({}, commit {}){}",
                fmt::join(ids, ", "),
                e.date,
                model::short_commit(e.commit),
                options.adopt ? "; adopted without gate evaluation" : ""),
    c,
    options.format,
    {{"milestones", ids}, {"result", options.adopt ? "adopted" : "closed"}, {"date", e.date}, {"commit", e.commit}});
  return ExitCode::ok;
}

ExitCode
run_approve(const GlobalOptions& global,
            const std::string& id,
            const std::string& gate,
            const std::string& by,
            const std::string& note,
            const std::string& format_text)
{
  const OutputFormat format = output_format(format_text);
  if (by.empty()) {
    throw util::UsageError("approve needs --by NAME: the person who signs off");
  }
  Ledger ledger = open_current(global);
  const model::Definitions& d = ledger.definitions();
  const model::Milestone& m = find_milestone(d, id);
  if (m.status == model::MilestoneStatus::closed) {
    throw util::UsageError(fmt::format("{} is closed: approvals are recorded before the closeout", id));
  }
  const model::EffectiveGates gates = model::effective_gates(d.program.gates, m.gates);
  if (std::find(gates.approvals.begin(), gates.approvals.end(), gate) == gates.approvals.end()) {
    throw util::UsageError(
      gates.approvals.empty()
        ? fmt::format("{} requires no approvals (its gates.approvals is empty)", id)
        : fmt::format(
          "'{}' is not an approval {} requires; it requires: {}", gate, id, fmt::join(gates.approvals, ", ")));
  }
  const model::Approval approval{id, gate, by, note, current_time(), head_commit(ledger.paths.root)};
  store::add_approval(*ledger.db,
                      approval,
                      make_entry(global,
                                 ledger.paths.root,
                                 "approve",
                                 id,
                                 fmt::format("{} approved by {}{}", gate, by, note.empty() ? "" : ": " + note),
                                 by));
  if (format == OutputFormat::table) {
    fmt::print("approved {} {} by {} at {}\n", id, gate, by, approval.at);
  } else {
    fmt::print(
      "{}\n",
      ordered_json{{"milestone", id}, {"approval", gate}, {"by", by}, {"note", note}, {"at", approval.at}}.dump(2));
  }
  return ExitCode::ok;
}

ExitCode
run_reopen(const GlobalOptions& global,
           const std::string& id,
           const std::string& reason,
           const std::string& by,
           const std::string& format)
{
  output_format(format);
  if (reason.find_first_not_of(" \t\n") == std::string::npos) {
    throw util::UsageError("reopen needs --reason TEXT: why the closed milestone must change (it is recorded)");
  }
  Ledger ledger = open_current(global);
  const model::Definitions& d = ledger.definitions();
  const std::vector<model::CloseoutRecord> records = store::read_records(*ledger.db);
  find_milestone(d, id);
  const model::CloseoutRecord* existing = model::find_record(records, id);
  if (existing == nullptr || !existing->closed()) {
    throw util::UsageError(fmt::format("{} is not closed: there is nothing to reopen", id));
  }
  model::CloseoutEvent event;
  event.kind = model::CloseoutEventKind::reopen;
  event.at = current_time();
  event.date = event.at.substr(0, 10);
  event.by = by.empty() ? os_user() : by;
  event.reason = reason;
  event.log = uncarried_entries(*ledger.db, records);
  event.log.push_back(make_entry(global, ledger.paths.root, "reopen", id, "reopened: " + reason, by));
  model::CloseoutRecord record = *existing;
  record.events.push_back(std::move(event));
  const Committed c = commit_records(ledger, {record}, records);
  print_written(fmt::format("reopened {}: its definition may change; close it again with "
                            "`refactor-ledger close {}`",
                            id,
                            id),
                c,
                format,
                {{"milestone", id}, {"result", "reopened"}, {"reason", reason}});
  return ExitCode::ok;
}

ExitCode
run_log(const GlobalOptions& global, const LogOptions& options)
{
  const OutputFormat format = output_format(options.format);
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  const std::vector<model::AuditEntry> entries =
    store::audit_entries(*ledger.db, {options.milestone, options.action, options.since, options.limit});
  ordered_json rows = ordered_json::array();
  for (const model::AuditEntry& e : entries) {
    rows.push_back(ordered_json::parse(model::audit_entry_json(e)));
  }
  fmt::print("{}",
             report::format_records(
               rows,
               format == OutputFormat::table
                 ? std::vector<std::string>{"at", "user", "action", "milestone", "summary"}
                 : std::vector<std::string>{"id", "at", "user", "action", "milestone", "command", "commit", "summary"},
               format));
  return ExitCode::ok;
}

ExitCode
run_recover(const GlobalOptions& global, const std::string& format_text)
{
  const OutputFormat format = output_format(format_text);
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  const model::Definitions& d = ledger.definitions();
  const std::vector<model::CloseoutRecord> records = store::read_records(*ledger.db);
  const Assessment assessment = assess(*ledger.db, d, ledger.paths.root);
  const model::ProgramMetrics metrics = rules::compute_metrics(d, assessment.statuses);
  const std::vector<model::AuditEntry> last = store::audit_entries(*ledger.db, {"", "", "", 1});

  ordered_json j;
  j["last_action"] = last.empty() ? ordered_json(nullptr)
                                  : ordered_json{{"at", last[0].at},
                                                 {"user", last[0].user},
                                                 {"action", last[0].action},
                                                 {"milestone", last[0].milestone},
                                                 {"summary", last[0].summary}};
  j["progress"] = {
    {"closed", metrics.milestone_closed},
    {"total", metrics.milestone_total},
    {"percent", metrics.percent_complete},
    {"current_phase", metrics.current_phase ? ordered_json(*metrics.current_phase) : ordered_json(nullptr)},
    {"complete", metrics.program_complete}};
  const std::optional<std::string> next =
    metrics.in_progress_milestone ? metrics.in_progress_milestone : metrics.next_milestone;
  std::vector<model::GateResult> open_gates;
  if (next) {
    const model::Milestone& m = find_milestone(d, *next);
    const model::EffectiveGates gates = model::effective_gates(d.program.gates, m.gates);
    const rules::GateFacts facts = gather_facts(
      *ledger.db, ledger.paths.root, d, records, m, gates, CloseOptions{}, assessment, store::ci_runs(*ledger.db));
    for (model::GateResult& g : rules::evaluate_gates(d, m, gates, facts)) {
      if (g.outcome == model::GateOutcome::failed) {
        open_gates.push_back(std::move(g));
      }
    }
    j["next"] = {{"milestone", m.id}, {"title", m.title}, {"open_gates", gates_json(open_gates)}};
  } else {
    j["next"] = nullptr;
  }
  if (format != OutputFormat::table) {
    fmt::print("{}\n", j.dump(2));
    return ExitCode::ok;
  }
  fmt::print("Last recorded action: {}\n",
             last.empty() ? "none"
                          : fmt::format("{} {} by {}{}: {}",
                                        last[0].at,
                                        last[0].action,
                                        last[0].user,
                                        last[0].milestone.empty() ? "" : " (" + last[0].milestone + ")",
                                        last[0].summary));
  fmt::print("Completion: {}/{} milestones closed ({}%){}\n",
             metrics.milestone_closed,
             metrics.milestone_total,
             metrics.percent_complete,
             metrics.current_phase ? fmt::format("; current phase {}", *metrics.current_phase) : "");
  if (!next) {
    fmt::print("Next planned action: none; the program is complete\n");
    return ExitCode::ok;
  }
  const model::Milestone& m = find_milestone(d, *next);
  if (open_gates.empty()) {
    fmt::print(
      "Next planned action: close {} — {}; every gate passes (refactor-ledger close {})\n", m.id, m.title, m.id);
  } else {
    fmt::print("Next planned action: {} — {}; {} gates still open:\n", m.id, m.title, open_gates.size());
    for (const model::GateResult& g : open_gates) {
      fmt::print("  - {}: {}\n    what to do: {}\n", g.gate, g.reason, g.action);
    }
  }
  return ExitCode::ok;
}

} // namespace rl::app
