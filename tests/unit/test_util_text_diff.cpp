// util::unified_diff: the hunks `render --check` prints (3 lines of context,
// changes up to 6 unchanged lines apart in one hunk, as GNU diff -u).
#include "util/text_diff.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

using rl::util::unified_diff;

// "first\nsecond\n..." for lines first..last of `prefix N`.
std::string
numbered(int first, int last, const std::string& prefix = "")
{
  std::string text;
  for (int i = first; i <= last; ++i) {
    text += prefix + std::to_string(i) + "\n";
  }
  return text;
}

std::string
diff(const std::string& before, const std::string& after)
{
  return unified_diff(before, after, "a/f", "b/f");
}

} // namespace

TEST_CASE("equal texts give an empty diff", "[util][diff]")
{
  CHECK(diff("", "").empty());
  CHECK(diff("a\nb\n", "a\nb\n").empty());
  CHECK(diff("a\nb", "a\nb").empty());
}

TEST_CASE("the labels head the diff", "[util][diff]")
{
  CHECK(unified_diff("a\n", "b\n", "a/REFACTOR.md", "b/REFACTOR.md")
        == "--- a/REFACTOR.md\n+++ b/REFACTOR.md\n@@ -1,1 +1,1 @@\n-a\n+b\n");
}

TEST_CASE("a line inserted in the middle shows with 3 lines of context", "[util][diff]")
{
  CHECK(diff(numbered(1, 10), numbered(1, 5) + "new\n" + numbered(6, 10))
        == "--- a/f\n+++ b/f\n@@ -3,6 +3,7 @@\n 3\n 4\n 5\n+new\n 6\n 7\n 8\n");
}

TEST_CASE("a line deleted in the middle shows with 3 lines of context", "[util][diff]")
{
  CHECK(diff(numbered(1, 10), numbered(1, 4) + numbered(6, 10))
        == "--- a/f\n+++ b/f\n@@ -2,7 +2,6 @@\n 2\n 3\n 4\n-5\n 6\n 7\n 8\n");
}

