#include "app/ledger.hpp"
#include "app/ledger_files.hpp"

#include "app/audit.hpp"
#include "app/journal.hpp"
#include "loader/loader.hpp"
#include "store/closeout_repo.hpp"
#include "store/database.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>

namespace rl::app {

namespace {

bool
is_yaml(const std::filesystem::path& path)
{
  const std::string ext = path.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

bool
is_record(const std::filesystem::path& path)
{
  const std::string name = path.filename().string();
  return name.size() > 14 && name.compare(name.size() - 14, 14, ".closeout.json") == 0;
}

// "milestones/M02.yaml changed; milestones/M02.closeout.json added"
std::string
describe_changes(const std::vector<store::SourceStamp>& before, const std::vector<store::SourceStamp>& after)
{
  std::vector<std::string> parts;
  for (const store::SourceStamp& a : after) {
    const auto b = std::find_if(before.begin(), before.end(), [&](const auto& x) { return x.path == a.path; });
    if (b == before.end()) {
      parts.push_back(a.path + " added");
    } else if (!(*b == a)) {
      parts.push_back(a.path + " changed");
    }
  }
  for (const store::SourceStamp& b : before) {
    if (std::none_of(after.begin(), after.end(), [&](const auto& x) { return x.path == b.path; })) {
      parts.push_back(b.path + " removed");
    }
  }
  if (before.empty()) {
    return fmt::format("definitions loaded from {} files", after.size());
  }
  std::string text;
  for (std::size_t i = 0; i < parts.size() && i < 5; ++i) {
    text += (text.empty() ? "" : "; ") + parts[i];
  }
  if (parts.size() > 5) {
    text += fmt::format("; and {} more", parts.size() - 5);
  }
  return "definitions reloaded: " + (text.empty() ? std::string("files touched") : text);
}

std::int64_t
mtime_ns(const std::filesystem::path& path)
{
  const auto time = std::filesystem::last_write_time(path);
  return std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
}

} // namespace

ProgramPaths
resolve_paths(const GlobalOptions& global)
{
  std::error_code ec;
  std::filesystem::path root;
  if (!global.root.empty()) {
    root = std::filesystem::absolute(global.root, ec).lexically_normal();
    if (!std::filesystem::is_regular_file(root / "milestones" / "program.yaml")) {
      throw util::UsageError(fmt::format("{} is not a refactor-ledger program: it has no milestones/program.yaml",
                                         global.root.generic_string()));
    }
  } else {
    std::filesystem::path dir = std::filesystem::current_path(ec);
    while (true) {
      if (std::filesystem::is_regular_file(dir / "milestones" / "program.yaml")) {
        root = dir;
        break;
      }
      if (!dir.has_parent_path() || dir.parent_path() == dir) {
        throw util::UsageError("not inside a refactor-ledger program (no milestones/program.yaml here or in any "
                               "parent folder); run it from the program's folder or pass -C DIR");
      }
      dir = dir.parent_path();
    }
  }
  std::filesystem::path db =
    global.db.empty() ? root / ".ledger" / "ledger.db" : std::filesystem::absolute(global.db, ec);
  return {root, db};
}

std::vector<store::SourceStamp>
scan_sources(const std::filesystem::path& root)
{
  std::vector<store::SourceStamp> stamps;
  auto add = [&](const std::filesystem::path& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
      throw util::StoreError(fmt::format("cannot read {}: {}", path.generic_string(), ec.message()));
    }
    stamps.push_back({util::display_path(path, root), static_cast<std::int64_t>(size), mtime_ns(path)});
  };
  // A symlink among the sources (or a source folder that is one) may point
  // anywhere: it is read only when it resolves inside the program root.
  auto contained = [&](const std::filesystem::directory_entry& entry) {
    if (entry.is_symlink() && !util::resolves_inside(root, entry.path())) {
      throw util::InputError(fmt::format("{}: a symlink that leads outside the program root; refusing to read it",
                                         util::display_path(entry.path(), root)),
                             "replace the symlink with the file itself, or remove it");
    }
    return true;
  };
  const std::filesystem::path milestones = root / "milestones";
  const std::filesystem::path invariants = root / "invariants";
  for (const std::filesystem::path& folder : {milestones, invariants}) {
    if (std::filesystem::is_symlink(folder) && !util::resolves_inside(root, folder)) {
      throw util::InputError(fmt::format("{}: a symlink that leads outside the program root; refusing to read it",
                                         util::display_path(folder, root)),
                             "replace the symlink with the folder itself");
    }
  }
  for (const auto& entry : std::filesystem::directory_iterator(milestones)) {
    if (entry.is_regular_file() && (is_yaml(entry.path()) || is_record(entry.path())) && contained(entry)) {
      add(entry.path());
    }
  }
  if (std::filesystem::is_directory(invariants)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(invariants)) {
      if (entry.is_regular_file() && is_yaml(entry.path()) && contained(entry)) {
        add(entry.path());
      }
    }
  }
  std::sort(stamps.begin(), stamps.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return stamps;
}

loader::LoadedProgram
parse_program(const std::filesystem::path& root,
              const std::vector<store::SourceStamp>& stamps,
              const std::string& unlock)
{
  std::vector<loader::SourceText> sources;
  sources.reserve(stamps.size());
  for (const store::SourceStamp& stamp : stamps) {
    sources.push_back({stamp.path, util::read_text(root / stamp.path)});
  }
  util::DiagnosticSink sink;
  loader::LoadedProgram loaded = loader::load_program(sources, sink, unlock);
  sink.throw_if_errors();
  return loaded;
}

std::filesystem::path
journal_path(const ProgramPaths& paths)
{
  return paths.db.parent_path() / (paths.db.filename().string() + ".close-journal");
}

std::filesystem::path
write_lock_path(const ProgramPaths& paths)
{
  return paths.db.parent_path();
}

namespace {

// Makes `ledger.db` reflect the YAML (see open_current). `stamps` are the
// files as scanned; `parsed` their parse when already done. `locked`: take the
// write lock for a reload and look again under it.
void
refresh(Ledger& ledger,
        const GlobalOptions& global,
        ReloadPolicy policy,
        std::vector<store::SourceStamp> stamps,
        std::optional<loader::LoadedProgram> parsed,
        bool locked,
        const std::string& unlock)
{
  std::vector<store::SourceStamp> old_stamps = store::read_source_stamps(*ledger.db);
  if (!parsed && policy == ReloadPolicy::if_changed && old_stamps == stamps) {
    return;
  }
  std::optional<WriteLock> lock;
  if (locked) {
    // A close or reopen writes files, then the database, under this lock: a
    // reload waits for it, then sees its files and database as one state.
    lock.emplace(write_lock_path(ledger.paths));
    std::vector<store::SourceStamp> now = scan_sources(ledger.paths.root);
    old_stamps = store::read_source_stamps(*ledger.db);
    if (now != stamps) {
      stamps = std::move(now);
      parsed.reset();
    }
    if (policy == ReloadPolicy::if_changed && old_stamps == stamps) {
      return; // another command loaded the same files meanwhile
    }
  }
  if (!parsed) {
    parsed = parse_program(ledger.paths.root, stamps, unlock);
  }
  // A closed milestone edited before its reopen: stored without stamps, so
  // that the next command loads the files again (and refuses the edit, unless
  // the reopen has written its record by then).
  const bool unlocked = !parsed->unlocked_changes.empty();
  if (unlocked) {
    ledger.unlocked_changes = std::move(parsed->unlocked_changes);
    stamps.clear();
  }
  model::Definitions current = store::read_definitions(*ledger.db);
  if (current == parsed->definitions && store::read_records(*ledger.db) == parsed->records) {
    // Same definitions (files touched, not changed): only the stamps move.
    store::replace_source_stamps(*ledger.db, stamps);
    ledger.load_result = LoadResult::unchanged;
    ledger.known_definitions = std::move(current);
    return;
  }
  // The audit entries the records carry come back after a rebuild (by id).
  std::vector<model::AuditEntry> log;
  for (const model::CloseoutRecord& r : parsed->records) {
    for (const model::CloseoutEvent& e : r.events) {
      log.insert(log.end(), e.log.begin(), e.log.end());
    }
  }
  if (!ledger.in_memory && !unlocked) { // an in-memory copy records nothing
    log.push_back(make_entry(global, ledger.paths.root, "load", "", describe_changes(old_stamps, stamps)));
  }
  store::replace_definitions(*ledger.db, parsed->definitions, stamps, parsed->records, log);
  ledger.load_result = LoadResult::updated;
  // What read_definitions would give back: the store round-trips the model.
  ledger.known_definitions = std::move(parsed->definitions);
}

// A read command on a ledger that cannot be written: the file as it is when
// it is current, else an in-memory copy (or a new in-memory ledger) that
// refresh() brings up to date.
void
open_read_only(Ledger& ledger,
               const std::vector<store::SourceStamp>& stamps,
               const std::string& problem,
               report::Sink& sink)
{
  ledger.read_only = true;
  if (!std::filesystem::exists(ledger.paths.db)) {
    ledger.db = std::make_unique<SQLite::Database>(store::open_memory_ledger());
    ledger.in_memory = true;
    sink.err(
      fmt::format("refactor-ledger: note: {}; built the ledger in memory from the YAML (nothing is saved)\n", problem));
    return;
  }
  auto file = std::make_unique<SQLite::Database>(store::open_ledger_readonly(ledger.paths.db));
  if (file->execAndGet("PRAGMA user_version").getInt() == store::latest_schema_version()
      && store::read_source_stamps(*file) == stamps) {
    ledger.db = std::move(file);
    return;
  }
  ledger.db = std::make_unique<SQLite::Database>(store::open_memory_ledger(file.get()));
  ledger.in_memory = true;
  sink.err(fmt::format("refactor-ledger: note: {}; it is out of date, so an in-memory copy was refreshed from the "
                       "YAML (nothing is saved)\n",
                       problem));
}

} // namespace

const model::Definitions&
Ledger::definitions()
{
  if (!known_definitions) {
    known_definitions = store::read_definitions(*db);
  }
  return *known_definitions;
}

Ledger
open_current(const GlobalOptions& global, ReloadPolicy policy, Access access, const std::string& unlock)
{
  Ledger ledger;
  ledger.paths = resolve_paths(global);
  if (std::filesystem::exists(journal_path(ledger.paths))) {
    try {
      const WriteLock lock(write_lock_path(ledger.paths)); // waits for a write in progress
      if (const std::string done = recover_interrupted(ledger.paths.root, journal_path(ledger.paths)); !done.empty()) {
        global.output().err(fmt::format("refactor-ledger: note: {}\n", done));
      }
    } catch (const DamagedJournal& e) {
      if (access == Access::write) {
        throw;
      }
      global.output().err(fmt::format("refactor-ledger: note: {}\n", e.what())); // no command will finish it
    } catch (const util::StoreError& e) {
      if (access == Access::write) {
        throw;
      }
      // Read-only: the files before the commit point are the old state, after
      // it the record already is the new one; a command that can write finishes it.
      global.output().err(fmt::format("refactor-ledger: note: an interrupted closeout write is pending ({}); a "
                                      "command that can write the ledger finishes it\n",
                                      e.what()));
    } catch (const std::filesystem::filesystem_error& e) {
      if (access == Access::write) {
        throw;
      }
      global.output().err(fmt::format("refactor-ledger: note: an interrupted closeout write is pending ({}); a "
                                      "command that can write the ledger finishes it\n",
                                      e.what()));
    }
  }
  const std::vector<store::SourceStamp> stamps = scan_sources(ledger.paths.root);

  std::optional<loader::LoadedProgram> parsed;
  // Held while a new ledger is created, migrated and loaded: commands that
  // start together on no ledger (CI jobs, parallel ingests) create it one at
  // a time; the later ones find it made and loaded.
  std::optional<WriteLock> creating;
  if (!std::filesystem::exists(ledger.paths.db)) {
    // Parse first so that bad input never leaves a new, empty database behind.
    parsed = parse_program(ledger.paths.root, stamps, unlock);
    if (!store::ledger_write_problem(ledger.paths.db)) {
      std::error_code ec;
      std::filesystem::create_directories(ledger.paths.db.parent_path(), ec);
      if (!ec) { // else open_ledger reports it
        creating.emplace(write_lock_path(ledger.paths));
      }
    }
  }
  try {
    ledger.db = std::make_unique<SQLite::Database>(store::open_ledger(ledger.paths.db));
  } catch (const store::ReadOnlyError& e) {
    if (access == Access::write) {
      throw;
    }
    const std::string problem = store::ledger_write_problem(ledger.paths.db).value_or(e.what());
    open_read_only(ledger, stamps, problem, global.output());
    if (!ledger.in_memory) {
      if (ledger_files_current(*ledger.db, ledger.paths.root, ledger.definitions().program)) {
        return ledger; // current as it is
      }
      // New or changed ledger files (a pull): import them into a copy.
      ledger.db = std::make_unique<SQLite::Database>(store::open_memory_ledger(ledger.db.get()));
      ledger.in_memory = true;
      global.output().err(fmt::format("refactor-ledger: note: {}; the ledger files changed, so an in-memory copy "
                                      "imported them (nothing is saved)\n",
                                      problem));
    }
  }
  refresh(ledger, global, policy, stamps, std::move(parsed), !ledger.in_memory && !creating, unlock);
  sync_ledger_files(ledger);
  return ledger;
}

} // namespace rl::app
