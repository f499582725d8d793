#pragma once

// Internal to store/: what the files of the evidence repository share.
// evidence_repo.cpp holds the evidence header, the ingest batch, CI runs and
// metrics; evidence_repo_results.cpp writes JUnit test results;
// evidence_repo_read.cpp reads evidence back for the rule engine. Not a public
// header: only store/*.cpp include it.

#include "store/evidence_repo.hpp"

#include <SQLiteCpp/Statement.h>

#include <cstdint>

namespace rl::store::detail {

// Inserts the evidence row of `h`; returns its id.
std::int64_t insert_evidence(SQLite::Database& db, const EvidenceHeader& h);

// The stamp of a row with evidence_id, source, commit_sha and taken_at columns.
model::EvidenceStamp stamp_of(SQLite::Statement& q);

} // namespace rl::store::detail
