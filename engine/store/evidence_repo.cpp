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

constexpr const char* k_insert_evidence_sql = R"sql(
  INSERT INTO evidence (kind, content_hash, source, path, commit_sha, taken_at, recorded_at)
  VALUES (:kind, :hash, :source, :path, :commit, :taken_at, :recorded_at)
)sql";

} // namespace

namespace detail {

std::int64_t
insert_evidence(SQLite::Database& db, const EvidenceHeader& h)
{
  SQLite::Statement s(db, k_insert_evidence_sql);
  s.bind(":kind", std::string(model::to_string(h.kind)));
  s.bind(":hash", h.content_hash);
  s.bind(":source", h.source);
  s.bind(":path", h.path);
  s.bind(":commit", h.commit);
  s.bind(":taken_at", h.taken_at.text());
  s.bind(":recorded_at", h.recorded_at.text());
  s.exec();
  return db.getLastInsertRowid();
}

model::EvidenceStamp
stamp_of(SQLite::Statement& q)
{
  return {q.getColumn("evidence_id").getInt64(),
          q.getColumn("source").getString(),
          q.getColumn("commit_sha").getString(),
          read_time(q.getColumn("taken_at"))};
}

} // namespace detail

std::unordered_set<std::string>
evidence_hashes(SQLite::Database& db, model::EvidenceKind kind)
{
  std::unordered_set<std::string> out;
  SQLite::Statement q(db, "SELECT content_hash FROM evidence WHERE kind = :kind");
  q.bind(":kind", std::string(model::to_string(kind)));
  while (q.executeStep()) {
    out.insert(q.getColumn(0).getString());
  }
  return out;
}

bool
evidence_exists(SQLite::Database& db, model::EvidenceKind kind, const std::string& hash)
{
  SQLite::Statement q(db, "SELECT 1 FROM evidence WHERE kind = :kind AND content_hash = :hash");
  q.bind(":kind", std::string(model::to_string(kind)));
  q.bind(":hash", hash);
  return q.executeStep();
}

IngestBatch::IngestBatch(SQLite::Database& db)
  : m_db(db)
  , m_checkpointer(db)
{
  // Each file's savepoint keeps the pages it changes in a sub-journal; in
  // memory rather than in a temporary file (a few pages per file).
  m_db.exec("PRAGMA temp_store = MEMORY");
  m_db.exec("BEGIN IMMEDIATE");
  m_active = true;
}

IngestBatch::~IngestBatch()
{
  if (m_active) {
    try {
      m_db.exec("ROLLBACK");
    } catch (const SQLite::Exception&) { // nothing more can be done in a destructor
    }
  }
}

void
IngestBatch::checkpoint()
{
  m_db.exec("COMMIT");
  m_active = false;
  m_checkpointer.request();
  m_db.exec("BEGIN IMMEDIATE");
  m_active = true;
}

void
IngestBatch::commit()
{
  if (m_active) {
    m_db.exec("COMMIT");
    m_active = false;
    m_checkpointer.request();
  }
}
namespace {

void
insert_jobs(SQLite::Database& db,
            const std::string& provider,
            const std::string& repository,
            std::int64_t run_id,
            std::int64_t attempt,
            const std::vector<model::CiJobRecord>& jobs)
{
  SQLite::Statement s(db,
                      "INSERT OR REPLACE INTO ci_job (provider, repository, run_id, attempt, "
                      "job_id, name, status, conclusion, started_at, completed_at, steps) VALUES "
                      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const model::CiJobRecord& j : jobs) {
    s.bind(1, provider);
    s.bind(2, repository);
    s.bind(3, run_id);
    s.bind(4, attempt);
    s.bind(5, j.id);
    s.bind(6, j.name);
    s.bind(7, j.status);
    s.bind(8, model::conclusion_text(j.conclusion));
    s.bind(9, stored_time(j.started_at));
    s.bind(10, stored_time(j.completed_at));
    s.bind(11, j.steps_json);
    s.exec();
    s.reset();
  }
}

bool
run_exists(SQLite::Database& db,
           const std::string& provider,
           const std::string& repository,
           std::int64_t run_id,
           std::int64_t attempt)
{
  SQLite::Statement q(db,
                      "SELECT 1 FROM ci_run WHERE provider = ? AND repository = ? AND run_id = ? "
                      "AND attempt = ?");
  q.bind(1, provider);
  q.bind(2, repository);
  q.bind(3, run_id);
  q.bind(4, attempt);
  return q.executeStep();
}

} // namespace

