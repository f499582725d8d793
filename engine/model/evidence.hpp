#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rl::model {

// test_result.status values (see schema/0002_evidence.sql).
enum class ResultStatus : int {
  passed = 0,
  failed = 1,
  error = 2,
  skipped = 3,
  expected_failure = 4,
  flaky = 5,
};

std::string_view to_string(ResultStatus status);

// Where and when a piece of evidence was taken.
struct EvidenceStamp
{
  std::int64_t evidence_id = 0;
  std::string source;
  std::string commit;
  std::string taken_at; // UTC, YYYY-MM-DDTHH:MM:SSZ
};

// The latest result of one test (by taken_at, then ingestion order).
struct TestEvidence
{
  std::string identity;
  ResultStatus status = ResultStatus::passed;
  std::string message;
  EvidenceStamp stamp;
};

struct CiJobEvidence
{
  std::string name;
  std::string conclusion;
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
  std::string conclusion;
  std::string url;
  std::vector<CiJobEvidence> jobs;
  EvidenceStamp stamp; // commit = head_sha, taken_at = updated_at
};

struct MetricEvidence
{
  std::string name;
  double value = 0;
  EvidenceStamp stamp;
};

} // namespace rl::model