TEST_CASE("replaced lines show their removal before their addition", "[util][diff]")
{
  CHECK(diff(numbered(1, 10), numbered(1, 4) + "five\n" + numbered(6, 10))
        == "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
  CHECK(diff(numbered(1, 10), numbered(1, 4) + "X\nY\n" + numbered(7, 10))
        == "--- a/f\n+++ b/f\n@@ -2,8 +2,8 @@\n 2\n 3\n 4\n-5\n-6\n+X\n+Y\n 7\n 8\n 9\n");
}

TEST_CASE("a change at either end of the file has the context there is", "[util][diff]")
{
  CHECK(diff(numbered(1, 6), "one\n" + numbered(2, 6)) == "--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n");
  CHECK(diff(numbered(1, 6), numbered(1, 5) + "six\n") == "--- a/f\n+++ b/f\n@@ -3,4 +3,4 @@\n 3\n 4\n 5\n-6\n+six\n");
}

TEST_CASE("a missing final newline is marked on the side that lacks it", "[util][diff]")
{
  CHECK(diff("a\nb\nc", "a\nb\nc\n")
        == "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n b\n-c\n\\ No newline at end of file\n+c\n");
  CHECK(diff("a\nb\nc\n", "a\nb\nc")
        == "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n b\n-c\n+c\n\\ No newline at end of file\n");
  CHECK(
    diff("a\nb", "a\nc")
    == "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n");
}

TEST_CASE("an empty text on either side gives one hunk that starts at line 0 of it", "[util][diff]")
{
  CHECK(diff("", "x\ny\n") == "--- a/f\n+++ b/f\n@@ -0,0 +1,2 @@\n+x\n+y\n");
  CHECK(diff("x\ny\n", "") == "--- a/f\n+++ b/f\n@@ -1,2 +0,0 @@\n-x\n-y\n");
  CHECK(diff("", "x") == "--- a/f\n+++ b/f\n@@ -0,0 +1,1 @@\n+x\n\\ No newline at end of file\n");
}

TEST_CASE("changes 7 unchanged lines apart are two hunks", "[util][diff]")
{
  const std::string after = numbered(1, 4) + "X\n" + numbered(6, 12) + "Y\n" + numbered(14, 20);
  CHECK(diff(numbered(1, 20), after)
        == "--- a/f\n+++ b/f\n"
           "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n"
           "@@ -10,7 +10,7 @@\n 10\n 11\n 12\n-13\n+Y\n 14\n 15\n 16\n");
}

TEST_CASE("changes up to 6 unchanged lines apart are one hunk", "[util][diff]")
{
  // dtl's own hunks split these (after 5 unchanged lines), GNU diff does not.
  const std::string six_apart = numbered(1, 4) + "X\n" + numbered(6, 11) + "Y\n" + numbered(13, 20);
  CHECK(diff(numbered(1, 20), six_apart)
        == "--- a/f\n+++ b/f\n"
           "@@ -2,14 +2,14 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n 9\n 10\n 11\n-12\n+Y\n 13\n 14\n 15\n");
  const std::string five_apart = numbered(1, 4) + "X\n" + numbered(6, 10) + "Y\n" + numbered(12, 20);
  CHECK(diff(numbered(1, 20), five_apart)
        == "--- a/f\n+++ b/f\n"
           "@@ -2,13 +2,13 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n 9\n 10\n-11\n+Y\n 12\n 13\n 14\n");
}

TEST_CASE("a merged hunk near the end of the file keeps 3 lines of context after its last change", "[util][diff]")
{
  // dtl's own hunks show 4 lines after the last change here.
  const std::string after = numbered(1, 2) + "X\n" + numbered(4, 7) + "Y\n" + numbered(9, 12);
  CHECK(diff(numbered(1, 12), after)
        == "--- a/f\n+++ b/f\n@@ -1,11 +1,11 @@\n 1\n 2\n-3\n+X\n 4\n 5\n 6\n 7\n-8\n+Y\n 9\n 10\n 11\n");
}

TEST_CASE("lines added to a run of equal lines go after the lines kept", "[util][diff]")
{
  // The common head and tail are set aside before dtl runs: of the equally
  // short diffs this is the one the previous hand-written diff printed.
  CHECK(diff("a\na\n", "a\na\na\n") == "--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n a\n+a\n");
  CHECK(diff("x\n\n\ny\n", "x\n\n\n\ny\n") == "--- a/f\n+++ b/f\n@@ -1,4 +1,5 @@\n x\n \n \n+\n y\n");
}

TEST_CASE("a 20,000-line text with 3 changes gives exactly 3 small hunks", "[util][diff]")
{
  const std::string before = numbered(1, 20'000, "line ");
  const std::string after = numbered(1, 99, "line ") + "changed 100\n" + numbered(101, 9'999, "line ")
                            + numbered(10'001, 19'990, "line ") + "inserted\n" + numbered(19'991, 20'000, "line ");
  CHECK(diff(before, after)
        == "--- a/f\n+++ b/f\n"
           "@@ -97,7 +97,7 @@\n line 97\n line 98\n line 99\n-line 100\n+changed 100\n line 101\n line 102\n"
           " line 103\n"
           "@@ -9997,7 +9997,6 @@\n line 9997\n line 9998\n line 9999\n-line 10000\n line 10001\n line 10002\n"
           " line 10003\n"
           "@@ -19988,6 +19987,7 @@\n line 19988\n line 19989\n line 19990\n+inserted\n line 19991\n line 19992\n"
           " line 19993\n");
}

TEST_CASE("two texts with no line in common are all removed then all added", "[util][diff]")
{
  // 2,000 x 2,000 different lines go past dtl's limit of path coordinates
  // (2,000,000), where it goes on from the best path found so far.
  const std::string before = numbered(1, 2'000, "old ");
  const std::string after = numbered(1, 2'000, "new ");
  std::string expected = "--- a/f\n+++ b/f\n@@ -1,2000 +1,2000 @@\n";
  for (int i = 1; i <= 2'000; ++i) {
    expected += "-old " + std::to_string(i) + "\n";
  }
  for (int i = 1; i <= 2'000; ++i) {
    expected += "+new " + std::to_string(i) + "\n";
  }
  CHECK(diff(before, after) == expected);
}

TEST_CASE("unified diff shows changed lines with context", "[util][diff]")
{
  CHECK(rl::util::unified_diff("a\nb\nc\n", "a\nb\nc\n", "x", "y").empty());
  CHECK(rl::util::unified_diff("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nE\nf\ng\nh\n", "a/f", "b/f")
        == "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n");
  CHECK(rl::util::unified_diff("", "new\n", "a/f", "b/f") == "--- a/f\n+++ b/f\n@@ -0,0 +1,1 @@\n+new\n");
}
