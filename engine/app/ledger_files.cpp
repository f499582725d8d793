// The committed ledger files: written by the commands that store evidence or
// approvals, imported by every command (see ledger_files.hpp).
#include "app/ledger_files.hpp"

#include "app/assess.hpp"
#include "rules/evaluate.hpp"
#include "store/database.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/limits.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

namespace rl::app {

namespace {

// 20260208T075104Z-0123456789abcdef.json
constexpr std::size_t k_time_length = 16;
constexpr std::size_t k_hash_length = 16;
constexpr std::string_view k_extension = ".json";

bool
is_ledger_name(std::string_view name)
{
  if (name.size() != k_time_length + 1 + k_hash_length + k_extension.size() || !name.ends_with(k_extension)) {
    return false;
  }
  for (std::size_t i = 0; i < k_time_length; ++i) {
    const char c = name[i];
    const bool ok = i == 8 ? c == 'T' : i == 15 ? c == 'Z' : (c >= '0' && c <= '9');
    if (!ok) {
      return false;
    }
  }
  if (name[k_time_length] != '-') {
    return false;
  }
  const std::string_view hash = name.substr(k_time_length + 1, k_hash_length);
  return hash.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

} // namespace

std::string
ledger_time(const model::Timestamp& t)
{
  std::string text = t.text(); // YYYY-MM-DDTHH:MM:SSZ
  std::erase(text, '-');
  std::erase(text, ':');
  return text;
}

namespace {

store::LedgerFileStamp
stamp_of(const std::filesystem::path& path)
{
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    throw util::StoreError(fmt::format("cannot read {}: {}", path.generic_string(), ec.message()));
  }
  const auto time = std::filesystem::last_write_time(path, ec);
  if (ec) {
    throw util::StoreError(fmt::format("cannot read {}: {}", path.generic_string(), ec.message()));
  }
  return {path.filename().string(),
          static_cast<std::int64_t>(size),
          std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count()};
}

} // namespace

std::map<std::string, store::LedgerFileStamp>
scan_ledger_files(const std::filesystem::path& root, const std::filesystem::path& folder)
{
  std::map<std::string, store::LedgerFileStamp> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    return out;
  }
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (!is_ledger_name(name)) {
      continue; // a README or a stray file: not the ledger's
    }
    if (entry.is_symlink() || !entry.is_regular_file()) {
      throw util::InputError(
        fmt::format("{}: a ledger file must be a regular file, not a symlink or anything else; refusing to read it",
                    util::display_path(entry.path(), root)),
        "restore the file from git (git checkout -- PATH) or remove it");
    }
    out.emplace(name, stamp_of(entry.path()));
  }
  return out;
}

store::LedgerEvent
read_ledger_file(const std::filesystem::path& root, const std::filesystem::path& path)
{
  const std::string shown = util::display_path(path, root);
  const store::LedgerFileStamp stamp = stamp_of(path);
  if (static_cast<std::uint64_t>(stamp.size) > util::limits().file_bytes) {
    throw util::InputError(std::vector<util::Diagnostic>{
      {util::Severity::error,
       {shown, 0, 0},
       fmt::format("the ledger file is {} bytes, longer than {} bytes", stamp.size, util::limits().file_bytes),
       util::limit_help("file-bytes")}});
  }
  const std::string text = util::read_text(path);
  const std::string hash = util::sha256(text);
  const std::string named = stamp.name.substr(k_time_length + 1, k_hash_length);
  if (hash.compare(0, k_hash_length, named) != 0) {
    throw util::InputError(std::vector<util::Diagnostic>{
      {util::Severity::error,
       {shown, 0, 0},
       fmt::format("the file's content does not match the hash in its name (its SHA-256 begins {}): ledger files "
                   "are never edited",
                   hash.substr(0, k_hash_length)),
       "restore it from git (git checkout -- " + shown
         + "); to correct evidence, store the corrected evidence as a new file"}});
  }
  store::LedgerParseError error;
  std::optional<store::LedgerEvent> event = store::parse_ledger_event(text, error);
  if (!event) {
    const util::SourceLocation where =
      error.pointer.empty() ? util::location_at(shown, text, error.offset) : util::SourceLocation{shown, 0, 0};
    throw util::InputError(std::vector<util::Diagnostic>{
      {util::Severity::error,
       where,
       error.pointer.empty() ? error.message : fmt::format("at {}: {}", error.pointer, error.message),
       "a ledger file is written by refactor-ledger and never edited: restore it from git"}});
  }
  return std::move(*event);
}

namespace {

std::vector<std::string>
selectors_of(const model::Definitions& definitions)
{
  std::set<std::string> all;
  for (const std::vector<std::string>& selection : rules::selections_of(definitions)) {
    all.insert(selection.begin(), selection.end());
  }
  return {all.begin(), all.end()};
}

} // namespace

