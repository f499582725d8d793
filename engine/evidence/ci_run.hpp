#pragma once

#include "evidence/records.hpp"

#include <string>
#include <vector>

namespace rl::evidence {

// What one CI document held: runs (each possibly with jobs), and job lists
// for runs described elsewhere (a REST `.../jobs` document).
struct CiDocument
{
  std::vector<CiRunRecord> runs;
  struct Jobs
  {
    std::string repository;
    std::int64_t run_id = 0;
    std::int64_t attempt = 1;
    std::vector<CiJobRecord> jobs;
  };
  std::vector<Jobs> job_lists;
};

// Parses a GitHub Actions document: a workflow run as the REST API returns it
// (GET /repos/{o}/{r}/actions/runs/{id}), a run list ({"workflow_runs": [...]}),
// a jobs document ({"jobs": [...]}), or what `gh run view --json ...` and
// `gh run list --json ...` print. `repository` (owner/name) is used when the
// document does not say (gh output carries it only in its URL). Throws
// util::InputError naming the file (and line:col for JSON syntax errors).
CiDocument parse_github_document(const std::string& text,
                                 const std::string& display_path,
                                 const std::string& repository);

} // namespace rl::evidence
