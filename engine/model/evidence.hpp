#pragma once

#include "model/enums.hpp"
#include "model/timestamp.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rl::model {

// Where and when a piece of evidence was taken.
struct EvidenceStamp
{
  std::int64_t evidence_id = 0;
  std::string source;
  std::string commit;
  Timestamp taken_at;
  bool operator==(const EvidenceStamp&) const = default;
};

// The latest result of one test (by taken_at, then ingestion order).
struct TestEvidence
{
  std::string identity;
  ResultStatus status = ResultStatus::passed;
  std::string message;
  EvidenceStamp stamp;
};

// What a test rule's selectors match, summarised from the latest result of
// each matched test (a selection can match millions of tests; only counts,
// the runs behind them and a few offenders are materialised).
struct TestSelection
{
  std::vector<std::pair<std::string, std::int64_t>> per_selector; // selector -> tests matched
  std::int64_t matched = 0;
  std::int64_t passed = 0;             // passed or flaky
  std::int64_t bad = 0;                // failed or error
  std::int64_t not_run = 0;            // skipped or expected failure
  std::vector<TestEvidence> offenders; // the first failed/errored, then not-run tests (capped)
  std::vector<EvidenceStamp> runs;     // evidence behind the matched results, oldest first
};

struct CiJobEvidence
{
  std::string name;
  std::optional<CiConclusion> conclusion; // nullopt while the job has not completed
  bool operator==(const CiJobEvidence&) const = default;
};

struct CiRunEvidence
{
  std::string repository;
  std::int64_t run_id = 0;
  std::int64_t attempt = 1;
  std::string workflow_name;
  std::string workflow_path;
  std::string head_branch;
  std::string status;
  std::optional<CiConclusion> conclusion; // nullopt while the run has not completed
  std::string url;
  std::vector<CiJobEvidence> jobs;
  EvidenceStamp stamp; // commit = head_sha, taken_at = updated_at
  bool operator==(const CiRunEvidence&) const = default;
};

struct MetricEvidence
{
  std::string name;
  double value = 0;
  EvidenceStamp stamp;
};

struct CiJobRecord
{
  std::int64_t id = 0;
  std::string name;
  std::string status;
  std::optional<CiConclusion> conclusion; // nullopt while the job has not completed
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> completed_at;
  std::string steps_json; // [{name, number, status, conclusion}]
};

// A GitHub Actions workflow run, from the REST API or `gh run view/list --json`.
struct CiRunRecord
{
  std::string provider = "github";
  std::string repository; // owner/name
  std::int64_t run_id = 0;
  std::int64_t attempt = 1;
  std::string workflow_name;
  std::string workflow_path;
  std::string head_sha;
  std::string head_branch;
  std::string event;
  std::string status;
  std::optional<CiConclusion> conclusion; // nullopt while not completed
  std::optional<Timestamp> created_at;
  std::optional<Timestamp> updated_at;
  std::string url;
  std::vector<CiJobRecord> jobs;
  bool has_jobs = false; // the document listed jobs (even none)
};

// A CI conclusion as written in GitHub's JSON and in the store: '' while the
// run or job has not completed.
inline std::string
conclusion_text(const std::optional<CiConclusion>& conclusion)
{
  return conclusion ? std::string(to_string(*conclusion)) : std::string();
}

} // namespace rl::model
