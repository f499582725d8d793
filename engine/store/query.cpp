#include "store/query.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <set>
#include <stdexcept>
#include <string>

#include <sqlite3.h>

namespace rl::store {

namespace {

bool
named(const char* name, std::initializer_list<const char*> list)
{
  return name != nullptr
         && std::any_of(list.begin(), list.end(), [&](const char* n) { return sqlite3_stricmp(name, n) == 0; });
}

// PRAGMAs that only read whatever their argument (a table or index name).
bool
pragma_reads_with_argument(const char* name)
{
  return named(name,
               {"table_info",
                "table_xinfo",
                "table_list",
                "index_list",
                "index_info",
                "index_xinfo",
                "foreign_key_list",
                "foreign_key_check"});
}

// PRAGMAs that read a value when given no argument (and set it when given
// one). Not here: the ones that act even when read (optimize, wal_checkpoint,
// incremental_vacuum, shrink_memory) and the checks that scan the whole file
// (integrity_check, quick_check).
bool
pragma_reads_without_argument(const char* name)
{
  return named(name,
               {"user_version",
                "schema_version",
                "application_id",
                "data_version",
                "page_count",
                "page_size",
                "freelist_count",
                "max_page_count",
                "journal_mode",
                "auto_vacuum",
                "encoding",
                "foreign_keys",
                "compile_options",
                "collation_list",
                "database_list",
                "function_list",
                "module_list",
                "pragma_list"});
}

// Functions a query may not call, whatever SQLite build runs it (some exist
// only in the sqlite3 shell or in extensions: they are named in case a build
// registers them).
bool
function_denied(const char* name)
{
  return named(name,
               {
                 "load_extension",     // loads native code
                 "fts3_tokenizer",     // reads and writes native pointers
                 "fts5",               // hands out a native API pointer
                 "readfile",           // shell: reads any file
                 "writefile",          // shell: writes any file
                 "edit",               // shell: runs an editor
                 "zipfile",            // shell: builds archives
                 "zipfile_cds",        // shell: zipfile internals
                 "sqlar_compress",     // shell: archive internals
                 "sqlar_uncompress",   // shell: archive internals
                 "sha3_query",         // shell: runs other SQL
                 "eval",               // extension: runs other SQL
                 "usleep",             // shell: blocks the process
                 "sqlite_log",         // writes to the process's SQLite log
                 "optimize",           // FTS: rewrites the index (a write)
                 "icu_load_collation", // ICU: changes the connection
                 "rtreenode",          // debugging: parses any blob as an r-tree node
                 "rtreedepth",         // debugging: parses any blob as an r-tree node
               });
}

// Table-valued functions that reach files (shell-only; named in case a build
// registers them).
bool
table_denied(const char* name)
{
  return named(name, {"fsdir", "zipfile", "sqlite_dbptr"});
}

bool
schema_table(const char* name)
{
  return named(name, {"sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema"});
}

// What the authorizer refused first, for the message ("" when it was none
// of the named cases).
struct Refusal
{
  bool refused = false;
  std::string what;
};

int
deny(void* user, std::string what)
{
  auto* refusal = static_cast<Refusal*>(user);
  if (!refusal->refused) {
    refusal->refused = true;
    refusal->what = std::move(what);
  }
  return SQLITE_DENY;
}

// Allows reading only (see the header for what that means).
int
authorize(void* user, int action, const char* arg1, const char* arg2, const char*, const char*)
{
  switch (action) {
  case SQLITE_SELECT:
  case SQLITE_RECURSIVE:
    return SQLITE_OK;
  case SQLITE_READ:
    return table_denied(arg1) ? deny(user, fmt::format("{}() reaches files", arg1)) : SQLITE_OK;
  case SQLITE_FUNCTION: // arg2 is the function's name
    return function_denied(arg2)
             ? deny(user,
                    fmt::format("{}() is not allowed: it loads code, reaches files or native pointers, "
                                "or acts outside the query",
                                arg2))
             : SQLITE_OK;
  case SQLITE_PRAGMA: // arg1 the pragma, arg2 its argument or value, if any
    if (pragma_reads_with_argument(arg1) || (arg2 == nullptr && pragma_reads_without_argument(arg1))) {
      return SQLITE_OK;
    }
    if (arg2 != nullptr && pragma_reads_without_argument(arg1)) {
      return deny(user, fmt::format("PRAGMA {} can only be read (without a value)", arg1));
    }
    return deny(user, fmt::format("PRAGMA {} is not one that only reads", arg1 != nullptr ? arg1 : ""));
  case SQLITE_UPDATE:
    // SQLite asks this, for every column of the schema table, while it
    // declares an eponymous virtual table (pragma_table_info, json_each, ...)
    // on first use. IGNORE keeps every column's value, so it could not change
    // anything even in a real UPDATE, which is refused anyway: it is not
    // read-only (sqlite3_stmt_readonly), the connection is read-only and in
    // defensive mode.
    return schema_table(arg1) ? SQLITE_IGNORE : deny(user, "");
  default:
    return deny(user, "");
  }
}

bool
only_space_or_semicolons(const char* text)
{
  for (; text != nullptr && *text != '\0'; ++text) {
    if (!std::isspace(static_cast<unsigned char>(*text)) && *text != ';') {
      return false;
    }
  }
  return true;
}

constexpr int k_progress_steps = 1000;

struct Deadline
{
  std::chrono::steady_clock::time_point at;
  bool passed = false;
};

int
on_progress(void* user)
{
  auto* deadline = static_cast<Deadline*>(user);
  if (std::chrono::steady_clock::now() >= deadline->at) {
    deadline->passed = true;
    return 1; // interrupts the statement (SQLITE_INTERRUPT)
  }
  return 0;
}

// Everything the query sets on the connection and the process, undone in
// reverse order when it ends (also by an exception).
class QueryScope
{
public:
  QueryScope(sqlite3* db, const QueryLimits& limits, Deadline& deadline, Refusal& refusal)
    : m_db(db)
  {
    m_length = sqlite3_limit(m_db, SQLITE_LIMIT_LENGTH, static_cast<int>(max_value_bytes(limits)));
    sqlite3_progress_handler(m_db, k_progress_steps, on_progress, &deadline);
    sqlite3_set_authorizer(m_db, authorize, &refusal);
    m_soft_heap = sqlite3_soft_heap_limit64(-1);
    m_hard_heap = sqlite3_hard_heap_limit64(-1);
    m_base_memory = sqlite3_memory_used();
    sqlite3_hard_heap_limit64(m_base_memory + static_cast<sqlite3_int64>(limits.max_memory_bytes));
  }
  ~QueryScope()
  {
    sqlite3_hard_heap_limit64(m_hard_heap);
    sqlite3_soft_heap_limit64(m_soft_heap);
    sqlite3_set_authorizer(m_db, nullptr, nullptr);
    sqlite3_progress_handler(m_db, 0, nullptr, nullptr);
    sqlite3_limit(m_db, SQLITE_LIMIT_LENGTH, m_length);
  }
  QueryScope(const QueryScope&) = delete;
  QueryScope& operator=(const QueryScope&) = delete;

