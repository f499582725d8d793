// Hostile JUnit files (tests/fixtures/hostile/junit, see its README, plus
// large ones generated here): both parse paths, the in-memory one (files up
// to 16 MiB) and the streaming one, give the same verdict, message, location
// and records for the same bytes, and every refusal is an InputError.
#include "evidence/junit.hpp"
#include "evidence/records.hpp"
#include "util/error.hpp"
#include "util/limits.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace {

const std::filesystem::path k_hostile = std::filesystem::path(RL_SOURCE_DIR) / "tests/fixtures/hostile/junit";

using rl::evidence::JunitParseStats;
using rl::evidence::TestCaseRecord;

struct Verdict
{
  bool accepted = false;
  std::string message; // the refusal's message
  std::string help;
  int line = 0;
  int column = 0;
  std::vector<TestCaseRecord> cases;
  rl::evidence::TestTotals totals;
};

Verdict
run(bool stream, const std::string& bytes, JunitParseStats* stats = nullptr)
{
  Verdict v;
  auto on_case = [&v](const TestCaseRecord& c) { v.cases.push_back(c); };
  try {
    if (stream) {
      std::istringstream in(bytes);
      v.totals = rl::evidence::parse_junit(in, "t.xml", on_case, stats).totals;
    } else {
      v.totals = rl::evidence::parse_junit_buffer(bytes, "t.xml", on_case, stats).totals;
    }
    v.accepted = true;
  } catch (const rl::util::InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    const rl::util::Diagnostic& d = e.diagnostics().front();
    CHECK(d.location.path == "t.xml");
    v.message = d.message;
    v.help = d.help;
    v.line = d.location.line;
    v.column = d.location.column;
  }
  return v;
}

// Both paths, the same outcome; returns it.
Verdict
both(const std::string& bytes)
{
  const Verdict streamed = run(true, bytes);
  const Verdict buffered = run(false, bytes);
  CHECK(streamed.accepted == buffered.accepted);
  CHECK(streamed.message == buffered.message);
  CHECK(streamed.help == buffered.help);
  CHECK(streamed.line == buffered.line);
  CHECK(streamed.column == buffered.column);
  REQUIRE(streamed.cases.size() == buffered.cases.size());
  for (std::size_t i = 0; i < streamed.cases.size(); ++i) {
    CHECK(streamed.cases[i].suite == buffered.cases[i].suite);
    CHECK(streamed.cases[i].name == buffered.cases[i].name);
    CHECK(streamed.cases[i].classname == buffered.cases[i].classname);
    CHECK(streamed.cases[i].file == buffered.cases[i].file);
    CHECK(streamed.cases[i].message == buffered.cases[i].message);
    CHECK(streamed.cases[i].outcome == buffered.cases[i].outcome);
  }
  return streamed;
}

std::string
read_fixture(const std::string& name)
{
  std::ifstream in(k_hostile / name, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool
valid_utf8(const std::string& s)
{
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) {
      return false;
    }
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
        return false;
      }
    }
    i += n;
  }
  return true;
}

// Restores the default limits however a test ends.
struct LimitGuard
{
  explicit LimitGuard(std::initializer_list<const char*> assignments)
  {
    for (const char* a : assignments) {
      rl::util::set_limit(a);
    }
  }
  ~LimitGuard()
  {
    rl::util::reset_limits();
  }
  LimitGuard(const LimitGuard&) = delete;
  LimitGuard& operator=(const LimitGuard&) = delete;
};

std::string
nested(std::size_t depth, const std::string& suite_open = "<testsuite>")
{
  std::string xml = "<testsuites>";
  for (std::size_t i = 2; i < depth; ++i) {
    xml += suite_open;
  }
  xml += R"(<testcase classname="k" name="a"/>)";
  for (std::size_t i = 2; i < depth; ++i) {
    xml += "</testsuite>";
  }
  return xml + "</testsuites>";
}

} // namespace