StoreResult
store_ci_run(SQLite::Database& db, const EvidenceHeader& header, const model::CiRunRecord& run)
{
  // The reader refuses these (exit 3); here they would be a bug.
  if (run.run_id < 0 || run.attempt < 1) {
    throw std::invalid_argument(fmt::format("CI run {} attempt {} is out of range", run.run_id, run.attempt));
  }
  WriteTransaction transaction(db); // nests in an ingest's transaction
  if (run_exists(db, run.provider, run.repository, run.run_id, run.attempt)) {
    if (!run.jobs.empty()) {
      insert_jobs(db, run.provider, run.repository, run.run_id, run.attempt, run.jobs);
      transaction.commit();
    }
    return StoreResult::already_stored;
  }
  const std::int64_t id = detail::insert_evidence(db, header);
  SQLite::Statement s(db,
                      "INSERT INTO ci_run (evidence_id, provider, repository, run_id, attempt, "
                      "workflow_name, workflow_path, head_sha, head_branch, event, status, "
                      "conclusion, created_at, updated_at, url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                      "?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, id);
  s.bind(2, run.provider);
  s.bind(3, run.repository);
  s.bind(4, run.run_id);
  s.bind(5, run.attempt);
  s.bind(6, run.workflow_name);
  s.bind(7, run.workflow_path);
  s.bind(8, run.head_sha);
  s.bind(9, run.head_branch);
  s.bind(10, run.event);
  s.bind(11, run.status);
  s.bind(12, model::conclusion_text(run.conclusion));
  s.bind(13, stored_time(run.created_at));
  s.bind(14, stored_time(run.updated_at));
  s.bind(15, run.url);
  s.exec();
  insert_jobs(db, run.provider, run.repository, run.run_id, run.attempt, run.jobs);
  transaction.commit();
  return StoreResult::stored;
}

StoreResult
store_ci_jobs(SQLite::Database& db,
              const std::string& provider,
              const std::string& repository,
              std::int64_t run_id,
              std::int64_t attempt,
              const std::vector<model::CiJobRecord>& jobs)
{
  WriteTransaction transaction(db); // nests in an ingest's transaction
  if (!run_exists(db, provider, repository, run_id, attempt)) {
    return StoreResult::run_unknown;
  }
  insert_jobs(db, provider, repository, run_id, attempt, jobs);
  transaction.commit();
  return StoreResult::stored;
}

void
store_metrics(SQLite::Database& db,
              const EvidenceHeader& header,
              const std::vector<std::pair<std::string, double>>& metrics)
{
  // The readers refuse non-finite numbers; SQLite would store NaN as NULL
  // (and fail NOT NULL) and infinities as they are, so a value that got this
  // far is a bug, never input to store.
  for (const auto& [name, value] : metrics) {
    if (!std::isfinite(value)) {
      throw std::invalid_argument(fmt::format("metric {} is not a finite number", name));
    }
  }
  WriteTransaction transaction(db); // nests in an ingest's transaction
  const std::int64_t id = detail::insert_evidence(db, header);
  SQLite::Statement s(db, "INSERT OR REPLACE INTO metric (evidence_id, name, value) VALUES (?, ?, ?)");
  for (const auto& [name, value] : metrics) {
    s.bind(1, id);
    s.bind(2, name);
    s.bind(3, value);
    s.exec();
    s.reset();
  }
  transaction.commit();
}

} // namespace rl::store
