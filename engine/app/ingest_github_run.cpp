// Reader of GitHub Actions documents: workflow runs (each one piece of
// evidence, keyed by repository, run id and attempt) and their job lists.
#include "app/ingest_reader.hpp"
#include "evidence/ci_run.hpp"
#include "store/database.hpp"
#include "store/evidence_repo.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"

#include <fmt/format.h>

namespace rl::app {

namespace {

class GithubRunReader final : public IngestReader
{
public:
  explicit GithubRunReader(IngestContext& context)
    : m_context(context)
  {
  }

  ReadFile ingest(const std::string& file) override
  {
    ReadFile read;
    const std::string hash = hash_evidence_file(file);
    SQLite::Database& db = m_context.db;
    if (store::evidence_exists(db, model::EvidenceKind::ci_run, hash)) {
      read.file.outcome = model::IngestOutcome::already_ingested;
      return read;
    }
    read.file.runs = store_document(file, hash);
    read.file.outcome = model::IngestOutcome::stored;
    return read;
  }

private:
  // The document's runs and job lists, stored as one unit; what happened to each.
  std::vector<model::IngestedRun> store_document(const std::string& file, const std::string& hash)
  {
    SQLite::Database& db = m_context.db;
    const EvidenceOptions& options = m_context.options;
    store::WriteTransaction file_transaction(db); // a savepoint: the file lands whole or not at all
    const evidence::CiDocument doc =
      evidence::parse_github_document(read_evidence_file(file), file, options.repository);
    std::vector<model::IngestedRun> runs;
    for (const evidence::CiRunRecord& run : doc.runs) {
      store::EvidenceHeader h = header_for(model::EvidenceKind::ci_run, hash, file, options, m_context.evidence);
      h.commit = options.commit.empty() ? run.head_sha : options.commit;
      if (options.at.empty()) { // parse_github_document refuses a run with neither time
        h.taken_at = run.updated_at ? *run.updated_at : run.created_at.value_or(h.taken_at);
      }
      if (doc.runs.size() > 1) {
        h.content_hash = util::sha256(hash + ":" + std::to_string(run.run_id) + ":" + std::to_string(run.attempt));
      }
      const store::StoreResult stored = store::store_ci_run(db, h, run);
      runs.push_back(
        {run.run_id,
         run.attempt,
         stored == store::StoreResult::stored ? model::CiRunOutcome::stored : model::CiRunOutcome::already_ingested,
         run.workflow_name,
         run.conclusion,
         run.jobs.size()});
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
      runs.push_back({jobs.run_id, jobs.attempt, model::CiRunOutcome::jobs_stored, "", std::nullopt, jobs.jobs.size()});
    }
    file_transaction.commit();
    return runs;
  }

  IngestContext& m_context;
};

} // namespace

std::unique_ptr<IngestReader>
open_github_run_reader(IngestContext& context, const std::vector<std::string>& /*files*/)
{
  return std::make_unique<GithubRunReader>(context);
}

} // namespace rl::app
