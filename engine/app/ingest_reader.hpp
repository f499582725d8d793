#pragma once

// Internal to app/: the evidence kinds `ingest` takes, one reader each behind
// one interface, listed in one table (ingest_reader.cpp). Adding a kind: a
// reader in its own file (app/ingest_<kind>.cpp, on a parser in evidence/ and
// its storage in store/), its row in the table, and its subcommand in
// cli/evidence_commands.cpp.

#include "app/evidence_support.hpp"
#include "model/evidence_results.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rl::app {

// What a reader works with while a command ingests its files.
struct IngestContext
{
  SQLite::Database& db;
  const EvidenceContext& evidence;
  const EvidenceOptions& options;
};

// One file as a reader left it: `file.outcome` (stored or already_ingested)
// with what it stored (tests, metrics or runs); the command fills in the
// path and kind. `rows`: results written, which decide when the command
// commits a part (store::IngestBatch::k_batch_rows).
struct ReadFile
{
  model::IngestedFile file;
  std::int64_t rows = 0;
};

// Reads the files of one command, in the order the command gives them.
class IngestReader
{
public:
  virtual ~IngestReader() = default;
  // The next file: hashes it, leaves it when evidence of the same content is
  // stored (already_ingested), else parses it and stores it inside the
  // command's transaction, all of it or nothing. Throws util::InputError
  // when the file is rejected (nothing of it is stored), util::StoreError
  // when it cannot be read.
  virtual ReadFile ingest(const std::string& file) = 0;
};

// One row of the table: an evidence kind and how it is read.
struct IngestReaderKind
{
  std::string_view name;      // the `ingest` subcommand: junit, github-run, ...
  model::EvidenceKind kind;   // what it stores (evidence.kind, and the audit log's name)
  std::string_view extension; // what a directory given as a path is searched for
  bool counts_tests;          // its files hold test results: a total is shown
  bool warns_without_commit;  // its evidence has no commit of its own: warn when none is known
  // A reader for `files` (all the command's files, in order: it may read
  // ahead). `context` outlives it.
  std::unique_ptr<IngestReader> (*open)(IngestContext& context, const std::vector<std::string>& files);
};

// The row named `name`; throws std::logic_error for an unknown name (a bug
// in the command line wiring).
const IngestReaderKind& ingest_reader_kind(std::string_view name);

std::unique_ptr<IngestReader> open_junit_reader(IngestContext& context, const std::vector<std::string>& files);
std::unique_ptr<IngestReader> open_github_run_reader(IngestContext& context, const std::vector<std::string>& files);
std::unique_ptr<IngestReader> open_coverage_reader(IngestContext& context, const std::vector<std::string>& files);
std::unique_ptr<IngestReader> open_sarif_reader(IngestContext& context, const std::vector<std::string>& files);

// For readers: refuses a file over the limit 'file-bytes' before anything
// reads it (exit 3, not 4); a size that cannot be found is left to the read.
void check_evidence_size(const std::string& file);

// For readers: the SHA-256 of a file read whole, its size checked first.
std::string hash_evidence_file(const std::string& file);

// For readers: an evidence file read whole, its size checked first.
std::string read_evidence_file(const std::string& file);

} // namespace rl::app
