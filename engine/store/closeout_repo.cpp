#include "store/closeout_repo.hpp"

#include "store/database.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

namespace rl::store {

namespace {

// `fresh`: the entries were made by this command, so one whose id is in the
// log already is a second identical event (same second, same command), not
// the same entry coming back: it is appended under a discriminated id.
void
insert_entries(SQLite::Database& db, const std::vector<model::AuditEntry>& entries, bool fresh = false)
{
  SQLite::Statement s(db, R"sql(
    INSERT OR IGNORE INTO audit_log (id, at, user, action, milestone, command, commit_sha, summary)
    VALUES (:id, :at, :user, :action, :milestone, :command, :commit, :summary)
  )sql");
  for (const model::AuditEntry& e : entries) {
    s.bind(":id", e.id);
    s.bind(":at", e.at);
    s.bind(":user", e.user);
    s.bind(":action", e.action);
    s.bind(":milestone", e.milestone);
    s.bind(":command", e.command);
    s.bind(":commit", e.commit);
    s.bind(":summary", e.summary);
    if (s.exec() == 0 && fresh) {
      model::AuditEntry again = e;
      for (int occurrence = 2;; ++occurrence) {
        s.reset();
        model::assign_audit_id(again, occurrence);
        s.bind(":id", again.id);
        if (s.exec() > 0) {
          break;
        }
      }
    }
    s.reset();
  }
}

} // namespace

void
append_audit_entries(SQLite::Database& db, const std::vector<model::AuditEntry>& entries, AuditOrigin origin)
{
  if (entries.empty()) {
    return;
  }
  const bool fresh = origin == AuditOrigin::made_now;
  if (db.getHandle() != nullptr && sqlite3_get_autocommit(db.getHandle()) == 0) {
    insert_entries(db, entries, fresh);
    return;
  }
  SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
  insert_entries(db, entries, fresh);
  transaction.commit();
}

std::vector<model::AuditEntry>
audit_entries(SQLite::Database& db, const AuditFilter& filter)
{
  SQLite::Statement q(db, R"sql(
    SELECT id, at, user, action, milestone, command, commit_sha, summary FROM (
      SELECT * FROM audit_log
      WHERE (:milestone = '' OR milestone = :milestone)
        AND (:action = '' OR action = :action)
        AND (:since = '' OR at >= :since)
      ORDER BY seq DESC
      LIMIT CASE WHEN :limit > 0 THEN :limit ELSE -1 END)
    ORDER BY seq
  )sql");
  q.bind(":milestone", filter.milestone);
  q.bind(":action", filter.action);
  q.bind(":since", filter.since);
  q.bind(":limit", filter.limit);
  std::vector<model::AuditEntry> out;
  while (q.executeStep()) {
    out.push_back(q.getColumns<model::AuditEntry, 8>());
  }
  return out;
}

void
add_approval(SQLite::Database& db, const model::Approval& a, const model::AuditEntry& entry)
{
  WriteTransaction transaction(db); // nests in the caller's
  SQLite::Statement s(db, R"sql(
    INSERT INTO approval (milestone, name, by_user, note, at, commit_sha)
    VALUES (:milestone, :name, :by, :note, :at, :commit)
  )sql");
  s.bind(":milestone", a.milestone);
  s.bind(":name", a.name);
  s.bind(":by", a.by);
  s.bind(":note", a.note);
  s.bind(":at", a.at);
  s.bind(":commit", a.commit);
  s.exec();
  insert_entries(db, {entry}, true);
  transaction.commit();
}

std::vector<model::Approval>
approvals(SQLite::Database& db, const std::string& milestone)
{
  SQLite::Statement q(db, R"sql(
    SELECT milestone, name, by_user, note, at, commit_sha FROM approval
    WHERE milestone = :milestone ORDER BY at, id
  )sql");
  q.bind(":milestone", milestone);
  std::vector<model::Approval> out;
  while (q.executeStep()) {
    out.push_back(q.getColumns<model::Approval, 6>());
  }
  return out;
}

std::vector<model::MetricEvidence>
metrics_at_commit(SQLite::Database& db, const std::string& commit)
{
  SQLite::Statement q(db, R"sql(
    SELECT m.name, m.value, e.id, e.source, e.commit_sha, e.taken_at
    FROM metric AS m JOIN evidence AS e ON e.id = m.evidence_id
    WHERE e.commit_sha <> '' AND (substr(:commit, 1, length(e.commit_sha)) = e.commit_sha
                                  OR substr(e.commit_sha, 1, length(:commit)) = :commit)
    ORDER BY m.name, e.taken_at DESC, e.id DESC
  )sql");
  q.bind(":commit", commit);
  std::vector<model::MetricEvidence> out;
  while (q.executeStep()) {
    const std::string name = q.getColumn(0).getString();
    if (!out.empty() && out.back().name == name) {
      continue;
    }
    model::MetricEvidence m;
    m.name = name;
    m.value = q.getColumn(1).getDouble();
    m.stamp = {
      q.getColumn(2).getInt64(), q.getColumn(3).getString(), q.getColumn(4).getString(), read_time(q.getColumn(5))};
    out.push_back(std::move(m));
  }
  return out;
}

} // namespace rl::store
