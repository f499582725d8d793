#pragma once

// Internal to store/: what the files of the definitions repository share.
// definitions_repo.cpp holds the public functions (definitions_repo.hpp) and
// the JSON forms of list and rule columns; definitions_repo_write.cpp inserts
// the definitions (inside replace_definitions' transaction),
// definitions_repo_read.cpp reads them back. Not a public header: only
// store/*.cpp include it.

#include "store/definitions_repo.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rl::store::detail {

// JSON columns (definitions_repo.cpp): lists of strings, links and the
// verification rules, each with its reader.
std::string to_json(const std::vector<std::string>& items);
std::vector<std::string> strings_from(const std::string& text);
std::string links_json(const std::vector<model::Link>& links);
std::vector<model::Link> links_from(const std::string& text);
std::string verify_json(const std::optional<model::VerifyRules>& verify);
std::optional<model::VerifyRules> verify_from_json(const std::string& text);
std::string deferral_history_json(const std::vector<model::DeferralEvent>& history);
// Throws StoreError ("corrupt ledger") naming deferral `id` on text it cannot have written.
std::vector<model::DeferralEvent> deferral_history_from(const std::string& text, const std::string& id);

// Writing (definitions_repo_write.cpp), in the caller's transaction;
// replace_definitions calls them in this order: the program, milestones,
// invariants, milestone details, risks and deferrals, gates, then the
// closeout records and the source stamps.
void insert_program(SQLite::Database& db, const model::Definitions& d);
void insert_milestones(SQLite::Database& db, const model::Definitions& d);
void insert_milestone_details(SQLite::Database& db, const model::Definitions& d);
void insert_invariants(SQLite::Database& db, const model::Definitions& d);
void insert_risks_and_deferrals(SQLite::Database& db, const model::Definitions& d);
void insert_gates(SQLite::Database& db, const model::Definitions& d);
void insert_records(SQLite::Database& db, const std::vector<model::CloseoutRecord>& records);
void insert_stamps(SQLite::Database& db, const std::vector<SourceStamp>& stamps);

// Reading (definitions_repo_read.cpp); read_definitions calls them in this
// order: the program, milestones, invariants, risks and deferrals.
void read_program(SQLite::Database& db, model::Definitions& d);
void read_milestones(SQLite::Database& db, model::Definitions& d);
void read_invariants(SQLite::Database& db, model::Definitions& d);
void read_risks_and_deferrals(SQLite::Database& db, model::Definitions& d);

} // namespace rl::store::detail
