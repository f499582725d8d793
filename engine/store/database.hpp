#pragma once

#include "model/timestamp.hpp"
#include "store/migrations.hpp"
#include "util/error.hpp"

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace rl::store {

// How long a connection waits for another process's write lock before failing.
inline constexpr int k_busy_timeout_ms = 30000;

// The ledger cannot be written where it is: a read-only file, folder or file
// system (also for root: a read-only mount or an immutable file). Exit code 4
// like any StoreError; read commands catch it and work on a read-only or an
// in-memory copy instead.
class ReadOnlyError : public util::StoreError
{
public:
  using util::StoreError::StoreError;
};

// Why the ledger at `path` (the file, its -wal/-shm companions and its folder,
// or the folders it would be created in) cannot be written, or nullopt when it
// can. Asks the kernel (access(2)), so it holds for root too.
std::optional<std::string> ledger_write_problem(const std::filesystem::path& path);

// Opens (creating if needed) the ledger at `path`: foreign keys on, WAL
// journal, a busy timeout, and every pending migration applied. A database
// written by a newer refactor-ledger is refused with StoreError and left as is;
// one that cannot be written is refused with ReadOnlyError before anything is
// created or changed.
SQLite::Database open_ledger(const std::filesystem::path& path);

// Keeps SQLite's process-wide memory statistics on. open_ledger turns them off
// (they take a mutex on every allocation), but `query`'s memory limit
// (sqlite3_hard_heap_limit64) works only with them. Call before the process's
// first connection opens; returns false when it is too late.
bool keep_sqlite_memory_statistics();

// Opens an existing ledger read-only (`query`, and read commands on a
// read-only ledger). In a folder where SQLite cannot create its -shm file
// (read-only media) it opens the file as immutable. Throws StoreError when the
// file does not exist or its schema is newer than this build knows.
SQLite::Database open_ledger_readonly(const std::filesystem::path& path);

// A ledger in memory: a copy of `source` (SQLite's backup API) when given,
// else empty; migrated to this build's schema. Nothing of it is ever saved.
SQLite::Database open_memory_ledger(SQLite::Database* source = nullptr);

// A time as the store keeps it (model::Timestamp::text(), '' for none), and
// back: a stored time that is not one is a corrupt ledger (StoreError).
std::string stored_time(const std::optional<model::Timestamp>& time);
model::Timestamp read_time(const SQLite::Column& column);

// Makes the connection refuse every write (PRAGMA query_only).
void set_query_only(SQLite::Database& db);

// One unit of writes that nests: BEGIN IMMEDIATE when no transaction is open
// (waiting up to the busy timeout for other writers), else a SAVEPOINT inside
// the caller's transaction. Destruction without commit() rolls back what it
// did (only its savepoint, when nested).
class WriteTransaction
{
public:
  explicit WriteTransaction(SQLite::Database& db);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  void commit();

private:
  SQLite::Database& m_db;
  bool m_nested = false;
  bool m_open = false;
};

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
