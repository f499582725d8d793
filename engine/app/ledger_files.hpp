#pragma once

// Internal to app/: the committed ledger files (program.yaml `ledger_dir`).
// Every command that stores what cannot be derived from the YAML (evidence,
// approvals, and the audit entries of those commands) also writes it as one
// new file, <UTC time>-<first 16 hex digits of its SHA-256>.json, in the
// ledger folder, so that git carries it to every clone and two branches that
// both stored something merge without conflict. Every command imports the
// files its database does not hold yet (sync_ledger_files); the hash in each
// name is checked, so an edited file is refused.

#include "app/ledger.hpp"
#include "store/ledger_files.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace rl::app {

// root / program.ledger_dir, checked like an output path (inside the root, no
// symlink on the way).
std::filesystem::path ledger_folder(const std::filesystem::path& root, const model::Program& program);

// The ledger files in `folder`, by name (a name of another form is not one:
// a README is ignored). A symlink with a ledger file's name is an InputError:
// ledger files come from git, where a symlink could lead anywhere.
std::map<std::string, store::LedgerFileStamp> scan_ledger_files(const std::filesystem::path& root,
                                                                const std::filesystem::path& folder);

// Reads one ledger file and checks it against its name's hash and the format;
// InputError (exit 3) naming it otherwise.
store::LedgerEvent read_ledger_file(const std::filesystem::path& root, const std::filesystem::path& path);

// The time part of a ledger file's name: 20260502T110000Z.
std::string ledger_time(const model::Timestamp& time);

// Records the file at `path` (its name, size and time) as one `db` holds.
void record_ledger_file(SQLite::Database& db, const std::filesystem::path& path);

// True when the ledger files on disk are the ones `db` holds (same names,
// sizes and modification times): nothing to import.
bool ledger_files_current(SQLite::Database& db, const std::filesystem::path& root, const model::Program& program);

// Imports the ledger files `ledger.db` does not hold, in name order, in one
// transaction; when a file it holds is gone (another branch checked out, or
// folded by `gc`), drops the rows of every file first and imports all of them
// again. A file whose content does not match its name's hash, or that is not
// a valid ledger file, is an InputError (exit 3) naming it; nothing is imported.
void sync_ledger_files(Ledger& ledger);

// A ledger file written inside a command's transaction: removed again when the
// command fails before keep() (after its transaction commits).
class PendingLedgerFile
{
public:
  PendingLedgerFile() = default;
  explicit PendingLedgerFile(std::filesystem::path path);
  ~PendingLedgerFile();
  PendingLedgerFile(PendingLedgerFile&& other) noexcept;
  PendingLedgerFile& operator=(PendingLedgerFile&& other) noexcept;
  PendingLedgerFile(const PendingLedgerFile&) = delete;
  PendingLedgerFile& operator=(const PendingLedgerFile&) = delete;

  void keep();
  const std::filesystem::path& path() const
  {
    return m_path;
  }

private:
  std::filesystem::path m_path;
};

// Writes what the command stored since `mark` (inside its open transaction) as
// a new ledger file, and records it in the database in the same transaction;
// nothing when it stored nothing. Junit evidence keeps the results of the
// tests the program's rules select; the others only as counts.
PendingLedgerFile write_ledger_file(Ledger& ledger, const store::LedgerMark& mark);

} // namespace rl::app
