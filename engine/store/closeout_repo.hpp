#pragma once

// The ledger's history: the append-only audit log and approvals, plus the
// evidence queries closeout gates ask.

#include "model/closeout.hpp"
#include "model/evidence.hpp"

#include <SQLiteCpp/Database.h>

#include <string>
#include <vector>

namespace rl::store {

enum class AuditOrigin {
  // Entries carried by closeout records, coming back after a rebuild: one
  // whose id is in the log already is skipped.
  carried,
  // Entries this command made: one identical to an entry in the log (the
  // same command, user and summary in the same second) is a second event,
  // appended under an id of its own (model::assign_audit_id's occurrence).
  made_now,
};

// Appends entries to the log (see AuditOrigin). Runs inside the caller's
// transaction when there is one, else in its own.
void append_audit_entries(SQLite::Database& db,
                          const std::vector<model::AuditEntry>& entries,
                          AuditOrigin origin = AuditOrigin::carried);

struct AuditFilter
{
  std::string milestone; // '' = any
  std::string action;    // '' = any
  std::string since;     // UTC time or date prefix; '' = from the start
  int limit = 0;         // 0 = all; else the latest `limit` entries
};

// Entries in the order they were appended.
std::vector<model::AuditEntry> audit_entries(SQLite::Database& db, const AuditFilter& filter = {});

// Records a sign-off and its audit entry in one transaction.
void add_approval(SQLite::Database& db, const model::Approval& approval, const model::AuditEntry& entry);

// The approvals of `milestone`, oldest first.
std::vector<model::Approval> approvals(SQLite::Database& db, const std::string& milestone);

// The latest value of each metric recorded at `commit` (a full or abbreviated
// SHA, matched as a prefix either way).
std::vector<model::MetricEvidence> metrics_at_commit(SQLite::Database& db, const std::string& commit);

} // namespace rl::store
