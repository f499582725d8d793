// ingest, record, why, check: evidence in, status out.
#include "app/assess.hpp"
#include "app/audit.hpp"
#include "app/commands.hpp"
#include "app/git.hpp"
#include "app/journal.hpp"
#include "app/ledger.hpp"
#include "evidence/ci_run.hpp"
#include "evidence/input_text.hpp"
#include "evidence/junit.hpp"
#include "evidence/metrics.hpp"
#include "model/commit.hpp"
#include "report/records.hpp"
#include "store/closeout_repo.hpp"
#include "store/definitions_repo.hpp"
#include "store/evidence_repo.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/limits.hpp"
#include "util/terminal.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <deque>
#include <fcntl.h>
#include <fstream>
#include <future>
#include <glob.h>
#include <mutex>
#include <unistd.h>
#include <unordered_set>

namespace rl::app {

namespace {

// The kind as stored in evidence.kind (and shown in the audit log).
const char*
kind_label(IngestKind kind)
{
  switch (kind) {
  case IngestKind::junit:
    return "junit";
  case IngestKind::github_run:
    return "ci_run";
  case IngestKind::coverage:
    return "coverage";
  case IngestKind::sarif:
    return "sarif";
  }
  return "junit";
}

using nlohmann::ordered_json;

std::vector<std::string>
expand_paths(const std::vector<std::string>& args, const char* extension)
{
  std::vector<std::string> out;
  for (const std::string& arg : args) {
    std::vector<std::string> matches;
    if (arg.find_first_of("*?[") != std::string::npos) {
      glob_t g{};
      if (::glob(arg.c_str(), 0, nullptr, &g) == 0) {
        for (std::size_t i = 0; i < g.gl_pathc; ++i) {
          matches.emplace_back(g.gl_pathv[i]);
        }
      }
      globfree(&g);
      if (matches.empty()) {
        throw util::UsageError(fmt::format("no file matches '{}'", arg));
      }
    } else {
      matches.push_back(arg);
    }
    for (const std::string& m : matches) {
      if (std::filesystem::is_directory(m)) {
        std::vector<std::string> found;
        for (const auto& e : std::filesystem::recursive_directory_iterator(m)) {
          if (e.is_regular_file() && e.path().extension() == extension) {
            // A symlink inside an evidence folder (committed in a pull
            // request, say) is followed only when it stays inside the folder.
            if (e.is_symlink() && !util::resolves_inside(m, e.path())) {
              throw util::InputError(fmt::format("{}: a symlink that leads outside the folder {}; refusing to read it",
                                                 m,
                                                 e.path().generic_string()),
                                     "name the file itself on the command line if it is meant to be read");
            }
            found.push_back(e.path().string());
          }
        }
        std::sort(found.begin(), found.end());
        out.insert(out.end(), found.begin(), found.end());
      } else if (!std::filesystem::exists(m)) {
        throw util::UsageError(fmt::format("no such file or directory: {}", m));
      } else {
        out.push_back(m);
      }
    }
  }
  return out;
}

struct Context
{
  Ledger ledger;
  std::string commit;
  std::string now;
};

Context
open_for_evidence(const GlobalOptions& global, const EvidenceOptions& options)
{
  Context c{open_current(global), options.commit, current_time()};
  if (c.commit.empty()) {
    c.commit = git_output(c.ledger.paths.root, {"rev-parse", "--verify", "-q", "HEAD"}).value_or("");
  }
  if (!options.at.empty() && !evidence::normalize_time(options.at)) {
    throw util::UsageError(fmt::format("--at '{}' is not a time: write e.g. 2026-02-08T07:30:00Z", options.at));
  }
  return c;
}

std::string
taken_at(const EvidenceOptions& options, const std::string& now)
{
  return options.at.empty() ? now : *evidence::normalize_time(options.at);
}

store::EvidenceHeader
header_for(const std::string& kind,
           const std::string& hash,
           const std::string& path,
           const EvidenceOptions& options,
           const Context& c)
{
  return {kind, hash, options.source.empty() ? path : options.source, path, c.commit, taken_at(options, c.now), c.now};
}

// Appends a parsed test case as the store keeps it.
void
add_case(store::TestResultBlock& block, const evidence::TestCaseRecord& tc)
{
  thread_local std::string identity; // one buffer per parsing thread
  tc.identity_into(identity);
  block.add(identity, tc.file, tc.suite, tc.outcome, tc.duration, tc.message);
}

// A streamed file's cases are written in blocks of this many (bounded memory).
constexpr std::size_t k_stream_block_cases = 16384;

// A JUnit file read, hashed and (when small enough) parsed, off the database thread.
struct Prepared
{
  std::string hash;
  bool duplicate = false;
  std::optional<store::TestResultBlock> cases; // empty: stream it while storing
  evidence::JunitFileInfo info;
  std::exception_ptr error;
};

// Read buffers, reused from file to file: a new one per file would be
// faulted in page by page again (a third of a re-ingest's time).
class BufferPool
{
public:
  std::string take()
  {
    const std::lock_guard lock(m_mutex);
    if (m_free.empty()) {
      return {};
    }
    std::string buffer = std::move(m_free.back());
    m_free.pop_back();
    return buffer;
  }

