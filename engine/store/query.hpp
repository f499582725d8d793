#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace rl::store {

using Cell = std::variant<std::monostate, std::int64_t, double, std::string>;

struct QueryResult
{
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
};

// Runs one read-only SQL statement. Anything that could change the database or
// reach outside it (INSERT/UPDATE/DELETE, DDL, ATTACH/DETACH, transactions,
// PRAGMAs that set a value, several statements) is refused with InputError
// before it runs, by an SQLite authorizer and sqlite3_stmt_readonly(); syntax
// errors are InputError too. `db` should be opened read-only as a second guard.
QueryResult run_readonly_query(SQLite::Database& db, const std::string& sql);

} // namespace rl::store
