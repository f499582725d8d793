// gc: the ledger files of closed periods folded into one.
#include "app/gc.hpp"

#include "app/audit.hpp"
#include "app/journal.hpp"
#include "app/ledger_files.hpp"
#include "store/closeout_repo.hpp"
#include "store/database.hpp"
#include "store/definitions_repo.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"

#include <fmt/format.h>

namespace rl::app {

model::GcResult
run_gc(const GlobalOptions& global, bool dry_run)
{
  Ledger ledger = open_current(global);
  model::GcResult result;
  result.dry_run = dry_run;
  const WriteLock lock(write_lock_path(ledger.paths)); // no close, reopen or gc meanwhile
  const std::filesystem::path& root = ledger.paths.root;
  const model::Definitions& definitions = ledger.definitions();
  const std::filesystem::path folder = ledger_folder(root, definitions.program);
  const std::vector<model::CloseoutRecord> records = store::read_records(*ledger.db);
  // Up to the latest closeout: its audit entries are the record's.
  std::vector<std::string> carried;
  std::vector<std::string> closed;
  for (const model::CloseoutRecord& r : records) {
    for (const model::CloseoutEvent& e : r.events) {
      for (const model::AuditEntry& a : e.log) {
        carried.push_back(a.id);
        if (a.at > result.until) {
          result.until = a.at;
        }
      }
    }
  }
  for (const model::Milestone& m : definitions.milestones) {
    if (m.status == model::MilestoneStatus::closed) {
      closed.push_back(m.id);
    }
  }
  const auto files = scan_ledger_files(root, folder);
  result.files_left = files.size();
  if (result.until.empty()) {
    return result; // nothing closed yet
  }
  const std::optional<model::Timestamp> until = model::Timestamp::parse(result.until);
  const std::string limit = until ? ledger_time(*until) : std::string();
  std::vector<store::LedgerEvent> events;
  std::string newest_time;
  for (const auto& [name, stamp] : files) {
    const std::string time = name.substr(0, limit.size());
    if (time > limit) {
      break; // names sort by time
    }
    result.folded.push_back(name);
    result.bytes_before += stamp.size;
    events.push_back(read_ledger_file(root, folder / name));
    newest_time = time;
  }
  if (result.folded.size() < 2) {
    result.folded.clear(); // one file is folded already
    result.bytes_before = 0;
    return result;
  }
  store::LedgerEvent folded = store::fold_ledger_events(events, closed, carried, result.results_dropped);
  const std::string text = store::format_ledger_event(folded);
  result.into = fmt::format("{}-{}.json", newest_time, util::sha256(text).substr(0, 16));
  result.bytes_after = static_cast<std::int64_t>(text.size());
  result.files_left = files.size() - result.folded.size() + 1;
  if (dry_run) {
    return result;
  }
  // The folded file first, then the database, then the old files: killed at
  // any point, what is on disk imports to the same evidence and approvals.
  util::write_atomically(folder / result.into, text);
  store::WriteTransaction transaction(*ledger.db);
  std::vector<std::string> old;
  for (const std::string& name : result.folded) {
    if (name != result.into) {
      old.push_back(name);
    }
  }
  store::rename_ledger_files(*ledger.db, old, result.into);
  record_ledger_file(*ledger.db, folder / result.into);
  transaction.commit();
  for (const std::string& name : old) {
    std::error_code ec;
    std::filesystem::remove(folder / name, ec);
    if (ec) {
      throw util::StoreError(
        fmt::format("cannot remove {}: {}", util::display_path(folder / name, root), ec.message()));
    }
  }
  return result;
}

ExitCode
exit_code(const model::GcResult& /*result*/)
{
  return ExitCode::ok;
}

} // namespace rl::app
