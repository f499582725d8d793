// Unified diff: dtl (libdtl-dev, Wu-Manber-Myers O(NP)) finds the edit
// script, this file cuts it into hunks. Two parts stay hand-written, each for
// a measured reason:
// - The hunks. dtl 1.20's composeUnifiedHunks() starts a new hunk after 5
//   unchanged lines (the second then has 2 lines of context before its
//   change) and can show 4 lines after a change near the end of the file;
//   GNU diff -u, this function before dtl, and the golden tests keep changes
//   up to 6 unchanged lines apart in one hunk with 3 lines of context. Its
//   hunks broke those rules in 15.6% of 100,000 random small diffs.
// - The common head and tail are kept out of dtl. Among equally short diffs
//   it then picks the one the previous (LCS) diff printed in 1,993 of 2,000
//   random edits of REFACTOR.md (1-10 lines deleted, inserted, replaced or
//   changed), against 1,870 of 2,000 without.
// Cost, measured against the previous hand-written diff (LCS table, with the
// whole changed region replaced when the table would pass 16M cells) in a
// throwaway program, -O2, CPU time of one diff (best of 5-100) / peak RSS
// growth, on the 2-core machine:
//   REFACTOR.md (619 lines), 5 lines changed      0.24 ms / 0.5 MB  (was 0.24 ms / 0.9 MB)
//   it padded to 1,000 lines, 5 lines changed     0.43 ms / 0.8 MB  (was 0.83 ms / 3.1 MB)
//   REFACTOR.md against itself reversed           6.9 ms / 5.8 MB   (was 0.5 ms / 2.1 MB)
//   1,000 lines, none in common                   32 ms / 24 MB     (was 1.4 ms / 4.3 MB)
//   20,000 lines, 200 changed (1%)                17 ms / 17 MB     (was 8 ms / 14 MB, but
//                                                 a 39,516-line diff: the whole region replaced;
//                                                 now 1,572 lines)
//   5,000 lines, none in common                   0.23 s / 96 MB    (was 1 ms / 1.6 MB)
//   20,000 lines, none in common                  1.4 s / 100 MB    (was 4 ms / 6 MB)
// Texts with nothing in common are dtl's worst case: its memory stays near
// 100 MB because it stops at 2,000,000 path coordinates and goes on from the
// best path found so far (the diff stays correct, maybe not the shortest).
// A hostile REFACTOR.md of 2,000,000 lines with nothing in common (58 MB):
// `render --check` 4.3-6.5 s / 0.70 GB peak (1.0 GB before dtl got line
// numbers instead of lines; the hand-written diff replaced the whole region:
// 2.1 s / 0.44 GB). Linear in the input, never a crash; --limit file-bytes
// bounds it.
#include "util/text_diff.hpp"

#include <dtl/dtl.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rl::util {

namespace {

using Lines = std::vector<std::string>;

// Lines of context around a change.
constexpr std::size_t k_context = 3;

Lines
split_lines(const std::string& text)
{
  Lines lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start) + "\n\\ No newline at end of file");
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

enum class Op { keep, remove, add };

struct Edit
{
  Op op;
  std::size_t index; // into before (keep/remove) or after (add)
};

// A shortest edit script from `a` to `b`: the common head and tail kept, dtl's
// script between them.
std::vector<Edit>
edit_script(const Lines& a, const Lines& b)
{
  std::size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) {
    ++prefix;
  }
  std::size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix
         && a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  // dtl compares and copies its sequences' elements several times: it gets
  // each line's number among the distinct lines instead of the line (as GNU
  // diff hashes lines to classes). A 2,000,000-line file with nothing in
  // common took 1 GB this way with strings, 4-byte numbers keep it small.
  std::unordered_map<std::string_view, int> classes;
  const auto middle = [&](const Lines& lines) {
    std::vector<int> ids;
    ids.reserve(lines.size() - prefix - suffix);
    for (std::size_t i = prefix; i < lines.size() - suffix; ++i) {
      ids.push_back(classes.try_emplace(lines[i], static_cast<int>(classes.size())).first->second);
    }
    return ids;
  };
  const std::vector<int> a_ids = middle(a);
  const std::vector<int> b_ids = middle(b);
  // deletesFirst: within a run of changes, removals go first (as GNU diff).
  dtl::Diff<int, std::vector<int>> diff(a_ids, b_ids, /*deletesFirst=*/true);
  diff.onHuge();
  diff.compose();
  const auto ses = diff.getSes().getSequence();

  std::vector<Edit> edits;
  edits.reserve(prefix + ses.size() + suffix);
  for (std::size_t i = 0; i < prefix; ++i) {
    edits.push_back({Op::keep, i});
  }
  // dtl numbers the lines of its two sequences from 1.
  for (const auto& [line, info] : ses) {
    if (info.type == dtl::SES_ADD) {
      edits.push_back({Op::add, prefix + static_cast<std::size_t>(info.afterIdx) - 1});
    } else {
      edits.push_back(
        {info.type == dtl::SES_DELETE ? Op::remove : Op::keep, prefix + static_cast<std::size_t>(info.beforeIdx) - 1});
    }
  }
  for (std::size_t i = a.size() - suffix; i < a.size(); ++i) {
    edits.push_back({Op::keep, i});
  }
  return edits;
}

} // namespace

std::string
unified_diff(const std::string& before,
             const std::string& after,
             const std::string& before_label,
             const std::string& after_label)
{
  if (before == after) {
    return {};
  }
  const Lines a = split_lines(before);
  const Lines b = split_lines(after);
  const std::vector<Edit> edits = edit_script(a, b);

  // Line numbers of each edit in both files.
  std::vector<std::size_t> a_line(edits.size());
  std::vector<std::size_t> b_line(edits.size());
  std::size_t ai = 0;
  std::size_t bi = 0;
  for (std::size_t k = 0; k < edits.size(); ++k) {
    a_line[k] = ai;
    b_line[k] = bi;
    ai += edits[k].op != Op::add ? 1 : 0;
    bi += edits[k].op != Op::remove ? 1 : 0;
  }

  std::string out = fmt::format("--- {}\n+++ {}\n", before_label, after_label);
  std::size_t k = 0;
  while (k < edits.size()) {
    if (edits[k].op == Op::keep) {
      ++k;
      continue;
    }
    const std::size_t start = k >= k_context ? k - k_context : 0;
    // Extend while the next change is within 2 * context lines.
    std::size_t last_change = k;
    for (std::size_t x = k; x < edits.size(); ++x) {
      if (edits[x].op != Op::keep) {
        last_change = x;
      } else if (x - last_change > 2 * k_context) {
        break;
      }
    }
    const std::size_t end = std::min(edits.size(), last_change + k_context + 1);
    std::size_t a_count = 0;
    std::size_t b_count = 0;
    std::string body;
    for (std::size_t x = start; x < end; ++x) {
      switch (edits[x].op) {
      case Op::keep:
        body += " " + a[edits[x].index] + "\n";
        ++a_count;
        ++b_count;
        break;
      case Op::remove:
        body += "-" + a[edits[x].index] + "\n";
        ++a_count;
        break;
      case Op::add:
        body += "+" + b[edits[x].index] + "\n";
        ++b_count;
        break;
      }
    }
    out += fmt::format("@@ -{},{} +{},{} @@\n",
                       a_count == 0 ? a_line[start] : a_line[start] + 1,
                       a_count,
                       b_count == 0 ? b_line[start] : b_line[start] + 1,
                       b_count);
    out += body;
    k = end;
  }
  return out;
}

} // namespace rl::util