  // Bytes SQLite allocated since the query began.
  std::uint64_t sqlite_bytes() const
  {
    return static_cast<std::uint64_t>(std::max<sqlite3_int64>(0, sqlite3_memory_used() - m_base_memory));
  }

private:
  sqlite3* m_db;
  int m_length = 0;
  sqlite3_int64 m_soft_heap = 0;
  sqlite3_int64 m_hard_heap = 0;
  sqlite3_int64 m_base_memory = 0;
};

// Settings that stay on the (query-only) connection.
void
harden(sqlite3* db)
{
  const auto set = [db](int option, int value) {
    if (sqlite3_db_config(db, option, value, nullptr) != SQLITE_OK) {
      throw util::StoreError(fmt::format("cannot configure the query connection: {}", sqlite3_errmsg(db)));
    }
  };
  set(SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0);
  set(SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0);
  set(SQLITE_DBCONFIG_DEFENSIVE, 1);
  // trusted_schema stays on: the ledger's own CHECK constraints call
  // json_valid(), which SQLite 3.40 would then refuse to parse on an
  // in-memory ledger (a read-only checkout). Functions reached through views
  // or triggers are still put to the authorizer's deny list.
  // Sorts and temporary results count against the memory limit instead of
  // filling temporary files.
  if (sqlite3_exec(db, "PRAGMA temp_store = MEMORY", nullptr, nullptr, nullptr) != SQLITE_OK) {
    throw util::StoreError(fmt::format("cannot configure the query connection: {}", sqlite3_errmsg(db)));
  }
}

struct StatementGuard
{
  ~StatementGuard()
  {
    sqlite3_finalize(stmt);
  }
  sqlite3_stmt* stmt = nullptr;
};

constexpr const char* k_query_help =
  "`query` runs one read-only SELECT (or a PRAGMA that reads, such as table_info); use "
  "load/render and the other commands to change the ledger";

std::string
mib(std::uint64_t bytes)
{
  return bytes % (1u << 20) == 0 ? fmt::format("{} MiB", bytes >> 20)
                                 : fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1u << 20));
}

