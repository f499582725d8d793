#pragma once

// The rows of a read-only `query` (store/query.hpp runs it, report/ prints
// it): SQLite's five value types, column names kept distinct.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace rl::model {

// A BLOB value, byte for byte (it is not text: it may hold any bytes).
struct Blob
{
  std::string bytes;
  bool operator==(const Blob&) const = default;
};

using SqlValue = std::variant<std::monostate, std::int64_t, double, std::string, Blob>;

struct QueryRows
{
  // Distinct names, one per column (see distinct_column_names).
  std::vector<std::string> columns;
  std::vector<std::vector<SqlValue>> rows;
};

// Makes output column names distinct and non-empty, deterministically:
// an empty name becomes `column_N` (N its 1-based position); going left to
// right, a name already taken gets the suffix `_K`, with the smallest K >= 2
// such that `name_K` is neither an original name of any column nor already
// given. So `SELECT 1 a, 2 a, 3 a_2` yields a, a_3, a_2. Names compare byte
// for byte (case-sensitive, as JSON keys do).
std::vector<std::string> distinct_column_names(const std::vector<std::string>& names);

} // namespace rl::model
