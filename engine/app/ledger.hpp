#pragma once

// Internal to app/: the program root, its ledger and the reload-on-change step
// every command starts with.

#include "app/commands.hpp"
#include "loader/loader.hpp"
#include "model/entities.hpp"
#include "report/records.hpp"
#include "store/definitions_repo.hpp"

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

namespace rl::app {

struct ProgramPaths
{
  std::filesystem::path root;
  std::filesystem::path db;
};

// Resolves --root (or searches upwards from the current directory for a folder
// holding milestones/program.yaml, the way git finds its repository) and --db.
// Throws UsageError when no program is found.
ProgramPaths resolve_paths(const GlobalOptions& global);

// The YAML files of the program, sorted, with their stamps.
std::vector<store::SourceStamp> scan_sources(const std::filesystem::path& root);

// Reads and parses every YAML file and closeout record; throws InputError
// with all diagnostics.
loader::LoadedProgram parse_program(const std::filesystem::path& root,
                                    const std::vector<store::SourceStamp>& stamps,
                                    const std::string& unlock = {});

enum class LoadResult { unchanged, updated };

struct Ledger
{
  ProgramPaths paths;
  std::unique_ptr<SQLite::Database> db;
  LoadResult load_result = LoadResult::unchanged;
  // The database could not be written (read commands only): `db` is the file
  // opened read-only (it was current), or an in-memory copy refreshed from the
  // YAML (`in_memory`); nothing of it is saved.
  bool read_only = false;
  bool in_memory = false;

  // The program's definitions as stored when open_current returned, read once
  // per command: kept from the reload when open_current did one (or compared
  // them), else read from `db` on first use. A command that stores new
  // definitions itself (close, reopen) goes on with these, as of its start.
  const model::Definitions& definitions();

  // Set by open_current; use definitions().
  std::optional<model::Definitions> known_definitions;

  // open_current(..., unlock): the fields of the closed milestone `unlock`
  // edited in its YAML (the edit a reopen permits). The definitions were
  // stored without source stamps, so that the next command loads again.
  std::vector<std::string> unlocked_changes;
};

// The journal of an interrupted close/reopen, beside the database, and the
// folder its writers lock (the database's; see journal.hpp).
std::filesystem::path journal_path(const ProgramPaths& paths);
std::filesystem::path write_lock_path(const ProgramPaths& paths);

enum class ReloadPolicy { if_changed, always };

// What the command does with the ledger. A read command still refreshes the
// database (a cache of the YAML) when it can; when the database, its folder or
// the checkout is read-only, it reads the file as it is (when current) or an
// in-memory copy refreshed from the YAML, with a note on stderr. A write
// command on a read-only ledger fails with store::ReadOnlyError (exit 4)
// before anything is written.
enum class Access { write, read };

// Opens the ledger and makes it reflect the current YAML: when any file was
// added, removed or changed since the last load (or always, for `load`), it
// parses everything and replaces the definitions in one transaction, under the
// write lock (so that it never reloads a program a close or reopen is writing).
// Invalid YAML throws InputError before anything is written (the database is
// not even created when it did not exist).
// `unlock` (reopen): that closed milestone's YAML may differ from its frozen
// definition; see Ledger::unlocked_changes.
Ledger open_current(const GlobalOptions& global,
                    ReloadPolicy policy = ReloadPolicy::if_changed,
                    Access access = Access::write,
                    const std::string& unlock = {});

} // namespace rl::app
