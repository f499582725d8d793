#include "app/closeout_support.hpp"

#include "app/git.hpp"
#include "app/journal.hpp"
#include "app/outputs.hpp"
#include "loader/loader.hpp"
#include "model/commit.hpp"
#include "store/closeout_repo.hpp"
#include "store/definitions_repo.hpp"
#include "store/evidence_repo.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

namespace rl::app {

namespace {

constexpr std::size_t k_max_pattern_lines = 20;

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

// Of `files` (paths of the checkout), those .gitignore ignores (tracked or
// not: `git check-ignore --no-index`) and those .gitattributes marks
// linguist-vendored or linguist-generated (`git check-attr`), as the working
// tree's files say. Asked in batches, the paths as arguments.
void
classify_changed_files(const std::filesystem::path& checkout,
                       const std::vector<std::string>& files,
                       std::vector<std::string>& ignored,
                       std::vector<std::string>& vendored)
{
  constexpr std::size_t k_batch = 512;
  for (std::size_t start = 0; start < files.size(); start += k_batch) {
    const auto first = files.begin() + static_cast<std::ptrdiff_t>(start);
    const auto last = files.begin() + static_cast<std::ptrdiff_t>(std::min(files.size(), start + k_batch));
    // (-z needs --stdin, which git_run does not give: one path a line)
    std::vector<std::string> args{"check-ignore", "--no-index", "--"};
    args.insert(args.end(), first, last);
    const GitResult ignore = git_run(checkout, args); // exit 1: none ignored
    if (ignore.exit_code == 0) {
      std::string lines = ignore.out;
      std::replace(lines.begin(), lines.end(), '\n', '\0');
      for (std::string& path : split_nul(lines)) {
        ignored.push_back(std::move(path));
      }
    }
    args = {"check-attr", "-z", "linguist-vendored", "linguist-generated", "--"};
    args.insert(args.end(), first, last);
    const GitResult attr = git_run(checkout, args);
    if (attr.exit_code == 0) {
      // path NUL attribute NUL value NUL, for each path and attribute
      const std::vector<std::string> fields = split_nul(attr.out);
      for (std::size_t i = 0; i + 2 < fields.size(); i += 3) {
        const std::string& value = fields[i + 2];
        if ((value == "set" || value == "true") && (vendored.empty() || vendored.back() != fields[i])) {
          vendored.push_back(fields[i]);
        }
      }
    }
  }
}

std::optional<std::string>
resolve_commit(const std::filesystem::path& checkout, const std::string& rev)
{
  return git_output(checkout, {"rev-parse", "--verify", "-q", rev + "^{commit}"});
}

// The closing commit of the closed milestone before `id` in program order
// (its latest close), or ''.
std::string
previous_closing_commit(const std::vector<model::CloseoutRecord>& records, const std::string& id)
{
  const model::CloseoutRecord* previous = nullptr;
  for (const model::CloseoutRecord& r : records) {
    if (r.closed() && model::natural_less(r.milestone, id)
        && (previous == nullptr || model::natural_less(previous->milestone, r.milestone))) {
      previous = &r;
    }
  }
  return previous == nullptr ? std::string() : previous->last_close()->commit;
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

} // namespace

// The milestone with `id`; a usage error naming the milestones when there is none.
const model::Milestone&
find_milestone(const model::Definitions& d, const std::string& id)
{
  if (const model::Milestone* m = model::find_milestone(d, id)) {
    return *m;
  }
  std::vector<std::string> ids;
  ids.reserve(d.milestones.size());
  for (const model::Milestone& m : d.milestones) {
    ids.push_back(m.id);
  }
  throw util::UsageError(fmt::format("unknown milestone '{}'; milestones: {}", id, fmt::join(ids, ", ")));
}

rules::GateFacts
gather_facts(SQLite::Database& db,
             const std::filesystem::path& root,
             const model::Definitions& d,
             const std::vector<model::CloseoutRecord>& records,
             const model::Milestone& m,
             const model::EffectiveGates& gates,
             const GateSource& source,
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
    const std::string rev = source.commit.empty() ? "HEAD" : source.commit;
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
    std::string base = source.base;
    std::string from = "--base";
    if (base.empty()) {
      base = m.base_commit;
      from = m.origin.path + " base_commit";
    }
    if (base.empty()) {
      base = previous_closing_commit(records, m.id);
      from = "the closing commit of the previous closed milestone";
    }
    if (base.empty()) {
      base = d.program.baseline_commit;
      from = "program.yaml baseline_commit";
    }
    if (base.empty()) {
      f.base_problem = "no base commit: no base_commit, no earlier closeout and no program baseline_commit";
    } else if (const auto resolved = resolve_commit(git.checkout, base)) {
      f.base_commit = *resolved;
      if (gates.scope && gates.exemption("scope") == nullptr) {
        f.changed_files =
          split_nul(git_output(git.checkout, {"diff", "--name-only", "-z", "--no-renames", f.base_commit, f.commit})
                      .value_or(""));
        classify_changed_files(git.checkout, f.changed_files, f.ignored_files, f.vendored_files);
      }
    } else {
      f.base_problem = fmt::format("base commit {} (from {}) is not in {}", base, from, shown_checkout);
    }
    const std::string prefix = git.relative_root.empty() ? "" : git.relative_root + "/";
    f.always_in_scope = {prefix + "milestones/**",
                         prefix + "invariants/**",
                         prefix + d.program.log_path,
                         prefix + d.program.toolcalls_path,
                         prefix + d.program.milestone_docs_path + "/**",
                         prefix + d.program.ledger_dir + "/**"};
    for (const model::PatternGate& p : gates.pattern_absent) {
      rules::PatternMatches matches;
      if (gates.exemption(rules::pattern_gate_name(p)) != nullptr) {
        f.patterns.push_back(std::move(matches)); // not applicable: not searched
        continue;
      }
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

std::vector<std::string>
commit_records(Ledger& ledger,
               std::vector<model::CloseoutRecord> records,
               const std::vector<model::CloseoutRecord>& before,
               const std::vector<FileWrite>& yaml_edits)
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
  // The program as it will be: the current files with the new records.
  std::vector<loader::SourceText> sources;
  for (const store::SourceStamp& s : scan_sources(ledger.paths.root)) {
    if (std::none_of(
          records.begin(), records.end(), [&](const auto& r) { return model::record_path(r.milestone) == s.path; })) {
      const auto edited =
        std::find_if(yaml_edits.begin(), yaml_edits.end(), [&](const auto& f) { return f.path == s.path; });
      sources.push_back(
        {s.path, edited != yaml_edits.end() ? edited->text : util::read_text(ledger.paths.root / s.path)});
    }
  }
  for (const model::CloseoutRecord& r : records) {
    sources.push_back({model::record_path(r.milestone), model::format_record(r)});
  }
  util::DiagnosticSink sink;
  loader::LoadedProgram next = loader::load_program(sources, sink);
  sink.throw_if_errors();

  // A new close freezes what its documents and log entry show (FrozenContext)
  // and, once they are rendered, their digests.
  std::vector<std::string> freezing;
  for (model::CloseoutRecord& r : records) {
    model::CloseoutEvent& e = r.events.back();
    if (e.kind != model::CloseoutEventKind::reopen && !e.frozen) {
      e.frozen = freeze_context(next.definitions, next.records, r.milestone);
      for (model::CloseoutRecord& n : next.records) {
        if (n.milestone == r.milestone) {
          n.events.back().frozen = e.frozen;
        }
      }
      freezing.push_back(r.milestone);
    }
  }
  std::vector<report::RenderedFile> outputs =
    render_outputs(next.definitions, next.records, read_sections(ledger.paths.root, next.definitions.program));
  for (model::CloseoutRecord& r : records) {
    if (std::find(freezing.begin(), freezing.end(), r.milestone) == freezing.end()) {
      continue;
    }
    model::CloseoutEvent& e = r.events.back();
    for (const std::string& path : report::closeout_document_paths(next.definitions.program, r.milestone)) {
      const auto doc = std::find_if(outputs.begin(), outputs.end(), [&](const auto& f) { return f.path == path; });
      if (doc != outputs.end()) {
        e.digests.emplace_back(path, util::sha256(doc->text));
      }
    }
    std::sort(e.digests.begin(), e.digests.end());
    for (model::CloseoutRecord& n : next.records) {
      if (n.milestone == r.milestone) {
        n.events.back().digests = e.digests;
      }
    }
  }
  std::vector<FileWrite> files;
  files.reserve(records.size());
  for (const model::CloseoutRecord& r : records) {
    files.push_back({model::record_path(r.milestone), model::format_record(r)});
  }
  files.insert(files.end(), yaml_edits.begin(), yaml_edits.end());
  keep_frozen_documents(ledger.paths.root, next.definitions.program, next.records, outputs);
  for (report::RenderedFile& f : outputs) {
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
  std::vector<std::string> written;
  written.reserve(files.size());
  for (const FileWrite& f : files) {
    written.push_back(f.path);
  }
  return written;
}

} // namespace rl::app
