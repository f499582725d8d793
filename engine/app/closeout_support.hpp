#pragma once

// Internal to app/: what close, reopen and recover share: finding a
// milestone, gathering the facts its gates are decided on (git, evidence,
// approvals), and writing closeout records with every output they change.

#include "app/assess.hpp"
#include "app/journal.hpp"
#include "app/ledger.hpp"
#include "model/closeout.hpp"
#include "model/entities.hpp"
#include "model/gates.hpp"
#include "rules/gates.hpp"

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <string>
#include <vector>

namespace rl::app {

// The milestone with `id`; a usage error naming the milestones when there is none.
const model::Milestone& find_milestone(const model::Definitions& d, const std::string& id);

// Where the gates of a close look in git: the closing commit (empty: HEAD of
// the checkout) and the start of the scope diff (empty: the milestone's
// base_commit, else the closing commit of the closed milestone before it in
// program order, else the program's
// baseline_commit).
struct GateSource
{
  std::string commit;
  std::string base;
};

// The facts rules::evaluate_gates decides `m`'s gates on: the closing commit
// and the files changed since the base (through git in program.yaml's
// checkout; a problem is recorded, not thrown), CI runs, metrics at the
// commit, approvals and the invariants' statuses.
rules::GateFacts gather_facts(SQLite::Database& db,
                              const std::filesystem::path& root,
                              const model::Definitions& d,
                              const std::vector<model::CloseoutRecord>& records,
                              const model::Milestone& m,
                              const model::EffectiveGates& gates,
                              const GateSource& source,
                              const Assessment& assessment,
                              const std::vector<model::CiRunEvidence>& runs);

// The audit entries not yet carried by any closeout record.
std::vector<model::AuditEntry> uncarried_entries(SQLite::Database& db,
                                                 const std::vector<model::CloseoutRecord>& records);

// Writes `records` and every output they change as one unit (the first record
// is the commit point), then makes the database match (definitions, records,
// audit log) in one transaction. `before`: the records the command started
// from; when a record on disk is no longer that one (another close or reopen
// wrote meanwhile), nothing is written (UsageError, or StoreError). A record
// whose last event is a new close or adopt gets its FrozenContext and the
// digests of its documents here, from the program as it will be.
// `yaml_edits` (close's closeout edits) are written in the same unit, after
// the records. Returns the files written, relative to the root.
std::vector<std::string> commit_records(Ledger& ledger,
                                        std::vector<model::CloseoutRecord> records,
                                        const std::vector<model::CloseoutRecord>& before,
                                        const std::vector<FileWrite>& yaml_edits = {});

} // namespace rl::app
