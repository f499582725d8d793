#include "store/evidence_repo.hpp"

#include "store/evidence_repo_internal.hpp"

#include "util/error.hpp"
#include "util/hash.hpp"

#include <SQLiteCpp/Savepoint.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>
#include <tuple>

namespace rl::store {

namespace {

std::string
replace_first(std::string text, const std::string& what, const std::string& with)
{
  const std::size_t pos = text.find(what);
  if (pos != std::string::npos) {
    text.replace(pos, what.size(), with);
  }
  return text;
}

// A stored CI conclusion: '' while not completed; other text that names no
// conclusion is a corrupt ledger.
std::optional<model::CiConclusion>
stored_conclusion(const SQLite::Column& column, std::int64_t run_id)
{
  const std::string text = column.getString();
  if (text.empty()) {
    return std::nullopt;
  }
  const std::optional<model::CiConclusion> conclusion = model::parse_enum<model::CiConclusion>(text);
  if (!conclusion) {
    throw util::StoreError(fmt::format("corrupt ledger: CI run {} has the unknown conclusion '{}'; delete the "
                                       "database to rebuild it from the YAML and the evidence files",
                                       run_id,
                                       text));
  }
  return conclusion;
}

} // namespace

model::TestSelection
select_tests(SQLite::Database& db, const std::vector<std::string>& selectors, int max_offenders)
{
  model::TestSelection out;
  // One GLOB per selector keeps each on the range of test_case's key (identity); a test
  // matched by two selectors of one rule counts once (UNION).
  std::string matched_sql;
  for (std::size_t i = 0; i < selectors.size(); ++i) {
    matched_sql +=
      (i == 0 ? "" : " UNION ") + fmt::format("SELECT identity FROM test_case WHERE identity GLOB :s{}", i);
  }
  auto bind_all = [&](SQLite::Statement& q) {
    for (std::size_t i = 0; i < selectors.size(); ++i) {
      q.bind(fmt::format(":s{}", i), selectors[i]);
    }
  };
  for (const std::string& selector : selectors) {
    if (selectors.size() == 1) {
      break; // the one selector's count is `matched`, filled below
    }
    SQLite::Statement count(db,
                            "SELECT count(*) FROM test_case AS tc JOIN test_latest AS l ON "
                            "l.test_id = tc.id WHERE tc.identity GLOB :s");
    count.bind(":s", selector);
    count.executeStep();
    out.per_selector.emplace_back(selector, count.getColumn(0).getInt64());
  }
  if (selectors.empty()) {
    return out;
  }
  // The statements are built from our own fixed text; selector values are
  // bound. One selector (the usual case) joins on a range of test_case's key;
  // several are united first so that a test matched twice counts once.
  const std::string from_matched =
    selectors.size() == 1
      ? std::string("FROM test_case AS tc JOIN test_latest AS l ON l.test_id = tc.id "
                    "WHERE tc.identity GLOB :s0")
      : "FROM test_case AS tc JOIN test_latest AS l ON l.test_id = tc.id WHERE tc.identity IN (" + matched_sql + ")";
  SQLite::Statement groups(
    db, "SELECT l.evidence_id, l.status, count(*) " + from_matched + " GROUP BY l.evidence_id, l.status");
  bind_all(groups);
  std::vector<std::int64_t> evidence_ids;
  while (groups.executeStep()) {
    const std::int64_t evidence_id = groups.getColumn(0).getInt64();
    const int status = groups.getColumn(1).getInt();
    const std::int64_t n = groups.getColumn(2).getInt64();
    if (evidence_ids.empty() || evidence_ids.back() != evidence_id) {
      evidence_ids.push_back(evidence_id);
    }
    out.matched += n;
    switch (static_cast<model::ResultStatus>(status)) {
    case model::ResultStatus::passed:
    case model::ResultStatus::flaky:
      out.passed += n;
      break;
    case model::ResultStatus::failed:
    case model::ResultStatus::error:
      out.bad += n;
      break;
    case model::ResultStatus::skipped:
    case model::ResultStatus::expected_failure:
      out.not_run += n;
      break;
    }
  }
  SQLite::Statement stamp(db,
                          "SELECT id AS evidence_id, source, commit_sha, taken_at FROM evidence "
                          "WHERE id = :id");
  for (const std::int64_t id : evidence_ids) {
    stamp.bind(":id", id);
    if (stamp.executeStep()) {
      out.runs.push_back(detail::stamp_of(stamp));
    }
    stamp.reset();
  }
  std::sort(out.runs.begin(), out.runs.end(), [](const auto& a, const auto& b) {
    return std::tie(a.taken_at, a.evidence_id) < std::tie(b.taken_at, b.evidence_id);
  });
  if (selectors.size() == 1) {
    out.per_selector.emplace_back(selectors.front(), out.matched);
  }
  for (const char* statuses : {"(1, 2)", "(3, 4)"}) {
    if ((statuses[1] == '1' ? out.bad : out.not_run) == 0) {
      continue; // nothing to list
    }
    SQLite::Statement q(db,
                        "SELECT tc.identity, l.status, coalesce(l.message, ''), e.id AS evidence_id, "
                        "e.source AS source, e.commit_sha AS commit_sha, e.taken_at AS taken_at "
                          + replace_first(from_matched, "WHERE", "JOIN evidence AS e ON e.id = l.evidence_id WHERE")
                          + " AND l.status IN " + std::string(statuses) + " ORDER BY tc.identity LIMIT :limit");
    bind_all(q);
    q.bind(":limit", max_offenders);
    while (q.executeStep()) {
      out.offenders.push_back({q.getColumn(0).getString(),
                               static_cast<model::ResultStatus>(q.getColumn(1).getInt()),
                               q.getColumn(2).getString(),
                               detail::stamp_of(q)});
    }
  }
  return out;
}

std::vector<model::CiRunEvidence>
ci_runs(SQLite::Database& db)
{
  SQLite::Statement q(db, R"sql(
    SELECT r.provider, r.repository, r.run_id, r.attempt, r.workflow_name, r.workflow_path,
           r.head_branch, r.status, r.conclusion, r.url, e.id AS evidence_id, e.source AS source,
           r.head_sha AS commit_sha, e.taken_at AS taken_at
    FROM ci_run AS r JOIN evidence AS e ON e.id = r.evidence_id
    ORDER BY e.taken_at DESC, r.run_id DESC, r.attempt DESC
  )sql");
  std::vector<model::CiRunEvidence> out;
  std::map<std::tuple<std::string, std::string, std::int64_t, std::int64_t>, std::size_t> index;
  while (q.executeStep()) {
    model::CiRunEvidence run;
    run.repository = q.getColumn("repository").getString();
    run.run_id = q.getColumn("run_id").getInt64();
    run.attempt = q.getColumn("attempt").getInt64();
    run.workflow_name = q.getColumn("workflow_name").getString();
    run.workflow_path = q.getColumn("workflow_path").getString();
    run.head_branch = q.getColumn("head_branch").getString();
    run.status = q.getColumn("status").getString();
    run.conclusion = stored_conclusion(q.getColumn("conclusion"), run.run_id);
    run.url = q.getColumn("url").getString();
    run.stamp = detail::stamp_of(q);
    index[{q.getColumn("provider").getString(), run.repository, run.run_id, run.attempt}] = out.size();
    out.push_back(std::move(run));
  }
  SQLite::Statement jobs(db,
                         "SELECT provider, repository, run_id, attempt, name, conclusion FROM "
                         "ci_job ORDER BY provider, repository, run_id, attempt, job_id");
  while (jobs.executeStep()) {
    const auto it = index.find({jobs.getColumn(0).getString(),
                                jobs.getColumn(1).getString(),
                                jobs.getColumn(2).getInt64(),
                                jobs.getColumn(3).getInt64()});
    if (it != index.end()) {
      out[it->second].jobs.push_back(
        {jobs.getColumn(4).getString(), stored_conclusion(jobs.getColumn(5), jobs.getColumn(2).getInt64())});
    }
  }
  return out;
}

std::vector<model::MetricEvidence>
latest_metrics(SQLite::Database& db)
{
  SQLite::Statement q(db, R"sql(
    SELECT m.name AS name, m.value AS value, e.id AS evidence_id, e.source AS source,
           e.commit_sha AS commit_sha, e.taken_at AS taken_at
    FROM metric AS m JOIN evidence AS e ON e.id = m.evidence_id
    ORDER BY m.name, e.taken_at DESC, e.id DESC
  )sql");
  std::vector<model::MetricEvidence> out;
  while (q.executeStep()) {
    const std::string name = q.getColumn("name").getString();
    if (!out.empty() && out.back().name == name) {
      continue;
    }
    out.push_back({name, q.getColumn("value").getDouble(), detail::stamp_of(q)});
  }
  return out;
}

std::int64_t
evidence_count(SQLite::Database& db)
{
  return db.execAndGet("SELECT count(*) FROM evidence").getInt64();
}

} // namespace rl::store
