#pragma once

#include "model/closeout.hpp"
#include "model/entities.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rl::store {

// What the loader last read of one YAML file: enough to tell cheaply whether
// it changed since.
struct SourceStamp
{
  std::string path; // relative to the program root
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const SourceStamp&) const = default;
};

// The stamps recorded by the last replace_definitions, sorted by path.
std::vector<SourceStamp> read_source_stamps(SQLite::Database& db);

// Replaces every definition in the ledger with `definitions` (and the
// closeout records they were built with), records `stamps` and appends `log`
// to the audit log (entries already there, by id, are skipped), as one
// IMMEDIATE transaction: readers see the old program or the new one. Evidence,
// approvals and earlier audit entries are left alone.
void replace_definitions(SQLite::Database& db,
                         const model::Definitions& definitions,
                         const std::vector<SourceStamp>& stamps,
                         const std::vector<model::CloseoutRecord>& records = {},
                         const std::vector<model::AuditEntry>& log = {});

// The closeout records stored by the last replace_definitions, by milestone.
std::vector<model::CloseoutRecord> read_records(SQLite::Database& db);

// Records new stamps without touching the definitions (files were touched but
// their definitions did not change).
void replace_source_stamps(SQLite::Database& db, const std::vector<SourceStamp>& stamps);

// Reads the definitions back, in canonical order: what replace_definitions
// stored, equal to it (origins with path, line and column), except that
// references carry no origin (a Ref compares by id). Throws StoreError on rows the model cannot
// represent (a corrupt database).
model::Definitions read_definitions(SQLite::Database& db);

} // namespace rl::store
