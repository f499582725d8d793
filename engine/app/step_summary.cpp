#include "app/step_summary.hpp"

#include "app/ledger.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rl::app {

namespace {

// The files SQLite keeps for the ledger at `db`.
std::array<std::filesystem::path, 4>
ledger_files(const std::filesystem::path& db)
{
  return {db, db.string() + "-wal", db.string() + "-shm", db.string() + "-journal"};
}

// Why `target` must not be written, or "".
std::string
refusal(const std::filesystem::path& target, const std::filesystem::path& db)
{
  std::error_code ec;
  const std::filesystem::path wanted = std::filesystem::weakly_canonical(target, ec);
  for (const std::filesystem::path& file : ledger_files(db)) {
    std::error_code ec2;
    const std::filesystem::path ledger = std::filesystem::weakly_canonical(file, ec2);
    if ((!ec && !ec2 && wanted == ledger) || std::filesystem::equivalent(target, file, ec2)) {
      return "it is the ledger database";
    }
  }
  return {};
}

} // namespace

void
append_step_summary(const GlobalOptions& global, std::string_view markdown)
{
  const char* variable = std::getenv("GITHUB_STEP_SUMMARY");
  if (variable == nullptr || *variable == '\0' || markdown.empty()) {
    return;
  }
  const std::filesystem::path target(variable);
  report::Sink& sink = global.output();
  auto warn = [&](std::string_view why) {
    sink.err(fmt::format("refactor-ledger: warning: the job summary was not written to GITHUB_STEP_SUMMARY={}: "
                         "{}; the command's result is unchanged\n",
                         util::terminal_safe(variable),
                         why));
  };
  std::filesystem::path db;
  try {
    db = resolve_paths(global).db;
  } catch (const std::exception&) {
    // No program: there is no ledger to protect.
  }
  if (!db.empty()) {
    if (const std::string why = refusal(target, db); !why.empty()) {
      warn(why);
      return;
    }
  }
  // Non-blocking: a FIFO without a reader must not hang the command.
  const int fd = ::open(target.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0644);
  if (fd < 0) {
    warn(std::strerror(errno));
    return;
  }
  struct stat st
  {};
  std::string why;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    why = "it is not a regular file";
  } else if (!db.empty()) {
    for (const std::filesystem::path& file : ledger_files(db)) {
      struct stat ledger
      {};
      if (::stat(file.c_str(), &ledger) == 0 && ledger.st_dev == st.st_dev && ledger.st_ino == st.st_ino) {
        why = "it is the ledger database";
      }
    }
  }
  for (std::size_t done = 0; why.empty() && done < markdown.size();) {
    const ssize_t n = ::write(fd, markdown.data() + done, markdown.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      why = std::strerror(errno);
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 && why.empty()) {
    why = std::strerror(errno);
  }
  if (!why.empty()) {
    warn(why);
  }
}

} // namespace rl::app
