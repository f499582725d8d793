#pragma once

// Internal to app/: what the commands that store evidence (ingest, record
// metric) share: the ledger opened for writing, the commit and times they stamp.

#include "app/evidence_options.hpp"
#include "app/ledger.hpp"
#include "store/evidence_repo.hpp"

#include <string>

namespace rl::app {

struct EvidenceContext
{
  Ledger ledger;
  std::string commit;   // --commit, else git HEAD of the program root, else ''
  model::Timestamp now; // current_time()
};

// Opens the ledger and finds the commit; throws UsageError when --at is not a time.
EvidenceContext open_for_evidence(const GlobalOptions& global, const EvidenceOptions& options);

// --at, else `now`.
model::Timestamp taken_at(const EvidenceOptions& options, const model::Timestamp& now);

// The stored header of evidence of `kind` read from `path` ('' for none).
store::EvidenceHeader header_for(model::EvidenceKind kind,
                                 const std::string& hash,
                                 const std::string& path,
                                 const EvidenceOptions& options,
                                 const EvidenceContext& c);

} // namespace rl::app
