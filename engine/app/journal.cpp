#include "app/journal.hpp"

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rl::app {

namespace {

using json = nlohmann::ordered_json;

std::filesystem::path
staged_path(const std::filesystem::path& target)
{
  return target.parent_path() / ("." + target.filename().string() + ".rl-staged");
}

void
rename_or_throw(const std::filesystem::path& from, const std::filesystem::path& to)
{
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (ec) {
    throw util::StoreError(
      fmt::format("cannot move {} to {}: {}", from.generic_string(), to.generic_string(), ec.message()));
  }
}

// Undoes staging: the staged copies, the folders created for them, the journal.
void
remove_staged(const std::filesystem::path& root,
              const std::filesystem::path& journal,
              const std::vector<FileWrite>& files,
              const nlohmann::ordered_json& created)
{
  std::error_code ec;
  for (const FileWrite& f : files) {
    std::filesystem::remove(staged_path(root / f.path), ec);
  }
  for (const auto& dir : created) {
    std::filesystem::remove(root / dir.get<std::string>(), ec); // only if empty
  }
  std::filesystem::remove(journal, ec);
}

} // namespace

void
require_writable(const std::vector<std::filesystem::path>& targets)
{
  for (const std::filesystem::path& target : targets) {
    std::error_code ec;
    std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    while (!std::filesystem::exists(dir, ec) && dir.has_parent_path() && dir.parent_path() != dir) {
      dir = dir.parent_path();
    }
    const std::filesystem::path& checked = ::access(dir.c_str(), W_OK) != 0 ? dir
                                           : std::filesystem::exists(target, ec) && ::access(target.c_str(), W_OK) != 0
                                             ? target
                                             : std::filesystem::path();
    if (!checked.empty()) {
      throw util::StoreError(fmt::format("cannot write {}: {} is not writable ({}); nothing was written: run the "
                                         "command where the program's files can be written",
                                         target.generic_string(),
                                         checked.generic_string(),
                                         std::strerror(errno)));
    }
  }
}

WriteLock::WriteLock(const std::filesystem::path& path)
{
  m_fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (m_fd < 0) {
    throw util::StoreError(fmt::format("cannot open {} to lock it: {}", path.generic_string(), std::strerror(errno)));
  }
  while (::flock(m_fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      const int error = errno;
      ::close(m_fd);
      throw util::StoreError(fmt::format("cannot lock {}: {}", path.generic_string(), std::strerror(error)));
    }
  }
}

WriteLock::~WriteLock()
{
  if (m_fd >= 0) {
    ::close(m_fd); // releases the lock
  }
}

void
fault_point(const char* point)
{
  if (const char* wanted = std::getenv("RL_FAULT_INJECT"); wanted != nullptr && std::strcmp(wanted, point) == 0) {
    std::fflush(stdout);
    std::_Exit(86);
  }
}

void
commit_files(const std::filesystem::path& root,
             const std::filesystem::path& journal,
             const std::vector<FileWrite>& files)
{
  if (files.empty()) {
    return;
  }
  // Folders this commit creates, so that an undo removes them again.
  json created = json::array();
  for (const FileWrite& f : files) {
    std::filesystem::path dir = (root / f.path).parent_path();
    std::vector<std::string> missing;
    while (!dir.empty() && !std::filesystem::exists(dir)) {
      missing.push_back(util::display_path(dir, root));
      dir = dir.parent_path();
    }
    for (const std::string& m : missing) {
      if (std::find(created.begin(), created.end(), m) == created.end()) {
        created.push_back(m);
      }
    }
  }
  json plan;
  plan["commit_point"] = files.front().path;
  plan["commit_point_sha256"] = util::sha256(files.front().text);
  plan["files"] = json::array();
  for (const FileWrite& f : files) {
    plan["files"].push_back(f.path);
  }
  plan["created_folders"] = created;
  std::vector<std::filesystem::path> targets{journal};
  for (const FileWrite& f : files) {
    targets.push_back(root / f.path);
  }
  require_writable(targets);
  try {
    util::write_atomically(journal, plan.dump(2) + "\n");
    for (const FileWrite& f : files) {
      util::write_atomically(staged_path(root / f.path), f.text);
    }
  } catch (...) {
    remove_staged(root, journal, files, created); // before the commit point: as if never begun
    throw;
  }
  fault_point("after-staging");
  rename_or_throw(staged_path(root / files.front().path), root / files.front().path);
  fault_point("after-commit-point");
  for (std::size_t i = 1; i < files.size(); ++i) {
    rename_or_throw(staged_path(root / files[i].path), root / files[i].path);
  }
  std::filesystem::remove(journal);
}

namespace {

// A journal is written by commit_files, but it lives on disk where anything
// may have changed it: every path it names is checked as a generated file's
// path (relative, inside the root, no symlink on the way) before anything is
// moved or removed.
[[noreturn]] void
damaged(const std::filesystem::path& journal, const std::string& why)
{
  throw DamagedJournal(fmt::format("{} is damaged ({}); nothing was changed: check the files it names and "
                                   "delete it",
                                   journal.generic_string(),
                                   why));
}

std::string
journal_string(const std::filesystem::path& journal, const json& item, std::string_view key)
{
  if (!item.is_string()) {
    damaged(journal, fmt::format("{} is not a string", key));
  }
  return item.get<std::string>();
}

const json&
journal_array(const std::filesystem::path& journal, const json& plan, std::string_view key)
{
  const auto it = plan.find(key);
  if (it == plan.end() || !it->is_array()) {
    damaged(journal, fmt::format("'{}' is not a list", key));
  }
  return *it;
}

// A file the journal names: root / relative, never through a symlink.
std::filesystem::path
journal_file(const std::filesystem::path& root,
             const std::filesystem::path& journal,
             const json& item,
             std::string_view key)
{
  const std::string relative = journal_string(journal, item, key);
  try {
    return util::contained_output(root, relative, key);
  } catch (const util::InputError& e) {
    damaged(journal, util::terminal_safe(e.what()));
  }
}

// A folder the journal names: relative, inside the root, and (where it
// exists) a real folder reached through real folders.
std::filesystem::path
journal_folder(const std::filesystem::path& root, const std::filesystem::path& journal, const json& item)
{
  const std::string relative = journal_string(journal, item, "created_folders");
  if (const std::string problem = util::relative_path_problem(relative); !problem.empty()) {
    damaged(journal, fmt::format("created_folders: '{}': {}", util::terminal_safe(relative), problem));
  }
  std::filesystem::path path = root;
  for (const auto& part : std::filesystem::path(relative)) {
    path /= part;
    struct stat st
    {};
    if (::lstat(path.c_str(), &st) != 0) {
      break;
    }
    if (!S_ISDIR(st.st_mode)) {
      damaged(journal,
              fmt::format("created_folders: '{}': {} is not a folder",
                          util::terminal_safe(relative),
                          util::display_path(path, root)));
    }
  }
  return root / relative;
}

} // namespace

std::string
recover_interrupted(const std::filesystem::path& root, const std::filesystem::path& journal)
{
  if (!std::filesystem::exists(journal)) {
    return {};
  }
  json plan;
  try {
    // Bounded like every input: a journal is a flat object of paths.
    const json::parser_callback_t bounds = [&](int depth, json::parse_event_t event, json&) {
      if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) && depth > 2) {
        damaged(journal, "nested deeper than a journal is");
      }
      return true;
    };
    plan = json::parse(util::read_text(journal), bounds);
  } catch (const json::exception& e) {
    damaged(journal, e.what());
  }
  if (!plan.is_object()) {
    damaged(journal, "not a JSON object");
  }
  // Everything is checked before anything is moved or removed.
  const std::filesystem::path commit_point =
    journal_file(root, journal, plan.contains("commit_point") ? plan["commit_point"] : json(), "commit_point");
  const std::string commit_point_sha256 = journal_string(
    journal, plan.contains("commit_point_sha256") ? plan["commit_point_sha256"] : json(), "commit_point_sha256");
  std::vector<std::filesystem::path> targets;
  for (const json& item : journal_array(journal, plan, "files")) {
    targets.push_back(journal_file(root, journal, item, "files"));
  }
  std::vector<std::filesystem::path> folders;
  for (const json& item : journal_array(journal, plan, "created_folders")) {
    folders.push_back(journal_folder(root, journal, item));
  }
  for (const std::filesystem::path& target : targets) {
    struct stat st
    {};
    if (::lstat(staged_path(target).c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
      damaged(journal, fmt::format("{} is not a regular file", util::display_path(staged_path(target), root)));
    }
  }
  const bool committed =
    std::filesystem::exists(commit_point) && util::sha256(util::read_text(commit_point)) == commit_point_sha256;
  std::size_t moved = 0;
  for (const std::filesystem::path& target : targets) {
    const std::filesystem::path staged = staged_path(target);
    if (!std::filesystem::exists(staged)) {
      continue;
    }
    if (committed) {
      rename_or_throw(staged, target);
      ++moved;
    } else {
      std::filesystem::remove(staged);
    }
  }
  if (!committed) {
    // Innermost first: they were listed from the deepest up.
    for (const std::filesystem::path& dir : folders) {
      std::error_code ec;
      std::filesystem::remove(dir, ec); // only if empty
    }
  }
  std::filesystem::remove(journal);
  return committed ? fmt::format("completed an interrupted closeout write ({} files moved into place)", moved)
                   : "undid an interrupted closeout write (its files were never committed)";
}

} // namespace rl::app
