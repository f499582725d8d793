#pragma once

// Internal to app/: the git executable, run without a shell.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace rl::app {

struct GitResult
{
  bool started = false; // false: no git executable
  int exit_code = -1;
  std::string out; // standard output, as is
};

// Runs `git -C root ARGS...` (no shell; stdin closed, stderr discarded).
GitResult git_run(const std::filesystem::path& root, const std::vector<std::string>& args);

// Runs `git -C root ARGS...` (no shell; stdin closed, stderr discarded) and
// returns its standard output without the trailing newline, or nullopt when
// git is missing or exits non-zero.
std::optional<std::string> git_output(const std::filesystem::path& root, const std::vector<std::string>& args);

// How many commits `commit` is behind HEAD: 0 at HEAD; nullopt when it is not
// an ancestor of HEAD (or git cannot tell). Commits that touch only paths of
// `excluded` (relative to `root`: the ledger's own files, ledger_own_paths)
// are not counted: recording evidence or closing a milestone does not make
// evidence stale.
std::optional<int> commits_behind_head(const std::filesystem::path& root,
                                       const std::string& commit,
                                       const std::vector<std::string>& excluded = {});

// `git ... -- PATHSPEC...` arguments for the whole repository but `excluded`
// (paths relative to `root`, taken literally: no globs).
std::vector<std::string> pathspec_excluding(const std::vector<std::string>& excluded);

// The program root relative to the root of the git repository holding it,
// with '/' separators and a final '/' ("tools/ledger/"), or "" at the
// repository's root, outside git or without git: what CI formats put before
// a path relative to the program root so it is relative to the repository.
std::string repo_prefix(const std::filesystem::path& root);

} // namespace rl::app
