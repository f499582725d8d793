#include "app/close.hpp"

#include "app/assess.hpp"
#include "app/audit.hpp"
#include "app/closeout_support.hpp"
#include "app/git.hpp"
#include "app/ledger.hpp"
#include "app/outputs.hpp"
#include "loader/loader.hpp"
#include "model/commit.hpp"
#include "model/gates.hpp"
#include "report/closeout_docs.hpp"
#include "rules/evaluate.hpp"
#include "rules/gates.hpp"
#include "store/closeout_repo.hpp"
#include "store/evidence_repo.hpp"
#include "util/date.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>

namespace rl::app {

namespace {

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
    const model::ScoreDimension& dimension = score_dimension(d, item);
    const std::string text = item.substr(item.find('=') + 1);
    model::ScoreValue v;
    v.dimension.id = dimension.id;
    if (dimension.kind == model::ScoreKind::numeric) {
      double value = 0;
      const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || ptr != text.data() + text.size() || value < 0 || value > dimension.max) {
        throw util::UsageError(
          fmt::format("--score {}: '{}' must be a number from 0 to {}", dimension.id, text, dimension.max));
      }
      v.number = value;
    } else {
      v.text = text;
    }
    row.values.push_back(std::move(v));
  }
  return row;
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
  // The deferrals this milestone found, was due to settle or changed (an
  // event of their history names it), as they stand: the audit's cumulative
  // registry gathers them from every closeout so far.
  for (const model::Deferral& x : d.deferrals) {
    if (x.touches(m.id)) {
      event.registry.push_back(
        {x.id, x.what, x.discovered_in.id, x.target(), std::string(model::to_string(x.status)), x.blocker});
    }
  }
}

// The close records HEAD: say so when the working tree has changes HEAD does
// not hold, outside the ledger's own files (which the close writes itself).
void
warn_uncommitted(const GlobalOptions& global, const std::filesystem::path& root, const model::Program& program)
{
  std::vector<std::string> args{"status", "--porcelain", "-z"};
  const std::vector<std::string> pathspec = pathspec_excluding(ledger_own_paths(program));
  args.insert(args.end(), pathspec.begin(), pathspec.end());
  const std::optional<std::string> status = git_output(root, args);
  if (!status) {
    return; // not a git checkout: the gates say so
  }
  // "XY path" NUL, and for a rename or copy the original path NUL after it
  std::vector<std::string> files;
  std::size_t start = 0;
  while (start + 3 < status->size()) {
    const std::size_t end = std::min(status->find('\0', start), status->size());
    const char x = (*status)[start];
    files.push_back(status->substr(start + 3, end - start - 3));
    start = end + 1;
    if (x == 'R' || x == 'C') {
      start = std::min(status->find('\0', start), status->size()) + 1;
    }
  }
  if (files.empty()) {
    return;
  }
  constexpr std::size_t k_shown = 3;
  std::vector<std::string> shown(files.begin(),
                                 files.begin() + static_cast<std::ptrdiff_t>(std::min(files.size(), k_shown)));
  if (files.size() > k_shown) {
    shown.emplace_back("…");
  }
  util::Diagnostic warning;
  warning.severity = util::Severity::warning;
  warning.message = fmt::format("{} {} uncommitted changes outside the ledger's files ({}); the closeout records "
                                "HEAD, without them: commit them first if they belong to the milestone",
                                files.size(),
                                files.size() == 1 ? "file has" : "files have",
                                fmt::join(shown, ", "));
  global.output().err(util::format_diagnostic(warning, global.output().colors_err()) + "\n");
}

// Each --artifact must name a file inside the program root; with --adopt it
// may name a document that is not in this repository (kept without a digest).
void
check_artifacts(const std::filesystem::path& root, const CloseOptions& options)
{
  for (const std::string& path : options.artifacts) {
    if (const std::string problem = util::relative_path_problem(path); !problem.empty()) {
      throw util::UsageError(fmt::format("--artifact '{}': {}", path, problem));
    }
    std::error_code ec;
    const std::filesystem::path file = root / path;
    const bool present = std::filesystem::is_regular_file(file, ec);
    if (present && !util::resolves_inside(root, file)) {
      throw util::UsageError(fmt::format(
        "--artifact '{}' resolves outside the program root (a symlink): attach files of the program", path));
    }
    if (!present && !options.adopt) {
      throw util::UsageError(fmt::format("--artifact '{}' is not a file of the program root ({}): attach a report the "
                                         "milestone produced, committed with it",
                                         path,
                                         root.generic_string()));
    }
  }
}

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
  for (const std::string& path : options.artifacts) {
    event.artifacts.push_back(path);
    std::error_code ec;
    const std::filesystem::path file = ledger.paths.root / path;
    if (std::filesystem::is_regular_file(file, ec) && util::resolves_inside(ledger.paths.root, file)) {
      event.digests.emplace_back(path, util::sha256_file(file));
    }
  }
  event.log.push_back(make_entry(
    global,
    ledger.paths.root,
    options.adopt ? "adopt" : "close",
    m.id,
    options.adopt
      ? fmt::format("{} recorded as closed {} at {} (gates not evaluated)", m.id, event.date, event.commit)
      : fmt::format("{} closed at {}: {}", m.id, model::short_commit(event.commit), model::gate_tally(event.gates)),
    options.by));
  return event;
}

} // namespace

