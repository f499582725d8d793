#include "app/approve.hpp"

#include "app/assess.hpp"
#include "app/audit.hpp"
#include "app/closeout_support.hpp"
#include "app/ledger_files.hpp"
#include "model/gates.hpp"
#include "store/closeout_repo.hpp"
#include "store/database.hpp"
#include "util/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace rl::app {

model::ApproveResult
run_approve(const GlobalOptions& global,
            const std::string& id,
            const std::string& gate,
            const std::string& by,
            const std::string& note,
            const std::string& at)
{
  if (by.empty()) {
    throw util::UsageError("approve needs --by NAME: the person who signs off");
  }
  Ledger ledger = open_current(global);
  const model::Definitions& d = ledger.definitions();
  const model::Milestone& m = find_milestone(d, id);
  if (m.status == model::MilestoneStatus::closed) {
    throw util::UsageError(fmt::format("{} is closed: approvals are recorded before the closeout", id));
  }
  const model::EffectiveGates gates = model::effective_gates(d.program.gates, m.gates);
  if (std::find(gates.approvals.begin(), gates.approvals.end(), gate) == gates.approvals.end()) {
    throw util::UsageError(
      gates.approvals.empty()
        ? fmt::format("{} requires no approvals (its gates.approvals is empty)", id)
        : fmt::format(
          "'{}' is not an approval {} requires; it requires: {}", gate, id, fmt::join(gates.approvals, ", ")));
  }
  // --at: when it was given (a sign-off entered after the fact); the audit
  // entry keeps the time it was recorded.
  const model::Timestamp given = time_option(at, current_time(), d.program.start);
  const model::Approval approval{id, gate, by, note, given.text(), head_commit(ledger.paths.root)};
  // The sign-off, its audit entry and its ledger file land together.
  store::WriteTransaction transaction(*ledger.db);
  const store::LedgerMark mark = store::ledger_mark(*ledger.db);
  store::add_approval(
    *ledger.db,
    approval,
    make_entry(
      global,
      ledger.paths.root,
      "approve",
      id,
      fmt::format(
        "{} approved by {}{}{}", gate, by, at.empty() ? "" : " at " + given.text(), note.empty() ? "" : ": " + note),
      by));
  PendingLedgerFile written = write_ledger_file(ledger, mark);
  transaction.commit();
  written.keep();
  return {id, gate, by, note, approval.at};
}

ExitCode
exit_code(const model::ApproveResult& /*result*/)
{
  return ExitCode::ok;
}

} // namespace rl::app