  void give(std::string buffer)
  {
    const std::lock_guard lock(m_mutex);
    m_free.push_back(std::move(buffer));
  }

private:
  std::mutex m_mutex;
  std::vector<std::string> m_free;
};

// Hands its buffer back to the pool however prepare() ends.
struct PooledBuffer
{
  explicit PooledBuffer(BufferPool& p)
    : pool(p)
    , text(p.take())
  {
  }
  ~PooledBuffer()
  {
    pool.give(std::move(text));
  }
  PooledBuffer(const PooledBuffer&) = delete;
  PooledBuffer& operator=(const PooledBuffer&) = delete;

  BufferPool& pool;
  std::string text;
};

Prepared
prepare(const std::string& file, const std::unordered_set<std::string>& known, BufferPool& buffers)
{
  Prepared p;
  try {
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (!ec && !std::filesystem::is_regular_file(status)) {
      // A device or FIFO (e.g. a symbolic link to /dev/zero) would be read
      // forever.
      throw util::InputError(std::vector<util::Diagnostic>{
        {util::Severity::error, {file, 0, 0}, "not a regular file", "pass a JUnit XML file"}});
    }
    const auto size = std::filesystem::file_size(file, ec);
    if (!ec && size > util::limits().file_bytes) {
      throw util::InputError(std::vector<util::Diagnostic>{
        {util::Severity::error,
         {file, 0, 0},
         fmt::format("the file is {} bytes, longer than {} bytes", size, util::limits().file_bytes),
         util::limit_help("file-bytes")}});
    }
    // Unreadable (ec): hashing it says so (exit 4).
    if (ec || size > evidence::k_in_memory_limit) {
      p.hash = util::sha256_file(file);
      p.duplicate = known.contains(p.hash);
      return p;
    }
    PooledBuffer buffer(buffers);
    util::read_into(file, buffer.text);
    const std::string& text = buffer.text;
    p.hash = util::sha256(text);
    p.duplicate = known.contains(p.hash);
    if (p.duplicate) {
      return p;
    }
    store::TestResultBlock cases;
    p.info = evidence::parse_junit_buffer(text, file, [&](const evidence::TestCaseRecord& tc) { add_case(cases, tc); });
    cases.index_identities();
    p.cases = std::move(cases);
  } catch (...) {
    p.error = std::current_exception();
  }
  return p;
}

// Refuses a file over the limit 'file-bytes' before anything reads it
// (exit 3, not 4). A size that cannot be found is left to the read (exit 4).
void
check_evidence_size(const std::string& file)
{
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (!ec) {
    evidence::require_file_size(size, file);
  }
}

// An evidence file read whole, its size checked first.
std::string
read_evidence_file(const std::string& file)
{
  check_evidence_size(file);
  return util::read_text(file); // StoreError (exit 4) when it cannot be read
}

// The files of one ingest transaction, for its audit entry.
struct Part
{
  std::size_t first_file = 1; // 1-based, in command order
  std::size_t files = 0;
  std::size_t stored = 0;
  std::size_t already = 0;
  std::size_t rejected = 0;
};

// "junit 3 files stored, 1 already ingested, 0 rejected (commit abc)" for an
// ingest committed at once; an ingest committed in parts (every
// k_batch_rows results) gets one entry per part, each committed with it:
// "junit part 1, files 1-812 of 2000: 812 stored, ...; continued in part 2",
// ..., "junit part 3 (last), files 1601-2000 of 2000: ...".
std::string
part_summary(const char* kind, const Part& p, int number, bool last, std::size_t total, const std::string& commit)
{
  const std::string at_commit = commit.empty() ? "" : " (commit " + model::short_commit(commit) + ")";
  if (number == 1 && last) {
    return fmt::format(
      "{} {} files stored, {} already ingested, {} rejected{}", kind, p.stored, p.already, p.rejected, at_commit);
  }
  return fmt::format("{} part {}{}, files {}-{} of {}: {} stored, {} already ingested, {} rejected{}{}",
                     kind,
                     number,
                     last ? " (last)" : "",
                     p.first_file,
                     p.first_file + p.files - 1,
                     total,
                     p.stored,
                     p.already,
                     p.rejected,
                     at_commit,
                     last ? "" : fmt::format("; continued in part {}", number + 1));
}

void
print_diagnostics(const util::InputError& e)
{
  for (const util::Diagnostic& d : e.diagnostics()) {
    fmt::print(stderr, "{}\n", util::format_diagnostic(d));
  }
}

// Coverage or SARIF: one file's metrics, stored as one unit (a savepoint
// inside the command's transaction); returns them by name.
ordered_json
store_metrics_file(SQLite::Database& db,
                   IngestKind kind,
                   const std::string& file,
                   const std::string& hash,
                   const EvidenceOptions& options,
                   const Context& c)
{
  const std::string kind_name = kind_label(kind);
  store::WriteTransaction file_transaction(db); // a savepoint: the file lands whole or not at all
  const std::string text = read_evidence_file(file);
  const std::string prefix = options.prefix.empty() ? kind_name : options.prefix;
  const std::vector<evidence::MetricRecord> metrics = kind == IngestKind::coverage
                                                        ? evidence::parse_coverage(text, file, prefix)
                                                        : evidence::parse_sarif(text, file, prefix);
  std::vector<std::pair<std::string, double>> rows;
  ordered_json values = ordered_json::object();
  for (const evidence::MetricRecord& m : metrics) {
    rows.emplace_back(m.name, m.value);
    values[m.name] = m.value;
  }
  store::store_metrics(db, header_for(kind_name, hash, file, options, c), rows);
  file_transaction.commit();
  return values;
}

// A GitHub Actions document: its runs (each one piece of evidence) and job
// lists, stored as one unit; returns what happened to each run and job list.
ordered_json
store_ci_document(SQLite::Database& db,
                  const std::string& file,
                  const std::string& hash,
                  const EvidenceOptions& options,
                  const Context& c)
{
  store::WriteTransaction file_transaction(db); // a savepoint: the file lands whole or not at all
  const evidence::CiDocument doc = evidence::parse_github_document(read_evidence_file(file), file, options.repository);
  ordered_json runs = ordered_json::array();
  for (const evidence::CiRunRecord& run : doc.runs) {
    store::EvidenceHeader h = header_for("ci_run", hash, file, options, c);
    h.commit = options.commit.empty() ? run.head_sha : options.commit;
    h.taken_at = options.at.empty() ? (run.updated_at.empty() ? run.created_at : run.updated_at) : h.taken_at;
    if (doc.runs.size() > 1) {
      h.content_hash = util::sha256(hash + ":" + std::to_string(run.run_id) + ":" + std::to_string(run.attempt));
    }
    const store::StoreResult stored = store::store_ci_run(db, h, run);
    runs.push_back({{"run_id", run.run_id},
                    {"attempt", run.attempt},
                    {"workflow", run.workflow_name},
                    {"conclusion", run.conclusion},
                    {"jobs", run.jobs.size()},
                    {"result", stored == store::StoreResult::stored ? "stored" : "already_ingested"}});
  }
  for (const evidence::CiDocument::Jobs& jobs : doc.job_lists) {
    if (store::store_ci_jobs(db, "github", jobs.repository, jobs.run_id, jobs.attempt, jobs.jobs)
        == store::StoreResult::run_unknown) {
      throw util::InputError(std::vector<util::Diagnostic>{
        {util::Severity::error,
         {file, 0, 0},
         fmt::format(
           "jobs of run {} attempt {} of {}, which is not ingested", jobs.run_id, jobs.attempt, jobs.repository),
         "ingest the run document first (it can come before this file in the same command)"}});
    }
    runs.push_back(
      {{"run_id", jobs.run_id}, {"attempt", jobs.attempt}, {"jobs", jobs.jobs.size()}, {"result", "jobs_stored"}});
  }
  file_transaction.commit();
  return runs;
}

// What ingest prints: per file (per run, for CI documents) and, for JUnit, a
// total; or all of it as one JSON document.
void
print_ingest_results(const ordered_json& results, IngestKind kind, int rejected, report::OutputFormat format)
{
  if (format == report::OutputFormat::json) {
    ordered_json out;
    out["files"] = results;
    ordered_json total = {{"files", results.size()},
                          {"rejected", rejected},
                          {"tests", 0},
                          {"passed", 0},
                          {"failed", 0},
                          {"errors", 0},
                          {"skipped", 0}};
    for (const auto& r : results) {
      for (const char* k : {"tests", "passed", "failed", "errors", "skipped"}) {
        if (r.contains(k)) {
          total[k] = total[k].get<std::int64_t>() + r[k].get<std::int64_t>();
        }
      }
    }
    out["total"] = total;
    // File names (and what a message quotes of them) need not be UTF-8.
    fmt::print("{}\n", out.dump(2, ' ', false, ordered_json::error_handler_t::replace));
  } else {
    std::int64_t tests = 0, passed = 0, failed = 0, errors = 0, skipped = 0;
    for (const auto& r : results) {
      const std::string result = r["result"].get<std::string>();
      if (r.contains("tests")) {
        tests += r["tests"].get<std::int64_t>();
        passed += r["passed"].get<std::int64_t>();
        failed += r["failed"].get<std::int64_t>();
        errors += r["errors"].get<std::int64_t>();
        skipped += r["skipped"].get<std::int64_t>();
        fmt::print("{}: stored {} tests: {} passed, {} failed, {} errors, {} skipped\n",
                   r["id"].get<std::string>(),
                   r["tests"].get<std::int64_t>(),
                   r["passed"].get<std::int64_t>(),
                   r["failed"].get<std::int64_t>(),
                   r["errors"].get<std::int64_t>(),
                   r["skipped"].get<std::int64_t>());
      } else if (r.contains("runs")) {
        for (const auto& run : r["runs"]) {
          fmt::print("{}: run {} attempt {}{}: {}{}\n",
                     r["id"].get<std::string>(),
                     run["run_id"].get<std::int64_t>(),
                     run["attempt"].get<std::int64_t>(),
                     run.contains("workflow") ? " (" + run["workflow"].get<std::string>() + ")" : std::string(),
                     run["result"].get<std::string>() == "already_ingested" ? "already ingested, nothing changed"
                                                                            : run["result"].get<std::string>(),
                     run.contains("conclusion")
                       ? ", "
                           + (run["conclusion"].get<std::string>().empty() ? std::string("not completed")
                                                                           : run["conclusion"].get<std::string>())
                       : std::string());
        }
      } else if (r.contains("metrics")) {
        std::string list;
        for (auto it = r["metrics"].begin(); it != r["metrics"].end(); ++it) {
          list += fmt::format("{}{} = {}", list.empty() ? "" : ", ", it.key(), report::cell_text(it.value()));
        }
        fmt::print("{}: stored {}\n", r["id"].get<std::string>(), list);
      } else if (result == "already_ingested") {
        fmt::print("{}: already ingested (same content), nothing changed\n", r["id"].get<std::string>());
      } else {
        fmt::print("{}: rejected\n", r["id"].get<std::string>());
      }
    }
    if (kind == IngestKind::junit) {
      fmt::print("total: {} files ({} rejected); {} tests: {} passed, {} failed, {} errors, {} skipped\n",
                 results.size(),
                 rejected,
                 tests,
                 passed,
                 failed,
                 errors,
                 skipped);
    }
  }
}

} // namespace

ExitCode
run_ingest(const GlobalOptions& global,
           IngestKind kind,
           const std::vector<std::string>& paths,
           const EvidenceOptions& options)
{
  const auto format = output_format(options.format);
  const char* extension = kind == IngestKind::junit        ? ".xml"
                          : kind == IngestKind::github_run ? ".json"
                          : kind == IngestKind::sarif      ? ".sarif"
                                                           : ".xml";
  const std::vector<std::string> files = expand_paths(paths, extension);
  Context c = open_for_evidence(global, options);
  SQLite::Database& db = *c.ledger.db;
  ordered_json results = ordered_json::array();
  int rejected = 0;
  const bool progress = ::isatty(STDERR_FILENO) != 0 && files.size() > 1;
  store::TestCaseCache test_cases;
  // Reading, hashing and parsing the next files runs on other threads while
  // this one writes the current file to the database: two at a time, so that
  // both cores hash when the files are already stored (and this thread idles).
  const std::unordered_set<std::string> known =
    kind == IngestKind::junit ? store::evidence_hashes(db, "junit") : std::unordered_set<std::string>();
  BufferPool buffers;
  auto prepare_junit = [&known, &buffers](const std::string& file) { return prepare(file, known, buffers); };
  // One write transaction for the files of the command (committed every
  // k_batch_rows results): each commit carries the audit entry of the files it
  // stores, so that every stored evidence row is covered by an entry, also when
  // the process is killed at any point (both land, or neither).
  store::IngestBatch batch(db);
  std::int64_t batch_rows = 0;
  Part part;
  int part_number = 1;
  auto audit_part = [&](bool last) {
    // Nothing stored, nothing to record (unless earlier parts need their last one).
    if (part.stored > 0 || (last && part_number > 1)) {
      fault_point("ingest-before-audit");
      store::append_audit_entries(
        db,
        {make_entry(global,
                    c.ledger.paths.root,
                    "ingest",
                    "",
                    part_summary(kind_label(kind), part, part_number, last, files.size(), c.commit))},
        store::AuditOrigin::made_now);
    }
  };
  constexpr std::size_t k_prepared_ahead = 2;
  std::deque<std::future<Prepared>> ahead;
  std::size_t next_to_prepare = 0;
  auto prepare_ahead = [&] {
    while (kind == IngestKind::junit && ahead.size() < k_prepared_ahead && next_to_prepare < files.size()) {
      ahead.push_back(std::async(std::launch::async, prepare_junit, files[next_to_prepare++]));
    }
  };
  prepare_ahead();
  std::size_t index = 0;
  for (const std::string& file : files) {
    ++index;
    if (progress) {
      fmt::print(util::raw_stderr(), "\r[{}/{}] {}\x1b[K", index, files.size(), util::terminal_safe(file));
      std::fflush(stderr);
    }
    ordered_json r;
    r["id"] = file;
    const std::string kind_name = kind_label(kind);
    r["kind"] = kind_name;
    ++part.files;
    Prepared prepared;
    if (kind == IngestKind::junit) {
      prepared = ahead.front().get();
      ahead.pop_front();
      prepare_ahead();
    }
    try {
      if (prepared.error) {
        std::rethrow_exception(prepared.error);
      }
      if (kind != IngestKind::junit) {
        check_evidence_size(file); // before hashing reads it
      }
      const std::string hash = kind == IngestKind::junit ? prepared.hash : util::sha256_file(file);
      if (prepared.duplicate || store::evidence_exists(db, kind_name, hash)) {
        r["result"] = "already_ingested";
        ++part.already;
        results.push_back(r);
        continue;
      }
      if (kind == IngestKind::junit) {
        store::TestResultWriter writer(db, header_for("junit", hash, file, options, c), test_cases);
        evidence::JunitFileInfo info;
        if (prepared.cases) {
          writer.add(*prepared.cases);
          info = prepared.info;
        } else {
          std::ifstream in(file, std::ios::binary);
          if (!in) {
            throw util::StoreError(fmt::format("cannot read {}", file));
          }
          store::TestResultBlock cases;
          info = evidence::parse_junit(in, file, [&](const evidence::TestCaseRecord& tc) {
            add_case(cases, tc);
            if (cases.size() == k_stream_block_cases) {
              writer.add(cases);
              cases.clear();
            }
          });
          writer.add(cases);
        }
        const auto& t = info.totals;
        writer.commit({t.tests, t.passed, t.failed, t.errors, t.skipped},
                      options.at.empty() && info.taken_at ? *info.taken_at : std::string());
        batch_rows += t.tests;
        ++part.stored;
        if (batch_rows >= store::IngestBatch::k_batch_rows && index < files.size()) {
          audit_part(false);
          batch.checkpoint();
          fault_point("ingest-after-commit");
          batch_rows = 0;
          part = Part{index + 1};
          ++part_number;
        }
        r["result"] = "stored";
        r["tests"] = t.tests;
        r["passed"] = t.passed;
        r["failed"] = t.failed;
        r["errors"] = t.errors;
        r["skipped"] = t.skipped;
      } else if (kind == IngestKind::coverage || kind == IngestKind::sarif) {
        ordered_json metrics = store_metrics_file(db, kind, file, hash, options, c);
        ++part.stored;
        r["result"] = "stored";
        r["metrics"] = std::move(metrics);
      } else {
        ordered_json runs = store_ci_document(db, file, hash, options, c);
        ++part.stored;
        r["result"] = "stored";
        r["runs"] = std::move(runs);
      }
    } catch (const util::InputError& e) {
      ++rejected;
      ++part.rejected;
      print_diagnostics(e);
      r["result"] = "rejected";
      r["error"] = e.diagnostics().empty() ? std::string(e.what()) : util::format_diagnostic(e.diagnostics().front());
    }
    results.push_back(r);
  }
  audit_part(true);
  batch.commit();
  fault_point("ingest-after-commit");
  if (progress) {
    fmt::print(util::raw_stderr(), "\r\x1b[K");
  }
  print_ingest_results(results, kind, rejected, format);
  if (c.commit.empty() && kind == IngestKind::junit) {
    fmt::print(stderr, "warning: no commit recorded (not a git repository?); pass --commit SHA\n");
  }
  return rejected > 0 ? ExitCode::input_error : ExitCode::ok;
}

ExitCode
run_record_metric(const GlobalOptions& global,
                  const std::string& name,
                  const std::string& value_text,
                  const EvidenceOptions& options)
{
  double value = 0;
  const auto [ptr, ec] = std::from_chars(value_text.data(), value_text.data() + value_text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    throw util::UsageError(fmt::format("metric value '{}' is out of range: a metric is a finite number "
                                       "(at most about 1.8e308 in magnitude)",
                                       evidence::printable(value_text)));
  }
  if (ec != std::errc() || ptr != value_text.data() + value_text.size()) {
    throw util::UsageError(fmt::format("metric value '{}' is not a number", evidence::printable(value_text)));
  }
  if (!std::isfinite(value)) {
    throw util::UsageError(fmt::format("metric value '{}' is not a finite number: write a decimal number, "
                                       "e.g. 0, -3 or 87.5",
                                       evidence::printable(value_text)));
  }
  value = value == 0 ? 0.0 : value; // -0 is 0
  if (name.empty() || evidence::printable(name, name.size()) != name
      || name.find_first_of(" \t\n") != std::string::npos) {
    throw util::UsageError(fmt::format("metric name '{}' must be one word of UTF-8 text, e.g. unresolved_imports",
                                       evidence::printable(name)));
  }
  Context c = open_for_evidence(global, options);
  const std::string at = taken_at(options, c.now);
  const std::string hash =
    util::sha256(fmt::format("metric\n{}\n{}\n{}\n{}\n{}", name, value_text, c.commit, at, options.source));
  if (store::evidence_exists(*c.ledger.db, "metric", hash)) {
    fmt::print("{} = {} at {} is already recorded, nothing changed\n",
               name,
               value_text,
               c.commit.empty() ? "unknown commit" : c.commit);
    return ExitCode::ok;
  }
  store::EvidenceHeader h = header_for("metric", hash, "", options, c);
  if (options.source.empty()) {
    h.source = "record metric";
  }
  // The value and its audit entry commit together.
  store::WriteTransaction transaction(*c.ledger.db);
  store::store_metrics(*c.ledger.db, h, {{name, value}});
  store::append_audit_entries(*c.ledger.db,
                              {make_entry(global,
                                          c.ledger.paths.root,
                                          "record",
                                          "",
                                          fmt::format("metric {} = {} at commit {}",
                                                      name,
                                                      value_text,
                                                      c.commit.empty() ? "unknown" : model::short_commit(c.commit)))},
                              store::AuditOrigin::made_now);
  fault_point("record-before-commit");
  transaction.commit();
  fmt::print("recorded {} = {} (commit {}, taken {})\n", name, value_text, c.commit.empty() ? "unknown" : c.commit, at);
  return ExitCode::ok;
}

namespace {

ordered_json
tree_json(const model::ConditionResult& r)
{
  ordered_json j{{"condition", r.description}, {"status", model::to_string(r.status)}, {"details", r.details}};
  if (!r.children.empty()) {
    ordered_json children = ordered_json::array();
    for (const auto& c : r.children) {
      children.push_back(tree_json(c));
    }
    j["children"] = children;
  }
  return j;
}

void
print_tree(const model::ConditionResult& r, int depth)
{
  const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
  fmt::print("{}[{}] {}\n", indent, model::to_string(r.status), r.description);
  for (const std::string& d : r.details) {
    fmt::print("{}    {}\n", indent, d);
  }
  for (const auto& c : r.children) {
    print_tree(c, depth + 1);
  }
}

} // namespace

ExitCode
run_why(const GlobalOptions& global, const std::string& id, const std::string& format)
{
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  const model::Definitions& d = ledger.definitions();
  const auto inv = std::find_if(d.invariants.begin(), d.invariants.end(), [&](const auto& x) { return x.id == id; });
  if (inv == d.invariants.end()) {
    throw util::UsageError(
      fmt::format("no invariant has the id '{}'; list them with `refactor-ledger invariants`", id));
  }
  const Assessment a = assess(*ledger.db, d, ledger.paths.root);
  const model::Evaluation& e = a.evaluations.at(id);
  if (format == "json") {
    ordered_json j{{"id", id},
                   {"name", inv->name},
                   {"status", model::to_string(e.status)},
                   {"reasons", e.reasons},
                   {"rules", e.tree ? tree_json(*e.tree) : ordered_json(nullptr)},
                   {"waiver_expired", e.waiver_expired},
                   {"waiver_unneeded", e.waiver_unneeded}};
    fmt::print("{}\n", j.dump(2));
    return ExitCode::ok;
  }
  fmt::print("{} {}: {}\n", id, inv->name, model::to_string(e.status));
  for (const std::string& r : e.reasons) {
    fmt::print("  because: {}\n", r);
  }
  if (e.tree) {
    fmt::print("rules:\n");
    print_tree(*e.tree, 1);
  }
  return ExitCode::ok;
}

ExitCode
run_check(const GlobalOptions& global, const CheckOptions& options)
{
  const auto threshold = model::parse_enum<model::Priority>(options.min_priority);
  if (!threshold) {
    throw util::UsageError(fmt::format("invalid value '{}' for --priority: allowed values are {}",
                                       options.min_priority,
                                       model::allowed_values<model::Priority>()));
  }
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  const model::Definitions& d = ledger.definitions();
  const Assessment a = assess(*ledger.db, d, ledger.paths.root);
  ordered_json offenders = ordered_json::array();
  for (const model::Invariant& inv : d.invariants) {
    if (model::enum_index(inv.priority) > model::enum_index(*threshold)) {
      continue;
    }
    const model::Evaluation& e = a.evaluations.at(inv.id);
    const bool bad = e.status == model::InvariantStatus::failing
                     || (options.require_verified && e.status != model::InvariantStatus::verified
                         && e.status != model::InvariantStatus::waived);
    if (bad) {
      offenders.push_back({{"id", inv.id},
                           {"name", inv.name},
                           {"priority", model::to_string(inv.priority)},
                           {"status", model::to_string(e.status)},
                           {"reasons", e.reasons}});
    }
  }
  if (options.format == "json") {
    fmt::print("{}\n", ordered_json{{"id", "check"}, {"passed", offenders.empty()}, {"offenders", offenders}}.dump(2));
  } else if (offenders.empty()) {
    fmt::print("check passed: no invariant at {} or above is {}\n",
               options.min_priority,
               options.require_verified ? "unverified, stale or failing" : "failing");
  } else {
    for (const auto& o : offenders) {
      fmt::print("{} ({}) {}: {}\n",
                 o["id"].get<std::string>(),
                 o["priority"].get<std::string>(),
                 o["status"].get<std::string>(),
                 o["name"].get<std::string>());
      for (const auto& r : o["reasons"]) {
        fmt::print("    {}\n", r.get<std::string>());
      }
    }
    fmt::print("check failed: {} invariant{} at {} or above {}\n",
               offenders.size(),
               offenders.size() == 1 ? "" : "s",
               options.min_priority,
               options.require_verified ? "not verified" : "failing");
  }
  return offenders.empty() ? ExitCode::ok : ExitCode::negative;
}

} // namespace rl::app
