#include "store/database.hpp"

#include "util/error.hpp"

#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

#include <sqlite3.h>

#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <thread>

#include <unistd.h>

namespace rl::store {

namespace {

void
refuse_newer(SQLite::Database& db, int current, int latest)
{
  if (current > latest) {
    throw util::StoreError(
      fmt::format("{}: schema version {} is newer than this refactor-ledger supports ({}); upgrade "
                  "refactor-ledger, or delete the database to rebuild it from the YAML",
                  db.getFilename(),
                  current,
                  latest));
  }
}

// Why `path` cannot be written ('' when it can).
std::string
access_problem(const std::filesystem::path& path)
{
  if (::access(path.c_str(), W_OK) == 0) {
    return {};
  }
  return fmt::format("{} is not writable ({})", path.generic_string(), std::strerror(errno));
}

// "what to do" for a write refused on a read-only ledger.
std::string
read_only_help(const std::filesystem::path& path)
{
  return fmt::format("this command changes the ledger: run it where {} can be written, or pass --db PATH "
                     "(a writable copy); read commands work on a read-only ledger",
                     path.generic_string());
}

} // namespace

std::optional<std::string>
ledger_write_problem(const std::filesystem::path& path)
{
  std::error_code ec;
  // The nearest folder that exists: the ledger's, or where it would be created.
  std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  while (!std::filesystem::exists(dir, ec) && dir.has_parent_path() && dir.parent_path() != dir) {
    dir = dir.parent_path();
  }
  // SQLite creates its -wal and -shm files (or a rollback journal) beside the database.
  std::string problem = access_problem(dir);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::filesystem::path file = path.string() + suffix;
    if (problem.empty() && std::filesystem::exists(file, ec)) {
      problem = access_problem(file);
    }
  }
  if (problem.empty()) {
    return std::nullopt;
  }
  return problem;
}

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
  // sqlite3_config fails (SQLITE_MISUSE) once SQLite is initialised: a
  // second call finds them kept by the first.
  if (g_keep_memory_statistics) {
    return true;
  }
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
  // Refused before anything is created: a read-only file system, folder or
  // file (for root too: access(2) reports read-only mounts and immutable files).
  if (const auto problem = ledger_write_problem(path)) {
    throw ReadOnlyError(
      fmt::format("cannot write the ledger {}: {}; {}", path.generic_string(), *problem, read_only_help(path)));
  }
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      throw util::StoreError(fmt::format("cannot create {}: {}", path.parent_path().generic_string(), ec.message()));
    }
  }
  try {
    // One connection per process, used from one thread: no SQLite mutexes.
    SQLite::Database db(
      path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX, k_busy_timeout_ms);
    // SQLite falls back to read-only when the file cannot be opened for writing.
    if (sqlite3_db_readonly(db.getHandle(), "main") == 1) {
      throw ReadOnlyError(
        fmt::format("cannot write the ledger {}: it opens read-only; {}", path.generic_string(), read_only_help(path)));
    }
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
    throw util::StoreError(fmt::format("cannot open the ledger {}: {}", path.generic_string(), e.what()));
  }
}

struct BackgroundCheckpointer::Impl
{
  // While the WAL is longer than this (256 MiB), request() waits for its
  // checkpoint: a transaction can start the WAL over only when all of it is
  // checkpointed, and the next one begins right after a commit.
  static constexpr std::int64_t k_restart_bytes = std::int64_t{256} << 20;

  explicit Impl(SQLite::Database& database)
    : db(database)
    , automatic_pages(db.execAndGet("PRAGMA wal_autocheckpoint").getInt())
    , restart_frames(static_cast<int>(k_restart_bytes / db.execAndGet("PRAGMA page_size").getInt64()))
    , connection(db.getFilename(), SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX)
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

