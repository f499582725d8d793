#pragma once

// What the evidence commands (ingest, record metric, why, check) return: plain
// values, written by report::emit (report/emit_evidence.hpp) in each format
// their command offers.

#include "model/entities.hpp"
#include "model/enums.hpp"
#include "model/results.hpp"
#include "model/timestamp.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rl::model {

// What became of one ingested file.
enum class IngestOutcome { stored, already_ingested, rejected };

// What became of one workflow run, or one run's job list, of a GitHub Actions
// document.
enum class CiRunOutcome { stored, already_ingested, jobs_stored };

template<>
struct EnumTraits<IngestOutcome>
{
  static constexpr std::string_view k_label = "ingest result";
  static constexpr auto k_names = std::to_array<std::pair<IngestOutcome, std::string_view>>({
    {IngestOutcome::stored, "stored"},
    {IngestOutcome::already_ingested, "already_ingested"},
    {IngestOutcome::rejected, "rejected"},
  });
};

template<>
struct EnumTraits<CiRunOutcome>
{
  static constexpr std::string_view k_label = "run result";
  static constexpr auto k_names = std::to_array<std::pair<CiRunOutcome, std::string_view>>({
    {CiRunOutcome::stored, "stored"},
    {CiRunOutcome::already_ingested, "already_ingested"},
    {CiRunOutcome::jobs_stored, "jobs_stored"},
  });
};

// Test counts of a JUnit file (or the sum of several).
struct TestCounts
{
  std::int64_t tests = 0;
  std::int64_t passed = 0;
  std::int64_t failed = 0;
  std::int64_t errors = 0;
  std::int64_t skipped = 0;

  TestCounts& operator+=(const TestCounts& other)
  {
    tests += other.tests;
    passed += other.passed;
    failed += other.failed;
    errors += other.errors;
    skipped += other.skipped;
    return *this;
  }
  bool operator==(const TestCounts&) const = default;
};

// A run (outcome stored or already_ingested: workflow and conclusion known)
// or a job list (jobs_stored: only the run's id, attempt and job count).
struct IngestedRun
{
  std::int64_t run_id = 0;
  std::int64_t attempt = 1;
  CiRunOutcome outcome = CiRunOutcome::stored;
  std::string workflow;                   // runs only
  std::optional<CiConclusion> conclusion; // runs only; nullopt while the run is not completed
  std::size_t jobs = 0;                   // jobs listed
};

// One file of an ingest, in command order. A stored file carries what it
// stored: exactly one of `tests` (JUnit), `metrics` (coverage, SARIF) or
// `runs` (GitHub Actions), as its reader stores.
struct IngestedFile
{
  std::string path; // as given or found (not necessarily UTF-8)
  EvidenceKind kind = EvidenceKind::junit;
  IngestOutcome outcome = IngestOutcome::stored;
  std::optional<TestCounts> tests;
  // By name, in the order the reader produced them (a repeated name keeps its
  // first place and its last value).
  std::optional<std::vector<std::pair<std::string, double>>> metrics;
  std::optional<std::vector<IngestedRun>> runs;
  std::string error; // rejected: the first diagnostic (all of them went to stderr)
};

struct IngestResult
{
  EvidenceKind kind = EvidenceKind::junit; // what the reader stores
  bool counts_tests = false;               // its files hold test results: a total is shown
  std::string commit;                      // recorded with the evidence; '' none (github-run: each run's own)
  std::vector<IngestedFile> files;

  std::size_t rejected() const
  {
    std::size_t n = 0;
    for (const IngestedFile& f : files) {
      n += f.outcome == IngestOutcome::rejected ? 1 : 0;
    }
    return n;
  }
  // The sum of the files' test counts.
  TestCounts total() const
  {
    TestCounts sum;
    for (const IngestedFile& f : files) {
      if (f.tests) {
        sum += *f.tests;
      }
    }
    return sum;
  }
};

struct RecordMetricResult
{
  std::string name;
  std::string value_text; // as given on the command line
  double value = 0;       // finite; -0 is 0
  std::string commit;     // '' unknown
  Timestamp taken_at;
  std::string source;            // as stored ("record metric" unless --source)
  bool already_recorded = false; // the same value, commit, time and source was: nothing changed
};

// An invariant's status with its reasons and its rule tree.
struct WhyResult
{
  std::string id;
  std::string name;
  Evaluation evaluation;
};

struct CheckOffender
{
  std::string id;
  std::string name;
  Priority priority = Priority::p0;
  InvariantStatus status = InvariantStatus::failing;
  std::vector<std::string> reasons;
  std::string statement; // what must hold (SARIF: the rule's help)
  Origin origin;         // where the invariant is defined (CI annotations)
};

// `gc`: the ledger files folded into one.
struct GcResult
{
  bool dry_run = false;
  std::vector<std::string> folded; // file names, in order
  std::string into;                // the folded file's name ('' when nothing was folded)
  std::string until;               // the latest closeout's time: files up to it are folded
  std::int64_t bytes_before = 0;
  std::int64_t bytes_after = 0;
  std::int64_t results_dropped = 0; // test results a later result of the same test replaces
  std::size_t files_left = 0;       // ledger files after it
};

struct CheckResult
{
  Priority min_priority = Priority::p0;
  bool require_verified = false;        // unverified and stale offend too
  std::vector<CheckOffender> offenders; // in catalog order
  std::string repo_prefix;              // the program root in its git repository ("" or "dir/")

  bool passed() const
  {
    return offenders.empty();
  }
};

} // namespace rl::model
