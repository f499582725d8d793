#pragma once

#include "model/query_rows.hpp"
#include "util/error.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace rl::store {

// What one query may use. The defaults are those of `query`'s options.
struct QueryLimits
{
  // Wall time of preparing and running the statement and collecting its rows
  // (`--timeout SECONDS`). Must be > 0.
  double timeout_seconds = 5;
  // Memory the statement may allocate inside SQLite plus the bytes of the
  // rows collected so far (`--max-memory MB`). One value (string, blob) or
  // row may be at most a quarter of it. Must be > 0.
  std::uint64_t max_memory_bytes = 256ull << 20;
};

// The largest single value (string or blob) or row a query may build under
// `limits`: a quarter of the memory limit, at most SQLite's own maximum.
std::uint64_t max_value_bytes(const QueryLimits& limits);

// Runs one read-only SQL statement on `db`, which must be a connection of its
// own (open_ledger_readonly): it is hardened for the query (no extension
// loading, no fts3_tokenizer, defensive mode, untrusted schema, temporary
// tables in memory) and stays so.
//
// Allowed: SELECT (with CTEs, recursive ones included), reads of sqlite_schema,
// table-valued functions such as json_each, and PRAGMAs that only read:
// table_info, table_xinfo, index_list, index_info, index_xinfo,
// foreign_key_list, foreign_key_check and table_list with or without an
// argument, as `PRAGMA table_info(x)` or `SELECT * FROM pragma_table_info('x')`;
// value PRAGMAs (user_version, page_size, journal_mode, ...) only without an
// argument, i.e. read.
// Refused with InputError before anything runs: writes, DDL, ATTACH/DETACH,
// transactions, other PRAGMAs, several statements, and the functions that
// load code, touch files or native pointers, or act outside the query
// (load_extension, fts3_tokenizer, readfile, writefile, ...); syntax errors
// too.
// Stopped with InputError: a statement running longer than
// limits.timeout_seconds (checked every 1000 virtual machine steps), one that
// needs more than limits.max_memory_bytes, one building a value or row longer
// than max_value_bytes(limits). Each message names the limit and its option.
model::QueryRows run_readonly_query(SQLite::Database& db, const std::string& sql, const QueryLimits& limits = {});

// The error of a query stopped by its time limit (for a watchdog that has to
// report it itself).
util::InputError timeout_error(const QueryLimits& limits);

using model::distinct_column_names; // model/query_rows.hpp

} // namespace rl::store