std::filesystem::path
ledger_folder(const std::filesystem::path& root, const model::Program& program)
{
  return util::contained_output(
    root,
    program.ledger_dir,
    fmt::format("ledger_dir ({}:{}:{})", program.origin.path, program.origin.line, program.origin.column),
    true);
}

void
record_ledger_file(SQLite::Database& db, const std::filesystem::path& path)
{
  store::record_ledger_file(db, stamp_of(path));
}

namespace {

// True when `db` holds exactly the files `on_disk`, with the same stamps.
bool
holds_exactly(SQLite::Database& db, const std::map<std::string, store::LedgerFileStamp>& on_disk)
{
  const std::vector<store::LedgerFileStamp> known = store::ledger_file_stamps(db);
  return known.size() == on_disk.size() && std::all_of(known.begin(), known.end(), [&](const auto& k) {
           const auto it = on_disk.find(k.name);
           return it != on_disk.end() && it->second == k;
         });
}

} // namespace

bool
ledger_files_current(SQLite::Database& db, const std::filesystem::path& root, const model::Program& program)
{
  return holds_exactly(db, scan_ledger_files(root, ledger_folder(root, program)));
}

void
sync_ledger_files(Ledger& ledger)
{
  const std::filesystem::path& root = ledger.paths.root;
  const model::Program& program = ledger.definitions().program;
  const std::filesystem::path folder = ledger_folder(root, program);
  std::map<std::string, store::LedgerFileStamp> on_disk = scan_ledger_files(root, folder);
  SQLite::Database& db = *ledger.db;
  if (holds_exactly(db, on_disk)) {
    return;
  }
  store::WriteTransaction transaction(db);
  on_disk = scan_ledger_files(root, folder); // under the write transaction: what another command left
  std::map<std::string, store::LedgerFileStamp> known;
  for (store::LedgerFileStamp& k : store::ledger_file_stamps(db)) {
    std::string name = k.name;
    known.emplace(std::move(name), std::move(k));
  }
  const bool gone = std::any_of(known.begin(), known.end(), [&](const auto& k) { return !on_disk.contains(k.first); });
  if (gone) {
    store::forget_ledger_files(db);
    known.clear();
  }
  store::TestCaseCache cache;
  for (const auto& [name, stamp] : on_disk) {
    const auto it = known.find(name);
    if (it != known.end() && it->second == stamp) {
      continue;
    }
    // New, or touched since (a checkout rewrites files): read and check it.
    const store::LedgerEvent event = read_ledger_file(root, folder / name);
    if (it == known.end()) {
      store::import_ledger_event(db, event, name, cache);
    }
    store::record_ledger_file(db, stamp);
  }
  transaction.commit();
}

PendingLedgerFile::PendingLedgerFile(std::filesystem::path path)
  : m_path(std::move(path))
{
}

PendingLedgerFile::~PendingLedgerFile()
{
  if (!m_path.empty()) {
    std::error_code ec;
    std::filesystem::remove(m_path, ec); // best effort: a file left behind is imported by the next command
  }
}

PendingLedgerFile::PendingLedgerFile(PendingLedgerFile&& other) noexcept
  : m_path(std::exchange(other.m_path, {}))
{
}

PendingLedgerFile&
PendingLedgerFile::operator=(PendingLedgerFile&& other) noexcept
{
  if (this != &other) {
    if (!m_path.empty()) {
      std::error_code ec;
      std::filesystem::remove(m_path, ec);
    }
    m_path = std::exchange(other.m_path, {});
  }
  return *this;
}

void
PendingLedgerFile::keep()
{
  m_path.clear();
}

PendingLedgerFile
write_ledger_file(Ledger& ledger, const store::LedgerMark& mark)
{
  const model::Definitions& definitions = ledger.definitions();
  const store::LedgerEvent event = store::ledger_event_since(*ledger.db, mark, selectors_of(definitions));
  if (event.empty()) {
    return {};
  }
  const std::string text = store::format_ledger_event(event);
  const std::string name =
    fmt::format("{}-{}{}", ledger_time(current_time()), util::sha256(text).substr(0, k_hash_length), k_extension);
  const std::filesystem::path folder = ledger_folder(ledger.paths.root, definitions.program);
  const std::filesystem::path path = folder / name;
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) {
    throw util::StoreError(fmt::format(
      "cannot create the ledger folder {}: {}", util::display_path(folder, ledger.paths.root), ec.message()));
  }
  const bool existed = std::filesystem::exists(path);
  util::write_atomically(path, text);
  PendingLedgerFile pending(existed ? std::filesystem::path() : path);
  store::assign_ledger_file(*ledger.db, mark, name);
  store::record_ledger_file(*ledger.db, stamp_of(path));
  return pending;
}

} // namespace rl::app
