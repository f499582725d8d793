#pragma once

#include "store/migrations.hpp"

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <memory>

namespace rl::store {

// How long a connection waits for another process's write lock before failing.
inline constexpr int k_busy_timeout_ms = 30000;

// Opens (creating if needed) the ledger at `path`: foreign keys on, WAL
// journal, a busy timeout, and every pending migration applied. A database
// written by a newer refactor-ledger is refused with StoreError and left as is.
SQLite::Database open_ledger(const std::filesystem::path& path);

// Keeps SQLite's process-wide memory statistics on. open_ledger turns them off
// (they take a mutex on every allocation), but `query`'s memory limit
// (sqlite3_hard_heap_limit64) works only with them. Call before the process's
// first connection opens; returns false when it is too late.
bool keep_sqlite_memory_statistics();

// Opens an existing ledger read-only (for `query`). Throws StoreError when the
// file does not exist or its schema is newer than this build knows.
SQLite::Database open_ledger_readonly(const std::filesystem::path& path);

// Applies the migrations newer than the database's user_version, each in its
// own transaction together with its version bump.
void migrate(SQLite::Database& db, const std::vector<Migration>& migrations);

// Copies committed WAL frames into the database file on a second connection
// and thread, so that a long series of write transactions (a bulk ingest) does
// not stop after each commit to do it. While it lives, `db` does not
// checkpoint by itself; destruction waits for the checkpoint under way.
class BackgroundCheckpointer
{
public:
  explicit BackgroundCheckpointer(SQLite::Database& db);
  ~BackgroundCheckpointer();
  BackgroundCheckpointer(const BackgroundCheckpointer&) = delete;
  BackgroundCheckpointer& operator=(const BackgroundCheckpointer&) = delete;

  // Checkpoints what is committed now, unless a checkpoint is under way (the
  // next one then covers both). Waits for it when the WAL has grown long.
  void request();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// The schema version this build writes (the last migration's number).
int latest_schema_version();

} // namespace rl::store
