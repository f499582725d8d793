#pragma once

// What the closeout commands (close, approve, reopen, log, recover) return:
// plain values that report/emit_closeout.hpp writes in each output format.

#include "model/closeout.hpp"
#include "model/enums.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace rl::model {

// How a `close` ended.
enum class CloseOutcome {
  would_close,  // --dry-run: every gate passes
  would_refuse, // --dry-run: a gate fails
  refused,      // a gate failed: nothing was written
  closed,       // the gates passed and the closeout was written
  adopted,      // --adopt: recorded as closed without evaluating gates
};

template<>
struct EnumTraits<CloseOutcome>
{
  static constexpr std::string_view k_label = "close outcome";
  static constexpr auto k_names =
    std::to_array<std::pair<CloseOutcome, std::string_view>>({{CloseOutcome::would_close, "would_close"},
                                                              {CloseOutcome::would_refuse, "would_refuse"},
                                                              {CloseOutcome::refused, "refused"},
                                                              {CloseOutcome::closed, "closed"},
                                                              {CloseOutcome::adopted, "adopted"}});
};

// One milestone's closeout gates, evaluated at its closing commit.
struct MilestoneGates
{
  std::string milestone;
  std::string commit; // the closing commit ('' when there is none: no git checkout)
  std::vector<GateResult> gates;
  Origin origin; // where the milestone is defined (CI annotations)

  std::size_t failed() const
  {
    std::size_t n = 0;
    for (const GateResult& g : gates) {
      n += g.outcome == GateOutcome::failed ? 1 : 0;
    }
    return n;
  }
};

// `close`: the gates of the milestone (none when adopting) and, once closed,
// what was recorded and written.
struct CloseResult
{
  CloseOutcome outcome = CloseOutcome::refused;
  std::vector<std::string> milestones; // as given (several only when adopting)
  std::vector<MilestoneGates> evaluated;
  // closed, adopted:
  std::string date;                 // the closeout date, YYYY-MM-DD
  std::string commit;               // the closing commit
  std::vector<std::string> written; // files written, relative to the program root
  std::string repo_prefix;          // the program root in its git repository ("" or "dir/")

  bool dry_run() const
  {
    return outcome == CloseOutcome::would_close || outcome == CloseOutcome::would_refuse;
  }
};

// `approve`: the sign-off recorded.
struct ApproveResult
{
  std::string milestone;
  std::string approval; // the approval's name, as in gates.approvals
  std::string by;
  std::string note;
  std::string at; // UTC, YYYY-MM-DDTHH:MM:SSZ
};

// `reopen`: the milestone unlocked, and the files written.
struct ReopenResult
{
  std::string milestone;
  std::string reason;
  std::vector<std::string> written; // relative to the program root
};

// `log`: the audit entries selected, oldest first.
struct LogResult
{
  std::vector<AuditEntry> entries;
};

// `recover`: where the program stands.
struct RecoverResult
{
  struct Progress
  {
    int closed = 0;
    int total = 0;
    int percent = 0;
    std::optional<int> current_phase;
    bool complete = false;
  };
  struct NextAction
  {
    std::string milestone;
    std::string title;
    std::vector<GateResult> open_gates; // the gates that fail today
  };

  std::optional<AuditEntry> last_action; // the latest audit entry
  Progress progress;
  std::optional<NextAction> next; // none: the program is complete
};

} // namespace rl::model
