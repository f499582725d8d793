#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rl::model {

// How many hex digits of a git commit id the ledger shows (in messages,
// tables, the log and the closeout documents): one rule for every place.
// Twelve digits stay unique in repositories far larger than PyTorch's.
inline constexpr std::size_t k_commit_digits_shown = 12;

// Two places keep a shorter form, because documents already written show it
// and closed milestones' documents are frozen byte for byte: the baseline
// commit in REFACTOR.md's header (7 digits, as the example program's own log
// wrote it) and the commit of a CI run quoted as closeout evidence (11 digits,
// in M01's closeout documents).
inline constexpr std::size_t k_baseline_commit_digits = 7;
inline constexpr std::size_t k_ci_run_commit_digits = 11;

// `commit` (a full id as stored, or '' when unknown) as shown: its first
// `digits` characters; '' stays ''.
inline std::string
short_commit(std::string_view commit, std::size_t digits = k_commit_digits_shown)
{
  return std::string(commit.substr(0, digits));
}

} // namespace rl::model
