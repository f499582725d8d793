#pragma once

// Internal to app/: writing several files as one unit.
//
// `close` and `reopen` change a closeout record, the closeout documents, the
// tool-call log and REFACTOR.md together. commit_files stages every file
// beside its target, records the plan in a journal next to the ledger, then
// renames the closeout record into place: that rename is the commit point.
// The other files follow, and the journal goes. A run killed before the
// commit point leaves the old files (recover_interrupted deletes the staged
// copies); one killed after it leaves the new record, and recover_interrupted
// finishes the renames. Every command calls recover_interrupted first.

#include "util/error.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace rl::app {

struct FileWrite
{
  std::string path; // relative to the program root
  std::string text;
};

// An exclusive advisory lock (flock) on the folder `path`, held for its lifetime
// (a folder: no lock file is left behind):
// close/reopen hold it while they write, and recovery takes it first, so a
// command never mistakes another one's write in progress for an interrupted
// one. Blocks until the lock is free.
class WriteLock
{
public:
  explicit WriteLock(const std::filesystem::path& path);
  ~WriteLock();
  WriteLock(const WriteLock&) = delete;
  WriteLock& operator=(const WriteLock&) = delete;

private:
  int m_fd = -1;
};

// Throws StoreError naming the first of `targets` (files to be created or
// replaced) that cannot be written: its folder (or the nearest existing one)
// or the file itself is not writable, as the kernel says (access(2): also
// read-only mounts and immutable files, for root too). Checked before a
// command writes anything, so that a refusal leaves every file as it was.
void require_writable(const std::vector<std::filesystem::path>& targets);

// `files[0]` is the commit point (the closeout record). Refuses (StoreError,
// nothing written) when a target or the journal cannot be written; a failure
// while staging removes what was staged.
void commit_files(const std::filesystem::path& root,
                  const std::filesystem::path& journal,
                  const std::vector<FileWrite>& files);

// A journal that cannot be replayed as it is (not the JSON commit_files
// writes, or naming a path outside the root or through a symlink): nothing is
// moved, and only a person can decide what to do with it. Exit code 4.
class DamagedJournal : public util::StoreError
{
public:
  using util::StoreError::StoreError;
};

// Completes or undoes an interrupted commit_files; returns what it did ("" when
// there was nothing to do). Throws DamagedJournal before changing anything.
std::string recover_interrupted(const std::filesystem::path& root, const std::filesystem::path& journal);

// Test hook: when RL_FAULT_INJECT names `point`, the process exits at once
// with status 86, as if killed there (documented in README "Tests").
void fault_point(const char* point);

} // namespace rl::app
