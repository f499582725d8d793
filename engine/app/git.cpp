#include "app/git.hpp"

#include <algorithm>
#include <charconv>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace rl::app {

GitResult
git_run(const std::filesystem::path& root, const std::vector<std::string>& args)
{
  GitResult result;
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) {
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> all{"git", "-C", root.string()};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(all.size() + 1);
  for (std::string& a : all) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (rc == 0) {
    result.started = true;
    char buffer[65536];
    ssize_t n = 0;
    while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) {
      result.out.append(buffer, static_cast<std::size_t>(n));
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  ::close(pipe_fds[0]);
  return result;
}

std::optional<std::string>
git_output(const std::filesystem::path& root, const std::vector<std::string>& args)
{
  GitResult result = git_run(root, args);
  if (!result.started || result.exit_code != 0) {
    return std::nullopt;
  }
  std::string out = std::move(result.out);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
    out.pop_back();
  }
  return out;
}

std::vector<std::string>
pathspec_excluding(const std::vector<std::string>& excluded)
{
  std::vector<std::string> args{"--", ":(top)"};
  for (const std::string& path : excluded) {
    args.push_back(":(exclude,literal)" + path);
  }
  return args;
}

std::optional<int>
commits_behind_head(const std::filesystem::path& root,
                    const std::string& commit,
                    const std::vector<std::string>& excluded)
{
  if (commit.empty() || !git_output(root, {"merge-base", "--is-ancestor", commit, "HEAD"})) {
    return std::nullopt;
  }
  std::vector<std::string> args{"rev-list", "--count", commit + "..HEAD"};
  if (!excluded.empty()) {
    const std::vector<std::string> pathspec = pathspec_excluding(excluded);
    args.insert(args.end(), pathspec.begin(), pathspec.end());
  }
  const auto count = git_output(root, args);
  if (!count) {
    return std::nullopt;
  }
  int n = 0;
  const auto [ptr, ec] = std::from_chars(count->data(), count->data() + count->size(), n);
  if (ec != std::errc()) {
    return std::nullopt;
  }
  return n;
}

std::string
repo_prefix(const std::filesystem::path& root)
{
  // A prefix with a control character or a '..' would not be a path inside the
  // repository as the annotations need it: then paths stay as they are.
  const std::optional<std::string> prefix = git_output(root, {"rev-parse", "--show-prefix"});
  if (!prefix || prefix->find("..") != std::string::npos
      || std::any_of(prefix->begin(), prefix->end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    return {};
  }
  return *prefix;
}

} // namespace rl::app