TEST_CASE("malformed XML is refused alike by both paths", "[evidence][junit][hostile]")
{
  const std::pair<const char*, const char*> k_refused[] = {
    {"raw_lt_in_attribute.xml", "malformed XML: not well-formed (invalid token)"},
    {"nul_byte.xml", "malformed XML: not well-formed (invalid token)"},
    {"control_char.xml", "malformed XML: not well-formed (invalid token)"},
    {"control_char_reference.xml", "malformed XML: reference to invalid character number"},
    {"surrogate_char_reference.xml", "malformed XML: reference to invalid character number"},
    {"mismatched_end_tag.xml", "malformed XML: mismatched tag"},
    {"unclosed_root.xml", "malformed XML: no element found"},
    {"duplicate_attribute.xml", "malformed XML: duplicate attribute"},
    {"undefined_entity.xml", "malformed XML: undefined entity"},
    {"bare_ampersand.xml", "malformed XML: not well-formed (invalid token)"},
    {"two_roots.xml", "malformed XML: junk after document element"},
    {"text_after_root.xml", "malformed XML: junk after document element"},
    {"unknown_encoding.xml", "malformed XML: unknown encoding"},
    {"doctype_internal_entity.xml", "the document declares the entity 'who': DTD entity declarations are refused"},
  };
  for (const auto& [name, message] : k_refused) {
    CAPTURE(name);
    const Verdict v = both(read_fixture(name));
    CHECK_FALSE(v.accepted);
    CHECK(v.message == message);
    CHECK(v.line >= 1);
    CHECK(v.column >= 1);
  }
}

TEST_CASE("invalid UTF-8 is refused where it enters, with its byte offset", "[evidence][junit][hostile]")
{
  for (const char* name : {"utf8_invalid_test_name.xml",
                           "utf8_invalid_element_name.xml",
                           "utf8_invalid_in_text.xml",
                           "utf8_truncated_sequence.xml",
                           "utf8_overlong.xml",
                           "utf8_surrogate.xml",
                           "utf8_above_max.xml"}) {
    CAPTURE(name);
    const std::string bytes = read_fixture(name);
    // The first byte above 0x7F is where each of these files goes wrong.
    const auto bad =
      std::find_if(bytes.begin(), bytes.end(), [](char c) { return (static_cast<unsigned char>(c) & 0x80) != 0; });
    REQUIRE(bad != bytes.end());
    const auto offset = static_cast<std::size_t>(bad - bytes.begin());
    const Verdict v = both(bytes);
    CHECK_FALSE(v.accepted);
    CHECK(v.message.rfind(fmt::format("malformed XML: invalid UTF-8 at byte offset {} (byte 0x", offset), 0) == 0);
    CHECK(v.line == 4);
    CHECK(valid_utf8(v.message));
  }
}

TEST_CASE("valid documents in other encodings and with markup beyond elements are read alike",
          "[evidence][junit][hostile]")
{
  {
    const Verdict v = both(read_fixture("utf16le_bom.xml"));
    REQUIRE(v.accepted);
    REQUIRE(v.cases.size() == 1);
    CHECK(v.cases[0].name == "caf\xc3\xa9"); // records are UTF-8 whatever the file's encoding
    CHECK(v.cases[0].suite == "s\xc3\xa9");
    CHECK(v.cases[0].message == "\xe2\x98\x83 melted");
    CHECK(v.cases[0].outcome == rl::model::ResultStatus::failed);
  }
  {
    const Verdict v = both(read_fixture("latin1_declared.xml"));
    REQUIRE(v.accepted);
    REQUIRE(v.cases.size() == 1);
    CHECK(v.cases[0].name == "caf\xc3\xa9");
  }
  {
    // "<!ENTITY" in text is text: the in-memory path used to refuse it.
    const Verdict v = both(read_fixture("entity_text_in_cdata.xml"));
    REQUIRE(v.accepted);
    REQUIRE(v.cases.size() == 1);
    CHECK(v.cases[0].message == "<!ENTITY x \"y\"> is only text here");
  }
  {
    const Verdict v = both(read_fixture("comments_and_pis.xml"));
    REQUIRE(v.accepted);
    REQUIRE(v.cases.size() == 1);
    CHECK(v.cases[0].name == "a&b \xc3\xa9");
  }
}

