#pragma once

// What the rule engine computes (rules/) and the reports show (report/, app/):
// plain values, so that report/ needs nothing of rules/ but these types.

#include "model/entities.hpp"
#include "model/enums.hpp"

#include <array>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace rl::model {

struct PhaseProgress
{
  int phase = 0;
  std::vector<std::string> milestones; // canonical order
  int closed = 0;
  int in_progress = 0;
  int planned = 0;
  int deferred = 0;
  int cancelled = 0;
};

struct DeferralState
{
  const Deferral* deferral = nullptr;
  bool overdue = false; // open, and the milestone it was deferred to is closed
  int slipped = 0;      // closed milestones from deferred_to on, while still open
};

// Every number the living log and `status` show, computed from the
// definitions (DOMAIN.md "Numbers the tool computes"). Pure: no I/O, no clock.
struct ProgramMetrics
{
  int milestone_total = 0; // all but cancelled
  int milestone_closed = 0;
  int percent_complete = 0; // rounded
  std::optional<std::string> next_milestone;
  std::optional<std::string> in_progress_milestone; // the first one, if any
  std::optional<int> current_phase;
  bool program_complete = false;
  double remaining_effort = 0; // planned + in_progress estimates
  std::vector<std::string> remaining_milestones;
  double deferred_effort = 0;
  std::vector<std::string> deferred_milestones;
  int unestimated_open = 0; // open milestones without an estimate
  std::vector<PhaseProgress> phases;

  // [priority][coverage], in enum order.
  std::array<std::array<int, 4>, 4> invariants_by_priority_coverage{};
  std::array<int, 4> invariants_by_priority{};
  std::array<int, 4> invariants_by_coverage{};
  std::array<int, 5> invariants_by_status{};
  int invariant_total = 0;
  int p0_strong_percent = 0; // P0 invariants with strong coverage, rounded

  std::array<int, 4> risks_by_status{};
  std::vector<DeferralState> deferrals; // in canonical order
  int open_deferrals = 0;
  int overdue_deferrals = 0;

  std::optional<std::string> last_closed_milestone; // latest closeout (date, then order)
  std::string last_closeout_date;
  int document_version = 0; // one per closeout
};

// A milestone that introduces, protects or verifies an invariant.
struct MilestoneRole
{
  std::string milestone;
  InvariantRole role = InvariantRole::protected_;
};

// One condition of the rule tree with its result and the evidence behind it.
struct ConditionResult
{
  std::string description; // "tests test/x.py::* (at least 8 passing)"
  InvariantStatus status = InvariantStatus::unverified;
  std::vector<std::string> details; // evidence and reasons, deterministic order
  std::vector<ConditionResult> children;
};

struct Evaluation
{
  InvariantStatus status = InvariantStatus::unverified;
  std::vector<std::string> reasons; // one line each, most important first
  std::optional<ConditionResult> tree;
  bool waiver_expired = false;
  bool waiver_unneeded = false;
};

// Positions of milestone ids in program order, built once, for writing id
// lists as compact ranges: "M00-M02, M05" (ids adjacent in program order form
// a range). compress() costs O(ids), whatever the program's size.
class MilestoneOrder
{
public:
  explicit MilestoneOrder(const std::vector<std::string>& all_ids);
  std::string compress(const std::vector<std::string>& ids) const;

private:
  std::unordered_map<std::string, std::size_t> m_position;
};

// One-off form of MilestoneOrder(all_ids).compress(ids).
std::string compress_ids(const std::vector<std::string>& ids, const std::vector<std::string>& all_ids);

} // namespace rl::model