[[noreturn]] void
throw_timeout(const QueryLimits& limits)
{
  throw timeout_error(limits);
}

[[noreturn]] void
throw_memory(const QueryLimits& limits)
{
  throw util::InputError(
    fmt::format("query stopped: it needed more than the {} memory limit", mib(limits.max_memory_bytes)),
    "raise the limit with --max-memory MB (default 256), or select fewer rows or columns (LIMIT)");
}

[[noreturn]] void
throw_too_big(const QueryLimits& limits)
{
  throw util::InputError(
    fmt::format("query stopped: a value or row is longer than {}, the most one may hold (a quarter of "
                "the memory limit)",
                mib(max_value_bytes(limits))),
    "raise the limit with --max-memory MB (default 256), or select a shorter value (substr)");
}

[[noreturn]] void
throw_refused(const Refusal& refusal)
{
  throw util::InputError(refusal.what.empty()
                           ? std::string("query refused: the statement would change the database or reach outside it")
                           : "query refused: " + refusal.what,
                         k_query_help);
}

// Turns a failed prepare or step into the error that says why.
[[noreturn]] void
throw_failure(sqlite3* db,
              int rc,
              const Deadline& deadline,
              const Refusal& refusal,
              const QueryLimits& limits,
              const char* what)
{
  if (refusal.refused) {
    throw_refused(refusal);
  }
  if (deadline.passed) {
    throw_timeout(limits);
  }
  switch (rc & 0xff) {
  case SQLITE_NOMEM:
    throw_memory(limits);
  case SQLITE_TOOBIG:
    throw_too_big(limits);
  default:
    throw util::InputError(fmt::format("{}: {}", what, sqlite3_errmsg(db)), "see README, 'Tables', for the schema");
  }
}

} // namespace

util::InputError
timeout_error(const QueryLimits& limits)
{
  return util::InputError(fmt::format("query stopped: it ran longer than the {:g} s limit", limits.timeout_seconds),
                          "raise the limit with --timeout SECONDS (default 5), or make the query cheaper "
                          "(a LIMIT, a narrower WHERE)");
}

std::uint64_t
max_value_bytes(const QueryLimits& limits)
{
  constexpr std::uint64_t k_sqlite_max = 1'000'000'000; // SQLITE_MAX_LENGTH's default
  return std::clamp<std::uint64_t>(limits.max_memory_bytes / 4, 1, k_sqlite_max);
}

