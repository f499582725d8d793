#include "store/database.hpp"

#include "util/error.hpp"

#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace rl::store {

namespace {

void
refuse_newer(SQLite::Database& db, int current, int latest)
{
  if (current > latest) {
    throw util::StoreError(fmt::format(
      "{}: schema version {} is newer than this refactor-ledger supports ({}); upgrade "
      "refactor-ledger, or delete the database to rebuild it from the YAML",
      db.getFilename(),
      current,
      latest));
  }
}

} // namespace

int
latest_schema_version()
{
  const auto& migrations = all_migrations();
  return migrations.empty() ? 0 : migrations.back().version;
}

void
migrate(SQLite::Database& db, const std::vector<Migration>& migrations)
{
  const int current = db.execAndGet("PRAGMA user_version").getInt();
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  refuse_newer(db, current, latest);
  for (const Migration& migration : migrations) {
    if (migration.version <= current) {
      continue;
    }
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    // Another process may have migrated while we waited for the lock.
    if (db.execAndGet("PRAGMA user_version").getInt() >= migration.version) {
      continue;
    }
    db.exec(std::string(migration.sql));
    // PRAGMA takes no bound parameters; the value is our own integer.
    db.exec(fmt::format("PRAGMA user_version = {}", migration.version));
    transaction.commit();
  }
}

namespace {
bool g_keep_memory_statistics = false;
} // namespace

bool
keep_sqlite_memory_statistics()
{
  // sqlite3_config fails (SQLITE_MISUSE) once SQLite is initialised.
  g_keep_memory_statistics = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1) == SQLITE_OK;
  return g_keep_memory_statistics;
}

SQLite::Database
open_ledger(const std::filesystem::path& path)
{
  // No global memory statistics: they take a mutex on every allocation. Must
  // run before SQLite initialises (the first connection); later calls are no-ops.
  static const int k_configured = g_keep_memory_statistics ? SQLITE_OK : sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)k_configured;
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      throw util::StoreError(fmt::format(
        "cannot create {}: {}", path.parent_path().generic_string(), ec.message()));
    }
  }
  try {
    // One connection per process, used from one thread: no SQLite mutexes.
    SQLite::Database db(path.string(),
                        SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
                        k_busy_timeout_ms);
    db.exec("PRAGMA foreign_keys = ON"); // per connection, off by default
    // Check the version before anything writes (WAL switch included).
    refuse_newer(db, db.execAndGet("PRAGMA user_version").getInt(), latest_schema_version());
    // 8 KiB pages: bulk ingestion writes about 10% faster than with 4 KiB.
    // Takes effect only on a new (empty) database; existing ledgers keep theirs.
    db.exec("PRAGMA page_size = 8192");
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    // Bulk ingestion inserts into several indexes at once; a larger page
    // cache keeps their hot pages in memory (64 MiB at most, used on demand).
    db.exec("PRAGMA cache_size = -65536");
    migrate(db, all_migrations());
    return db;
  } catch (const SQLite::Exception& e) {
    throw util::StoreError(
      fmt::format("cannot open the ledger {}: {}", path.generic_string(), e.what()));
  }
}

struct BackgroundCheckpointer::Impl
{
  // While the WAL is longer than this (256 MiB), request() waits for its
  // checkpoint: a transaction can start the WAL over only when all of it is
  // checkpointed, and the next one begins right after a commit.
  static constexpr std::int64_t k_restart_bytes = std::int64_t{256} << 20;

  explicit Impl(SQLite::Database& database)
    : db(database),
      automatic_pages(db.execAndGet("PRAGMA wal_autocheckpoint").getInt()),
      restart_frames(static_cast<int>(k_restart_bytes / db.execAndGet("PRAGMA page_size").getInt64())),
      connection(db.getFilename(), SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX)
  {
    // A connection learns that the database is in WAL mode when it first reads it.
    connection.exec("PRAGMA schema_version");
    sqlite3_wal_autocheckpoint(db.getHandle(), 0);
    worker = std::thread([this] { run(); });
  }

  ~Impl()
  {
    {
      const std::lock_guard lock(mutex);
      stopping = true;
    }
    changed.notify_all();
    worker.join();
    sqlite3_wal_autocheckpoint(db.getHandle(), automatic_pages);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void
  run()
  {
    std::unique_lock lock(mutex);
    for (;;) {
      changed.wait(lock, [this] { return requested || stopping; });
      if (!requested) {
        return;
      }
      requested = false;
      busy = true;
      lock.unlock();
      // PASSIVE never waits for (or blocks) writers. A failure is harmless:
      // the frames stay in the WAL for the next checkpoint.
      int frames = 0;
      sqlite3_wal_checkpoint_v2(connection.getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, nullptr);
      lock.lock();
      busy = false;
      wal_frames = frames;
      changed.notify_all();
    }
  }

  SQLite::Database& db;
  int automatic_pages; // db's wal_autocheckpoint, restored at the end
  int restart_frames;  // k_restart_bytes in pages
  SQLite::Database connection;
  std::mutex mutex;
  std::condition_variable changed;
  bool requested = false;
  bool busy = false;
  bool stopping = false;
  int wal_frames = 0; // as the last checkpoint found it
  std::thread worker;
};

BackgroundCheckpointer::BackgroundCheckpointer(SQLite::Database& db)
  : m_impl(std::make_unique<Impl>(db))
{
}

BackgroundCheckpointer::~BackgroundCheckpointer() = default;

void
BackgroundCheckpointer::request()
{
  Impl& c = *m_impl;
  std::unique_lock lock(c.mutex);
  c.requested = true;
  c.changed.notify_all();
  if (c.wal_frames > c.restart_frames) {
    c.changed.wait(lock, [&c] { return !c.requested && !c.busy; });
  }
}

SQLite::Database
open_ledger_readonly(const std::filesystem::path& path)
{
  if (!std::filesystem::exists(path)) {
    throw util::StoreError(fmt::format("no ledger at {}", path.generic_string()));
  }
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY, k_busy_timeout_ms);
  refuse_newer(db, db.execAndGet("PRAGMA user_version").getInt(), latest_schema_version());
  return db;
}

} // namespace rl::store
