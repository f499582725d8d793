#include "util/text_diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace rl::util {

namespace {

std::vector<std::string>
split_lines(const std::string& text)
{
  std::vector<std::string> lines;
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

// LCS over the middle region [lo, a_hi) x [lo, b_hi); whole-region replacement
// when the table would be too large.
void
diff_middle(const std::vector<std::string>& a,
            const std::vector<std::string>& b,
            std::size_t a_lo,
            std::size_t a_hi,
            std::size_t b_lo,
            std::size_t b_hi,
            std::vector<Edit>& out)
{
  const std::size_t n = a_hi - a_lo;
  const std::size_t m = b_hi - b_lo;
  if (n == 0 || m == 0 || n * m > 16'000'000) {
    for (std::size_t i = a_lo; i < a_hi; ++i) {
      out.push_back({Op::remove, i});
    }
    for (std::size_t j = b_lo; j < b_hi; ++j) {
      out.push_back({Op::add, j});
    }
    return;
  }
  std::vector<std::uint32_t> table((n + 1) * (m + 1), 0);
  auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return table[i * (m + 1) + j]; };
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      at(i, j) = a[a_lo + i] == b[b_lo + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    }
  }
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n && j < m) {
    if (a[a_lo + i] == b[b_lo + j]) {
      out.push_back({Op::keep, a_lo + i});
      ++i;
      ++j;
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      out.push_back({Op::remove, a_lo + i++});
    } else {
      out.push_back({Op::add, b_lo + j++});
    }
  }
  for (; i < n; ++i) {
    out.push_back({Op::remove, a_lo + i});
  }
  for (; j < m; ++j) {
    out.push_back({Op::add, b_lo + j});
  }
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
  const std::vector<std::string> a = split_lines(before);
  const std::vector<std::string> b = split_lines(after);
  std::size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) {
    ++prefix;
  }
  std::size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix
         && a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  std::vector<Edit> edits;
  for (std::size_t i = 0; i < prefix; ++i) {
    edits.push_back({Op::keep, i});
  }
  diff_middle(a, b, prefix, a.size() - suffix, prefix, b.size() - suffix, edits);
  for (std::size_t i = a.size() - suffix; i < a.size(); ++i) {
    edits.push_back({Op::keep, i});
  }

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
  constexpr std::size_t k_context = 3;
  std::size_t k = 0;
  while (k < edits.size()) {
    if (edits[k].op == Op::keep) {
      ++k;
      continue;
    }
    std::size_t start = k >= k_context ? k - k_context : 0;
    std::size_t end = k;
    // Extend while the next change is within 2 * context lines.
    std::size_t last_change = k;
    for (std::size_t x = k; x < edits.size(); ++x) {
      if (edits[x].op != Op::keep) {
        last_change = x;
      } else if (x - last_change > 2 * k_context) {
        break;
      }
    }
    end = std::min(edits.size(), last_change + k_context + 1);
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
