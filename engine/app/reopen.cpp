#include "app/reopen.hpp"

#include "app/assess.hpp"
#include "app/audit.hpp"
#include "app/closeout_support.hpp"
#include "app/ledger.hpp"
#include "store/closeout_repo.hpp"
#include "util/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace rl::app {

model::ReopenResult
run_reopen(const GlobalOptions& global, const std::string& id, const std::string& reason, const std::string& by)
{
  if (reason.find_first_not_of(" \t\n") == std::string::npos) {
    throw util::UsageError("reopen needs --reason TEXT: why the closed milestone must change (it is recorded)");
  }
  // The edit the reopen permits may already be in the YAML: the lock of this
  // milestone is not checked, and its changed fields are recorded.
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::write, id);
  const model::Definitions& d = ledger.definitions();
  const std::vector<model::CloseoutRecord> records = store::read_records(*ledger.db);
  find_milestone(d, id);
  const model::CloseoutRecord* existing = model::find_record(records, id);
  if (existing == nullptr || !existing->closed()) {
    throw util::UsageError(fmt::format("{} is not closed: there is nothing to reopen", id));
  }
  model::CloseoutEvent event;
  event.kind = model::CloseoutEventKind::reopen;
  const model::Timestamp now = current_time();
  event.at = now.text();
  event.date = now.date();
  event.by = by.empty() ? os_user() : by;
  event.reason = reason;
  event.seq = model::next_seq(records);
  event.changed = ledger.unlocked_changes;
  event.log = uncarried_entries(*ledger.db, records);
  const std::string changed =
    event.changed.empty() ? std::string() : fmt::format(" (changed: {})", fmt::join(event.changed, ", "));
  event.log.push_back(make_entry(global, ledger.paths.root, "reopen", id, "reopened: " + reason + changed, by));
  model::CloseoutRecord record = *existing;
  record.events.push_back(std::move(event));
  return {id, reason, commit_records(ledger, {record}, records)};
}

ExitCode
exit_code(const model::ReopenResult& /*result*/)
{
  return ExitCode::ok;
}

} // namespace rl::app