TEST_CASE("nesting deeper than the depth limit is refused on both paths", "[evidence][junit][hostile]")
{
  // 300,000 levels (6.9 MB): the in-memory walker recursed once per level and
  // crashed the process.
  const std::string deep = nested(300000);
  const Verdict v = both(deep);
  CHECK_FALSE(v.accepted);
  CHECK(v.message == "elements nested deeper than 256 levels");
  CHECK(v.help == rl::util::limit_help("depth"));
  CHECK(v.line == 1);
  CHECK(v.column == 1 + 12 + 255 * 11); // the 257th start tag
  // At the limit: accepted, and the suite path is right.
  const Verdict at = both(nested(256, R"(<testsuite name="s">)"));
  REQUIRE(at.accepted);
  REQUIRE(at.cases.size() == 1);
  CHECK(at.cases[0].suite.size() == 254 * 2 - 1);
  {
    const LimitGuard limit({"depth=8"});
    CHECK(both(nested(8)).accepted);
    const Verdict over = both(nested(9));
    CHECK(over.message == "elements nested deeper than 8 levels");
    CHECK(over.help.find("--limit depth=N") != std::string::npos);
  }
}

TEST_CASE("the suite path is kept incrementally", "[evidence][junit][hostile]")
{
  const Verdict v = both(R"(<testsuites><testsuite name="a"><testsuite name="bb" file="f.py"><testsuite>
    <testcase classname="k" name="1"/></testsuite><testcase classname="k" name="2"/></testsuite>
    <testcase classname="k" name="3"/><testsuite name="c"><testcase classname="k" name="4"/></testsuite></testsuite>
    <testcase classname="k" name="5"/></testsuites>)");
  REQUIRE(v.accepted);
  REQUIRE(v.cases.size() == 5);
  CHECK(v.cases[0].suite == "a/bb/");
  CHECK(v.cases[0].file == "f.py");
  CHECK(v.cases[1].suite == "a/bb");
  CHECK(v.cases[1].file == "f.py");
  CHECK(v.cases[2].suite == "a");
  CHECK(v.cases[2].file.empty());
  CHECK(v.cases[3].suite == "a/c");
  CHECK(v.cases[4].suite.empty());
}

TEST_CASE("a token or text longer than the token limit is refused on both paths", "[evidence][junit][hostile]")
{
  const LimitGuard limit({"token-bytes=1M"});
  const std::string head = "<testsuites>\n<testsuite name=\"s\">\n";
  const std::string tail = "\n</testsuite>\n</testsuites>\n";
  SECTION("an attribute value")
  {
    const Verdict v = both(head + R"(<testcase classname="k" name=")" + std::string(3u << 20, 'a') + R"("/>)" + tail);
    CHECK_FALSE(v.accepted);
    CHECK(v.message == "an XML token (a tag with its attributes, a comment, a declaration) longer than 1048576 bytes");
    CHECK(v.help == rl::util::limit_help("token-bytes"));
    CHECK(v.line == 3);
    CHECK(v.column == 1);
  }
  SECTION("a comment")
  {
    const Verdict v = both(head + "<!--" + std::string(3u << 20, 'x') + "-->" + tail);
    CHECK_FALSE(v.accepted);
    CHECK(v.message.rfind("an XML token", 0) == 0);
    CHECK(v.line == 3);
  }
  SECTION("text, also when split into lines")
  {
    std::string text;
    while (text.size() <= (1u << 20)) {
      text += "a line of failure output\n";
    }
    const Verdict v =
      both(head + R"(<testcase classname="k" name="a"><failure>)" + text + "</failure></testcase>" + tail);
    CHECK_FALSE(v.accepted);
    CHECK(v.message == "the text of an element is longer than 1048576 bytes");
    CHECK(v.help == rl::util::limit_help("token-bytes"));
    CHECK(v.line == 3);
    CHECK(v.column == 43);
  }
  SECTION("at the limit: accepted")
  {
    const std::string value(900u << 10, 'a');
    const Verdict v = both(head + R"(<testcase classname="k" name=")" + value + R"("><failure>)" + value
                           + "</failure></testcase>" + tail);
    REQUIRE(v.accepted);
    REQUIRE(v.cases.size() == 1);
    CHECK(v.cases[0].name == value);
    CHECK(v.cases[0].message.size() < 4100); // capped
  }
}

