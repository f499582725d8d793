#pragma once

// Milestone closeout: the gates a milestone must pass, the committed closeout
// record (milestones/<ID>.closeout.json) and the audit log entries it carries.
//
// The record is the source of truth for a milestone's closed state: a fresh
// clone rebuilds the ledger from the YAML plus these records. Its JSON form is
// defined here (format_record / parse_record) because the loader reads it, the
// store keeps it and app/ writes it.

#include "model/entities.hpp"
#include "model/evidence.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rl::model {

// True when the outcome lets the milestone close.
inline bool
allows_close(GateOutcome outcome)
{
  return outcome != GateOutcome::failed;
}

struct GateResult
{
  std::string gate; // "deliverables", "ci:<workflow>", "approval:<name>", ...
  GateOutcome outcome = GateOutcome::failed;
  std::string reason;                // one line
  std::string action;                // what to do (failed gates)
  std::vector<std::string> evidence; // what satisfied or broke it, one line each
  bool operator==(const GateResult&) const = default;
};

// "5 of 7 gates passed, 1 waived, 1 not applicable" (the decided ones only
// when there are some): how documents, the audit log and `close` count gates.
std::string gate_tally(const std::vector<GateResult>& gates);

// One row of the append-only audit log.
struct AuditEntry
{
  std::string id;        // content hash; stable across rebuilds
  std::string at;        // UTC, YYYY-MM-DDTHH:MM:SSZ
  std::string user;      // --by, else the OS user
  std::string action;    // load, ingest, record, approve, close, reopen, adopt
  std::string milestone; // when the action concerns one
  std::string command;   // the command line
  std::string commit;    // git HEAD of the program root ('' outside git)
  std::string summary;   // what changed
  bool operator==(const AuditEntry&) const = default;
};

// Fills `entry.id` from its other fields. `occurrence` > 1 tells apart an
// entry identical to `occurrence - 1` earlier ones (the same command, user
// and summary in the same second): each gets an id of its own.
void assign_audit_id(AuditEntry& entry, int occurrence = 1);

// The entry as a one-line JSON object {id, at, user, action, milestone,
// command, commit, summary}: its form in closeout records and `log --format json`.
std::string audit_entry_json(const AuditEntry& entry);

struct Approval
{
  std::string milestone;
  std::string name; // the approval gate, e.g. "closeout"
  std::string by;
  std::string note;
  std::string at;
  std::string commit;
  bool operator==(const Approval&) const = default;
};

// One condition of an invariant's rule tree as evaluated at the closeout.
struct ConditionSnapshot
{
  std::string description;
  std::string status;
  std::vector<std::string> details;
  std::vector<ConditionSnapshot> children;
  bool operator==(const ConditionSnapshot&) const = default;
};

// An invariant's computed status at the closeout, with its reasons: the
// living log renders invariant status from the latest closeout, so that it is
// rebuilt byte for byte from committed files.
struct InvariantAtClose
{
  std::string id;
  std::string name;
  std::string status;
  std::vector<std::string> reasons;
  bool waiver_expired = false;
  bool waiver_unneeded = false;
  std::optional<ConditionSnapshot> tree;
  bool operator==(const InvariantAtClose&) const = default;
};

struct RiskAtClose
{
  std::string risk;
  std::string status;
  std::string note;
  bool operator==(const RiskAtClose&) const = default;
};

// A deferral as the registry stood at the closeout.
struct DeferralAtClose
{
  std::string id;
  std::string what;
  std::string discovered_in;
  std::string deferred_to;
  std::string status;
  bool blocker = false;
  bool operator==(const DeferralAtClose&) const = default;
};

// What a closed milestone's documents and log entry show of the rest of the
// program, as it stood at the close: they are rendered from the record alone,
// so that nothing later (other closes, program.yaml edits, catalog growth, the
// clock, a newer refactor-ledger) changes them.
struct FrozenContext
{
  std::string program;                                           // the program's name
  std::string phase;                                             // the milestone's phase name ('' if none)
  std::vector<std::pair<std::string, std::string>> placeholders; // {{name}} -> value, by name
  std::vector<std::pair<std::string, std::string>> dimensions;   // score dimensions (id, name), in order
  std::string log_entry; // the milestone's REFACTOR.md entry as written at the close
  bool operator==(const FrozenContext&) const = default;
};

