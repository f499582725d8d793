#pragma once

#include <string_view>
#include <vector>

namespace rl::store {

// One schema/NNNN_name.sql file, embedded at build time.
struct Migration
{
  int version;           // NNNN; PRAGMA user_version after applying it
  std::string_view name; // file stem, for messages
  std::string_view sql;
};

// Sorted by version, starting at 1, without gaps (checked by a unit test).
const std::vector<Migration>& all_migrations();

} // namespace rl::store