model::QueryRows
run_readonly_query(SQLite::Database& db, const std::string& sql, const QueryLimits& limits)
{
  if (!(limits.timeout_seconds > 0) || limits.max_memory_bytes == 0) {
    throw util::UsageError("query limits must be positive");
  }
  // Without SQLite's memory statistics the heap limit would not hold.
  if (sqlite3_memory_used() <= 0) {
    throw std::logic_error("SQLite memory statistics are off: call keep_sqlite_memory_statistics() first");
  }
  sqlite3* handle = db.getHandle();
  harden(handle);
  Deadline deadline;
  deadline.at = std::chrono::steady_clock::now()
                + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                  std::chrono::duration<double>(limits.timeout_seconds));
  Refusal refusal;
  const QueryScope scope(handle, limits, deadline, refusal);
  StatementGuard guard;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(handle, sql.c_str(), static_cast<int>(sql.size()), &guard.stmt, &tail);
  if (rc == SQLITE_AUTH) {
    throw_refused(refusal);
  }
  if (rc != SQLITE_OK) {
    throw_failure(handle, rc, deadline, refusal, limits, "invalid SQL");
  }
  if (guard.stmt == nullptr) {
    throw util::InputError("query is empty", k_query_help);
  }
  if (!only_space_or_semicolons(tail)) {
    throw util::InputError("query refused: only one statement can run at a time", k_query_help);
  }
  if (sqlite3_stmt_readonly(guard.stmt) == 0) {
    throw util::InputError("query refused: the statement would change the database", k_query_help);
  }

  model::QueryRows result;
  const int columns = sqlite3_column_count(guard.stmt);
  for (int i = 0; i < columns; ++i) {
    const char* name = sqlite3_column_name(guard.stmt, i);
    result.columns.emplace_back(name != nullptr ? name : "");
  }
  result.columns = distinct_column_names(result.columns);
  // The rows held so far, counted as they are collected: each cell's slot
  // plus its text or bytes.
  std::uint64_t row_bytes = 0;
  int step = 0;
  while ((step = sqlite3_step(guard.stmt)) == SQLITE_ROW) {
    std::vector<model::SqlValue> row;
    row.reserve(static_cast<std::size_t>(columns));
    row_bytes += sizeof(std::vector<model::SqlValue>) + static_cast<std::uint64_t>(columns) * sizeof(model::SqlValue);
    for (int i = 0; i < columns; ++i) {
      const int type = sqlite3_column_type(guard.stmt, i);
      switch (type) {
      case SQLITE_INTEGER:
        row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(guard.stmt, i)));
        break;
      case SQLITE_FLOAT:
        row.emplace_back(sqlite3_column_double(guard.stmt, i));
        break;
      case SQLITE_NULL:
        row.emplace_back(std::monostate{});
        break;
      case SQLITE_BLOB: {
        const void* bytes = sqlite3_column_blob(guard.stmt, i);
        const auto size = static_cast<std::size_t>(sqlite3_column_bytes(guard.stmt, i));
        if (bytes == nullptr && size != 0) {
          throw_failure(handle, sqlite3_errcode(handle), deadline, refusal, limits, "query failed");
        }
        row_bytes += size;
        row.emplace_back(model::Blob{std::string(static_cast<const char*>(bytes), size)});
        break;
      }
      default: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(guard.stmt, i));
        const auto size = static_cast<std::size_t>(sqlite3_column_bytes(guard.stmt, i));
        if (text == nullptr && size != 0) {
          throw_failure(handle, sqlite3_errcode(handle), deadline, refusal, limits, "query failed");
        }
        row_bytes += size;
        row.emplace_back(std::string(text != nullptr ? text : "", size));
        break;
      }
      }
    }
    if (row_bytes + scope.sqlite_bytes() > limits.max_memory_bytes) {
      throw_memory(limits);
    }
    result.rows.push_back(std::move(row));
  }
  if (step != SQLITE_DONE) {
    throw_failure(handle, step, deadline, refusal, limits, "query failed");
  }
  return result;
}

} // namespace rl::store