TEST_CASE("a huge token costs linear work and bounded memory", "[evidence][junit][hostile]")
{
  // expat 2.5 rescans an incomplete token on every call: fed in fixed 64 KiB
  // blocks, a 16 MiB attribute was tokenized 256 times over (2 GiB of work).
  // The blocks grow while no event fires, so the work stays within a few
  // times the input.
  const LimitGuard limit({"token-bytes=64M"});
  const std::string xml = R"(<testsuites><testsuite name="s"><testcase classname="k" name=")"
                          + std::string(16u << 20, 'a') + R"("/></testsuite></testsuites>)";
  for (const bool stream : {true, false}) {
    CAPTURE(stream);
    JunitParseStats stats;
    const Verdict v = run(stream, xml, &stats);
    REQUIRE(v.accepted);
    CHECK(stats.bytes_fed == xml.size());
    CHECK(stats.bytes_scanned < 3 * xml.size());
    CHECK(stats.feeds < 64);
  }
  // Refused: expat never holds much more than the limit.
  const LimitGuard lower({"token-bytes=1M"});
  JunitParseStats stats;
  const Verdict v = run(true, xml, &stats);
  CHECK_FALSE(v.accepted);
  CHECK(stats.bytes_fed < (3u << 20));
}

TEST_CASE("the file limit and inherited strings are bounded", "[evidence][junit][hostile]")
{
  {
    const LimitGuard limit({"file-bytes=1K"});
    const Verdict v = both("<testsuites>" + std::string(2000, ' ') + "</testsuites>");
    CHECK_FALSE(v.accepted);
    CHECK(v.message == "the file is longer than 1024 bytes");
    CHECK(v.help == rl::util::limit_help("file-bytes"));
  }
  {
    const Verdict v = both(R"(<testsuites><testsuite name="s" file=")" + std::string(5000, 'f')
                           + R"("><testcase classname="k" name="a"/></testsuite></testsuites>)");
    CHECK_FALSE(v.accepted);
    CHECK(v.message == "a file attribute of 5000 bytes: at most 4096 are accepted");
  }
  {
    std::string xml = "<testsuites>";
    for (int i = 0; i < 50; ++i) {
      xml += R"(<testsuite name=")" + std::string(100, 's') + R"(">)";
    }
    const Verdict v = both(xml + "</testsuites>");
    CHECK_FALSE(v.accepted);
    CHECK(v.message
          == "a suite path (the enclosing suites' names joined with '/') of 4140 bytes: at most 4096 are accepted");
    CHECK(v.line == 1);
  }
}

TEST_CASE("names quoted in messages are short and valid UTF-8", "[evidence][junit][hostile]")
{
  const Verdict v = both("<" + std::string(10000, 'x') + "/>");
  CHECK_FALSE(v.accepted);
  CHECK(v.message.rfind("not a JUnit XML file: the root element is <xxxx", 0) == 0);
  CHECK(v.message.size() < 200);
  const Verdict u = both("<caf\xc3\xa9" + std::string(200, 'x') + "/>");
  CHECK(valid_utf8(u.message));
}

TEST_CASE("a huge timestamp costs linear work and is ignored like any unreadable time", "[evidence][junit][hostile]")
{
  // std::regex recursed once per character of the fraction: a few MB of
  // digits overflowed the stack.
  const std::string ts = "2026-02-08T07:30:00." + std::string(4u << 20, '7') + "Z";
  const std::string xml =
    R"(<testsuite name="s" timestamp=")" + ts + R"("><testcase classname="k" name="a"/></testsuite>)";
  for (const bool stream : {true, false}) {
    std::istringstream in(xml);
    const auto info = stream ? rl::evidence::parse_junit(in, "t.xml", [](const TestCaseRecord&) {})
                             : rl::evidence::parse_junit_buffer(xml, "t.xml", [](const TestCaseRecord&) {});
    REQUIRE(info.taken_at);
    CHECK(info.taken_at->text() == "2026-02-08T07:30:00Z");
  }
  CHECK(rl::model::Timestamp::parse("2026-02-08T07:30:00" + std::string(1u << 20, '0')) == std::nullopt);
}
