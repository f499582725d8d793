#include "store/query.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstring>

#include <sqlite3.h>

namespace rl::store {

namespace {

// Allows reading only. PRAGMAs are allowed only without an argument (reading
// a value such as user_version) and never the ones that act when read.
int
authorize(void* /*user*/, int action, const char* arg1, const char* arg2, const char*, const char*)
{
  switch (action) {
  case SQLITE_SELECT:
  case SQLITE_READ:
  case SQLITE_FUNCTION:
  case SQLITE_RECURSIVE:
    return SQLITE_OK;
  case SQLITE_PRAGMA: {
    if (arg2 != nullptr) {
      return SQLITE_DENY;
    }
    static const char* const k_readable[] = {"user_version",
                                             "schema_version",
                                             "table_info",
                                             "table_list",
                                             "index_list",
                                             "foreign_key_list",
                                             "page_count",
                                             "page_size",
                                             "journal_mode",
                                             "foreign_keys",
                                             "compile_options"};
    for (const char* name : k_readable) {
      if (arg1 != nullptr && sqlite3_stricmp(arg1, name) == 0) {
        return SQLITE_OK;
      }
    }
    return SQLITE_DENY;
  }
  default:
    return SQLITE_DENY;
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

struct AuthorizerGuard
{
  explicit AuthorizerGuard(sqlite3* db)
    : m_db(db)
  {
    sqlite3_set_authorizer(m_db, authorize, nullptr);
  }
  ~AuthorizerGuard()
  {
    sqlite3_set_authorizer(m_db, nullptr, nullptr);
  }
  AuthorizerGuard(const AuthorizerGuard&) = delete;
  AuthorizerGuard& operator=(const AuthorizerGuard&) = delete;

  sqlite3* m_db;
};

struct StatementGuard
{
  ~StatementGuard()
  {
    sqlite3_finalize(stmt);
  }
  sqlite3_stmt* stmt = nullptr;
};

constexpr const char* k_query_help =
  "`query` runs one read-only SELECT (or a PRAGMA that reads a value); use "
  "load/render and the other commands to change the ledger";

} // namespace

QueryResult
run_readonly_query(SQLite::Database& db, const std::string& sql)
{
  sqlite3* handle = db.getHandle();
  const AuthorizerGuard authorizer(handle);
  StatementGuard guard;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(handle, sql.c_str(), static_cast<int>(sql.size()), &guard.stmt, &tail);
  if (rc == SQLITE_AUTH || std::strcmp(sqlite3_errmsg(handle), "not authorized") == 0) {
    throw util::InputError(
      "query refused: the statement would change the database or reach outside it", k_query_help);
  }
  if (rc != SQLITE_OK) {
    throw util::InputError(fmt::format("invalid SQL: {}", sqlite3_errmsg(handle)),
                           "see README, 'Tables', for the schema");
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

  QueryResult result;
  const int columns = sqlite3_column_count(guard.stmt);
  for (int i = 0; i < columns; ++i) {
    const char* name = sqlite3_column_name(guard.stmt, i);
    result.columns.emplace_back(name != nullptr ? name : "");
  }
  int step = 0;
  while ((step = sqlite3_step(guard.stmt)) == SQLITE_ROW) {
    std::vector<Cell> row;
    row.reserve(static_cast<std::size_t>(columns));
    for (int i = 0; i < columns; ++i) {
      switch (sqlite3_column_type(guard.stmt, i)) {
      case SQLITE_INTEGER:
        row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(guard.stmt, i)));
        break;
      case SQLITE_FLOAT:
        row.emplace_back(sqlite3_column_double(guard.stmt, i));
        break;
      case SQLITE_NULL:
        row.emplace_back(std::monostate{});
        break;
      default: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(guard.stmt, i));
        row.emplace_back(std::string(text != nullptr ? text : "",
                                     static_cast<std::size_t>(sqlite3_column_bytes(guard.stmt, i))));
        break;
      }
      }
    }
    result.rows.push_back(std::move(row));
  }
  if (step != SQLITE_DONE) {
    throw util::InputError(fmt::format("query failed: {}", sqlite3_errmsg(handle)));
  }
  return result;
}

} // namespace rl::store
