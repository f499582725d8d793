#pragma once

#include "store/migrations.hpp"

#include <SQLiteCpp/Database.h>

#include <filesystem>

namespace rl::store {

// How long a connection waits for another process's write lock before failing.
inline constexpr int k_busy_timeout_ms = 30000;

// Opens (creating if needed) the ledger at `path`: foreign keys on, WAL
// journal, a busy timeout, and every pending migration applied. A database
// written by a newer refactor-ledger is refused with StoreError and left as is.
SQLite::Database open_ledger(const std::filesystem::path& path);

// Opens an existing ledger read-only (for `query`). Throws StoreError when the
// file does not exist or its schema is newer than this build knows.
SQLite::Database open_ledger_readonly(const std::filesystem::path& path);

// Applies the migrations newer than the database's user_version, each in its
// own transaction together with its version bump.
void migrate(SQLite::Database& db, const std::vector<Migration>& migrations);

// The schema version this build writes (the last migration's number).
int latest_schema_version();

} // namespace rl::store