const model::ScoreDimension&
score_dimension(const model::Definitions& d, const std::string& item)
{
  const std::size_t eq = item.find('=');
  const std::string dim = item.substr(0, eq);
  const auto it = std::find_if(d.dimensions.begin(), d.dimensions.end(), [&](const auto& x) { return x.id == dim; });
  if (eq != std::string::npos && it != d.dimensions.end()) {
    return *it;
  }
  if (d.dimensions.empty()) {
    throw util::UsageError(fmt::format("--score '{}': the program declares no score dimensions; declare them under "
                                       "'scores:' in milestones/program.yaml (each with id, name, kind, max), or "
                                       "leave --score out",
                                       item));
  }
  std::vector<std::string> known;
  known.reserve(d.dimensions.size());
  for (const model::ScoreDimension& x : d.dimensions) {
    known.push_back(x.id);
  }
  if (eq == std::string::npos) {
    throw util::UsageError(fmt::format("--score '{}' must be DIM=VALUE, e.g. --score {}=8; dimensions: {}",
                                       item,
                                       known.front(),
                                       fmt::join(known, ", ")));
  }
  throw util::UsageError(fmt::format(
    "--score '{}': the program has no score dimension '{}'; dimensions: {}", item, dim, fmt::join(known, ", ")));
}

model::CloseResult
run_close(const GlobalOptions& global, const std::vector<std::string>& ids, const CloseOptions& options)
{
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
  if (!options.edits.empty() && (options.adopt || ids.size() > 1)) {
    throw util::UsageError("--resolve, --mitigate and --defer are the edits of one milestone's closeout; with "
                           "--adopt, edit the YAML files by hand");
  }
  // --dry-run writes nothing: it works on a read-only ledger too.
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, options.dry_run ? Access::read : Access::write);
  const model::Timestamp now = time_option(options.at, current_time(), ledger.definitions().program.start);
  // The closeout edits, in the YAML text; the gates and the record see the
  // program as they leave it, and they are written with the record.
  std::vector<FileWrite> yaml_edits;
  std::optional<model::Definitions> edited;
  if (!options.edits.empty()) {
    yaml_edits = closeout_edits(ledger.paths.root,
                                ledger.definitions(),
                                ids.front(),
                                options.date.empty() ? now.date() : options.date,
                                options.edits);
    std::vector<loader::SourceText> sources;
    for (const store::SourceStamp& s : scan_sources(ledger.paths.root)) {
      const auto e =
        std::find_if(yaml_edits.begin(), yaml_edits.end(), [&](const auto& f) { return f.path == s.path; });
      sources.push_back({s.path, e != yaml_edits.end() ? e->text : util::read_text(ledger.paths.root / s.path)});
    }
    util::DiagnosticSink sink;
    edited = loader::load_program(sources, sink).definitions;
    sink.throw_if_errors();
  }
  const model::Definitions& d = edited ? *edited : ledger.definitions();
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
  check_artifacts(ledger.paths.root, options);
  // --score is checked before the gates: a dry run says a mistake too.
  score_from_options(d, find_milestone(d, ids.front()), options.scores, {});
  if (!options.dry_run && !options.adopt && options.commit.empty()) {
    warn_uncommitted(global, ledger.paths.root, d.program);
  }
  std::int64_t seq = model::next_seq(records);
  const Assessment assessment = assess(*ledger.db, d, ledger.paths.root);
  const std::vector<model::CiRunEvidence> runs = store::ci_runs(*ledger.db);

  model::CloseResult result;
  result.milestones = ids;
  result.repo_prefix = repo_prefix(ledger.paths.root);
  std::vector<model::CloseoutRecord> changed;
  for (const std::string& id : ids) {
    const model::Milestone& m = find_milestone(d, id);
    model::CloseoutEvent event;
    event.date = options.date.empty() ? now.date() : options.date;
    event.at = now.text();
    event.by = options.by.empty() ? os_user() : options.by;
    event.verdict = options.verdict;
    event.reason = options.reason;
    event.seq = seq++;
    if (options.adopt) {
      event.kind = model::CloseoutEventKind::adopt;
      event.commit = options.commit;
    } else {
      const model::EffectiveGates gates = model::effective_gates(d.program.gates, m.gates);
      rules::GateFacts facts = gather_facts(
        *ledger.db, ledger.paths.root, d, records, m, gates, {options.commit, options.base}, assessment, runs);
      facts.date = event.date;
      event.gates = rules::evaluate_gates(d, m, gates, facts);
      event.commit = facts.commit;
      event.base_commit = facts.base_commit;
      result.evaluated.push_back({id, facts.commit, event.gates, m.origin});
      const bool failed = result.evaluated.back().failed() > 0;
      if (options.dry_run) {
        result.outcome = failed ? model::CloseOutcome::would_refuse : model::CloseOutcome::would_close;
        return result;
      }
      if (failed) {
        result.outcome = model::CloseOutcome::refused;
        return result;
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
  result.written = commit_records(ledger, changed, records, yaml_edits);
  const model::CloseoutEvent& e = changed.front().events.back();
  result.outcome = options.adopt ? model::CloseOutcome::adopted : model::CloseOutcome::closed;
  result.date = e.date;
  result.commit = e.commit;
  return result;
}

ExitCode
exit_code(const model::CloseResult& result)
{
  const bool negative =
    result.outcome == model::CloseOutcome::would_refuse || result.outcome == model::CloseOutcome::refused;
  return negative ? ExitCode::negative : ExitCode::ok;
}

} // namespace rl::app
