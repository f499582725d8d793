#include "app/ledger.hpp"

#include "loader/loader.hpp"
#include "store/database.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace rl::app {

namespace {

bool
is_yaml(const std::filesystem::path& path)
{
  const std::string ext = path.extension().string();
  return ext == ".yaml" || ext == ".yml";
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
      throw util::UsageError(fmt::format(
        "{} is not a refactor-ledger program: it has no milestones/program.yaml",
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
        throw util::UsageError(
          "not inside a refactor-ledger program (no milestones/program.yaml here or in any "
          "parent folder); run it from the program's folder or pass -C DIR");
      }
      dir = dir.parent_path();
    }
  }
  std::filesystem::path db = global.db.empty() ? root / ".ledger" / "ledger.db"
                                               : std::filesystem::absolute(global.db, ec);
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
  const std::filesystem::path milestones = root / "milestones";
  for (const auto& entry : std::filesystem::directory_iterator(milestones)) {
    if (entry.is_regular_file() && is_yaml(entry.path())) {
      add(entry.path());
    }
  }
  const std::filesystem::path invariants = root / "invariants";
  if (std::filesystem::is_directory(invariants)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(invariants)) {
      if (entry.is_regular_file() && is_yaml(entry.path())) {
        add(entry.path());
      }
    }
  }
  std::sort(stamps.begin(), stamps.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return stamps;
}

model::Definitions
parse_program(const std::filesystem::path& root, const std::vector<store::SourceStamp>& stamps)
{
  std::vector<loader::SourceText> sources;
  sources.reserve(stamps.size());
  for (const store::SourceStamp& stamp : stamps) {
    sources.push_back({stamp.path, util::read_text(root / stamp.path)});
  }
  util::DiagnosticSink sink;
  model::Definitions definitions = loader::load_definitions(sources, sink);
  sink.throw_if_errors();
  return definitions;
}

Ledger
open_current(const GlobalOptions& global, ReloadPolicy policy)
{
  Ledger ledger;
  ledger.paths = resolve_paths(global);
  const std::vector<store::SourceStamp> stamps = scan_sources(ledger.paths.root);

  std::optional<model::Definitions> parsed;
  if (!std::filesystem::exists(ledger.paths.db)) {
    // Parse first so that bad input never leaves a new, empty database behind.
    parsed = parse_program(ledger.paths.root, stamps);
  }
  ledger.db = std::make_unique<SQLite::Database>(store::open_ledger(ledger.paths.db));
  if (!parsed && policy == ReloadPolicy::if_changed && store::read_source_stamps(*ledger.db) == stamps) {
    return ledger;
  }
  if (!parsed) {
    parsed = parse_program(ledger.paths.root, stamps);
  }
  model::Definitions current = store::read_definitions(*ledger.db);
  *parsed = store::as_stored(std::move(*parsed));
  if (current == *parsed) {
    // Same definitions (files touched, not changed): only the stamps move.
    store::replace_source_stamps(*ledger.db, stamps);
    ledger.load_result = LoadResult::unchanged;
    return ledger;
  }
  store::replace_definitions(*ledger.db, *parsed, stamps);
  ledger.load_result = LoadResult::updated;
  return ledger;
}

} // namespace rl::app