// One event of a milestone's closeout history. `close` passed every gate;
// `adopt` records a milestone closed before the ledger existed (its gates were
// not evaluated: the record says so); `reopen` unlocks it again.
struct CloseoutEvent
{
  CloseoutEventKind kind = CloseoutEventKind::close;
  // The program's closeout sequence number: one more than the highest of all
  // records when the event was written (0 in records written before it). It
  // orders events without the clock: a closed milestone's cumulative sections
  // gather the events of milestones before it (program order) numbered up to
  // its own, so later closes, whatever their time, never change them.
  std::int64_t seq = 0;
  std::string date;
  std::string at;
  std::string by;
  std::string commit;      // close/adopt: the closing commit
  std::string base_commit; // close: where the scope diff started
  std::string reason;      // reopen: why; adopt: where the evidence is
  std::string verdict;     // close/adopt
  std::string definition;  // close/adopt: the milestone definition (canonical JSON) frozen by it
  std::vector<GateResult> gates;
  std::vector<InvariantAtClose> invariants; // every invariant of the catalog
  std::vector<CiRunEvidence> ci_runs;       // ingested runs named by milestones' ci.runs
  std::vector<Approval> approvals;
  std::optional<ScoreRow> score;
  std::vector<std::string> deferrals; // opened by this milestone (discovered_in)
  std::vector<RiskAtClose> risks;     // risks whose history names this milestone
  std::vector<std::string> artifacts; // the closeout documents and --artifact files, relative to the program root
  // SHA-256 of each artifact present when the record was written, by path:
  // a closed milestone's documents are kept as they are while they match.
  std::vector<std::pair<std::string, std::string>> digests;
  // reopen: the top-level definition fields that differ from the frozen
  // definition when the milestone was reopened (the edit reopen permits).
  std::vector<std::string> changed;
  std::optional<FrozenContext> frozen; // close/adopt; absent in records written before it existed
  // As things stood at the closeout, for its documents (which never change
  // afterwards): the next milestone, and the deferrals the milestone found or
  // was due to settle (the audit's cumulative registry and score trend are
  // gathered from every closeout up to this one).
  std::string next_milestone; // "M03 — Title", or ''
  std::vector<DeferralAtClose> registry;
  std::vector<AuditEntry> log; // audit entries up to and including this event
  bool operator==(const CloseoutEvent&) const = default;
};

struct CloseoutRecord
{
  std::string milestone;
  std::vector<CloseoutEvent> events; // oldest first
  Origin origin;                     // the record file
  bool operator==(const CloseoutRecord& other) const
  {
    return milestone == other.milestone && events == other.events;
  }

  // The latest close or adopt event, or nullptr.
  const CloseoutEvent* last_close() const;
  // True when the latest event closes the milestone (it is locked).
  bool closed() const;
};

// The record of `milestone` among `records`, or nullptr.
const CloseoutRecord* find_record(const std::vector<CloseoutRecord>& records, std::string_view milestone);

// The next closeout sequence number: one more than the highest among `records`.
std::int64_t next_seq(const std::vector<CloseoutRecord>& records);

// "milestones/M02.closeout.json" for M02.
std::string record_path(const std::string& milestone_id);

// The record file's text: pretty JSON, stable key order, trailing newline.
std::string format_record(const CloseoutRecord& record);

struct RecordParseError
{
  std::size_t offset = 0; // byte offset of the problem in the text
  std::string message;
};

// Parses a record file's text; on failure returns nullopt and fills `error`.
std::optional<CloseoutRecord> parse_record(const std::string& text, RecordParseError& error);

// The milestone's definition as canonical JSON (one line): every field of the
// YAML except status, score and origins. A closed milestone's definition is
// locked: the loader compares it with the one its record froze.
std::string definition_json(const Milestone& milestone);

// A frozen definition_json text with the ids of its invariant links read
// through `aliases` (old id -> current id): a closed milestone that names a
// since renamed invariant by its old id still matches its frozen definition.
std::string with_current_invariant_ids(const std::string& definition,
                                       const std::map<std::string, std::string>& aliases);

// The top-level fields of two definition_json texts that differ, sorted.
std::vector<std::string> changed_fields(const std::string& frozen, const std::string& current);

} // namespace rl::model