  void run()
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

namespace {

// file: URI of `path` (for mode=ro / immutable=1): '%', '?' and '#' escaped.
std::string
file_uri(const std::filesystem::path& path)
{
  std::string uri = "file:";
  for (const char c : std::filesystem::absolute(path).string()) {
    if (c == '%' || c == '?' || c == '#') {
      uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      uri += c;
    }
  }
  return uri;
}

} // namespace

SQLite::Database
open_ledger_readonly(const std::filesystem::path& path)
{
  if (!std::filesystem::exists(path)) {
    throw util::StoreError(fmt::format("no ledger at {}", path.generic_string()));
  }
  const int flags = SQLite::OPEN_READONLY | SQLite::OPEN_URI | SQLite::OPEN_NOMUTEX;
  try {
    SQLite::Database db(file_uri(path) + "?mode=ro", flags, k_busy_timeout_ms);
    refuse_newer(db, db.execAndGet("PRAGMA user_version").getInt(), latest_schema_version());
    return db;
  } catch (const util::StoreError&) {
    throw;
  } catch (const SQLite::Exception& e) {
    // A WAL database needs its -shm file; where it cannot be created (a
    // read-only folder or mount) the file is read as immutable: nobody can be
    // writing it there.
    if (!ledger_write_problem(path)) {
      throw util::StoreError(fmt::format("cannot read the ledger {}: {}", path.generic_string(), e.what()));
    }
  }
  try {
    SQLite::Database db(file_uri(path) + "?immutable=1", flags, k_busy_timeout_ms);
    refuse_newer(db, db.execAndGet("PRAGMA user_version").getInt(), latest_schema_version());
    return db;
  } catch (const SQLite::Exception& e) {
    throw util::StoreError(fmt::format("cannot read the ledger {}: {}", path.generic_string(), e.what()));
  }
}

SQLite::Database
open_memory_ledger(SQLite::Database* source)
{
  try {
    SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
    if (source != nullptr) {
      sqlite3_backup* backup = sqlite3_backup_init(db.getHandle(), "main", source->getHandle(), "main");
      if (backup == nullptr) {
        throw util::StoreError(
          fmt::format("cannot copy the ledger {} into memory: {}", source->getFilename(), db.getErrorMsg()));
      }
      const int step = sqlite3_backup_step(backup, -1);
      const int finish = sqlite3_backup_finish(backup);
      if (step != SQLITE_DONE || finish != SQLITE_OK) {
        throw util::StoreError(fmt::format("cannot copy the ledger {} into memory: {}",
                                           source->getFilename(),
                                           sqlite3_errstr(step != SQLITE_DONE ? step : finish)));
      }
    }
    db.exec("PRAGMA foreign_keys = ON");
    refuse_newer(db, db.execAndGet("PRAGMA user_version").getInt(), latest_schema_version());
    migrate(db, all_migrations());
    return db;
  } catch (const SQLite::Exception& e) {
    throw util::StoreError(fmt::format("cannot build the ledger in memory: {}", e.what()));
  }
}

std::string
stored_time(const std::optional<model::Timestamp>& time)
{
  return time ? time->text() : std::string();
}

model::Timestamp
read_time(const SQLite::Column& column)
{
  const std::string text = column.getString();
  if (const std::optional<model::Timestamp> time = model::Timestamp::parse(text)) {
    return *time;
  }
  throw util::StoreError(fmt::format("corrupt ledger: '{}' in {} is not a time; delete the database to rebuild it "
                                     "from the YAML and the evidence",
                                     text,
                                     column.getName()));
}

void
set_query_only(SQLite::Database& db)
{
  db.exec("PRAGMA query_only = ON");
}

WriteTransaction::WriteTransaction(SQLite::Database& db)
  : m_db(db)
  , m_nested(sqlite3_get_autocommit(db.getHandle()) == 0)
{
  m_db.exec(m_nested ? "SAVEPOINT rl_write" : "BEGIN IMMEDIATE");
  m_open = true;
}

WriteTransaction::~WriteTransaction()
{
  if (!m_open) {
    return;
  }
  try {
    if (m_nested) {
      m_db.exec("ROLLBACK TO rl_write");
      m_db.exec("RELEASE rl_write");
    } else {
      m_db.exec("ROLLBACK");
    }
  } catch (const SQLite::Exception&) { // nothing more can be done in a destructor
  }
}

void
WriteTransaction::commit()
{
  m_db.exec(m_nested ? "RELEASE rl_write" : "COMMIT");
  m_open = false;
}

} // namespace rl::store
