#pragma once

// The committed ledger files (program.yaml `ledger_dir`): what one command
// stored (evidence, jobs added to a run, approvals) with its audit entries,
// as a JSON text that every clone imports. This database is their cache: the
// file is written from the rows a command stored (ledger_event_since), and a
// clone rebuilds the rows from the file (import_ledger_event).

#include "model/closeout.hpp"
#include "model/evidence.hpp"
#include "store/evidence_repo.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rl::store {

// One test result as a ledger file keeps it.
struct LedgerTest
{
  std::string identity;
  std::string file;
  std::string suite;
  model::ResultStatus status = model::ResultStatus::passed;
  std::optional<double> duration;
  std::string message; // '' for none
  bool operator==(const LedgerTest&) const = default;
};

// One evidence row with what hangs off it.
struct LedgerEvidence
{
  EvidenceHeader header;
  ResultCounts counts;                                 // junit: the file's totals
  std::vector<LedgerTest> tests;                       // junit: the results the rules select
  std::optional<model::CiRunRecord> run;               // ci_run
  std::vector<std::pair<std::string, double>> metrics; // coverage, sarif, metric
};

// Jobs added to a run stored before (`ingest github-run` of a jobs document).
struct LedgerJobs
{
  std::string provider;
  std::string repository;
  std::int64_t run_id = 0;
  std::int64_t attempt = 1;
  std::vector<model::CiJobRecord> jobs;
};

// The content of one ledger file.
struct LedgerEvent
{
  std::vector<model::AuditEntry> audit;
  std::vector<LedgerEvidence> evidence;
  std::vector<LedgerJobs> jobs;
  std::vector<model::Approval> approvals;
  bool empty() const
  {
    return evidence.empty() && jobs.empty() && approvals.empty();
  }
};

// The file's text: JSON with a fixed key order, one test result per line,
// trailing newline (same event, same bytes).
std::string format_ledger_event(const LedgerEvent& event);

struct LedgerParseError
{
  std::size_t offset = 0; // byte offset of a JSON syntax problem (else 0)
  std::string pointer;    // JSON Pointer of a bad value ('' for syntax problems)
  std::string message;
};

// Parses and checks a ledger file's text (every field's type and range, times,
// enums, bounded sizes); on failure returns nullopt and fills `error`.
std::optional<LedgerEvent> parse_ledger_event(const std::string& text, LedgerParseError& error);

// Where the rows stored by a command begin (taken before it stores anything).
struct LedgerMark
{
  std::int64_t evidence = 0;
  std::int64_t job = 0;
  std::int64_t approval = 0;
  std::int64_t audit = 0;
};
LedgerMark ledger_mark(SQLite::Database& db);

// Everything stored since `mark`, as a ledger file keeps it: evidence with the
// results of the tests matching any GLOB of `selectors` (the rest as counts),
// jobs added to earlier runs, approvals and audit entries.
LedgerEvent ledger_event_since(SQLite::Database& db, const LedgerMark& mark, const std::vector<std::string>& selectors);

// Names `file` as the ledger file of the evidence and approvals stored since `mark`.
void assign_ledger_file(SQLite::Database& db, const LedgerMark& mark, const std::string& file);

// Stores a ledger file's content (evidence already stored is left as it is,
// audit entries already in the log are skipped), inside the caller's
// transaction, and names `file` as its rows' ledger file.
void import_ledger_event(SQLite::Database& db, const LedgerEvent& event, const std::string& file, TestCaseCache& cache);

// The ledger files of a closed period folded into one (`gc`), in file order:
// the evidence of all of them once each (by kind and content hash) with, of
// the test results, only the latest of each test (by time taken, then file
// order: the ones a later result replaces are dropped, the counts stay); the
// jobs; the approvals of milestones not in `closed` (a closeout record carries
// the others); the audit entries whose ids are not in `carried` (the closeout
// records carry them). `dropped` counts the results left out.
LedgerEvent fold_ledger_events(const std::vector<LedgerEvent>& events,
                               const std::vector<std::string>& closed,
                               const std::vector<std::string>& carried,
                               std::int64_t& dropped);

// The evidence and approvals of the files `from` now belong to file `to`;
// `from` are no longer held.
void rename_ledger_files(SQLite::Database& db, const std::vector<std::string>& from, const std::string& to);

struct LedgerFileStamp
{
  std::string name;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const LedgerFileStamp&) const = default;
};

// The ledger files this database holds, by name.
std::vector<LedgerFileStamp> ledger_file_stamps(SQLite::Database& db);
void record_ledger_file(SQLite::Database& db, const LedgerFileStamp& stamp);

// Drops every row that came from a ledger file (evidence with its results,
// runs and metrics; approvals) and the list of files, and recomputes the
// latest result of each test from what remains. Audit entries stay (the log
// is append-only).
void forget_ledger_files(SQLite::Database& db);

} // namespace rl::store
