// JUnit files produced by the real tools (tests/fixtures/junit, see its README)
// are counted exactly as tests/fixtures/junit/manifest.json says.
#include "evidence/ci_run.hpp"
#include "evidence/junit.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

const std::filesystem::path k_fixtures = std::filesystem::path(RL_SOURCE_DIR) / "tests/fixtures/junit";

rl::evidence::JunitFileInfo
parse_file(const std::filesystem::path& path, std::vector<rl::evidence::TestCaseRecord>* cases = nullptr)
{
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return rl::evidence::parse_junit(in, path.filename().string(), [&](const rl::evidence::TestCaseRecord& c) {
    if (cases != nullptr) {
      cases->push_back(c);
    }
  });
}

} // namespace

TEST_CASE("real tools' JUnit files are counted exactly", "[evidence][junit]")
{
  std::ifstream in(k_fixtures / "manifest.json");
  REQUIRE(in);
  const nlohmann::json manifest = nlohmann::json::parse(in);
  const nlohmann::json& items = manifest.is_array() ? manifest : manifest.at("fixtures");
  int checked = 0;
  for (const auto& item : items) {
    if (item.at("tests").is_null()) {
      continue;
    }
    const std::string path = item.at("path").get<std::string>();
    CAPTURE(path);
    const auto info = parse_file(k_fixtures / path);
    CHECK(info.totals.tests == item.at("tests").get<std::int64_t>());
    CHECK(info.totals.passed == item.at("passed").get<std::int64_t>());
    CHECK(info.totals.failed == item.at("failed").get<std::int64_t>());
    CHECK(info.totals.errors == item.at("errors").get<std::int64_t>());
    CHECK(info.totals.skipped == item.at("skipped").get<std::int64_t>());
    ++checked;
  }
  CHECK(checked >= 15);
}

TEST_CASE("hostile XML is rejected without expanding or reading anything", "[evidence][junit]")
{
  for (const char* name : {"xxe.xml", "billion_laughs.xml"}) {
    CAPTURE(name);
    try {
      parse_file(k_fixtures / "hostile" / name);
      FAIL("accepted");
    } catch (const rl::util::InputError& e) {
      const std::string message = e.diagnostics().at(0).message;
      CHECK(message.find("DTD entity declarations are refused") != std::string::npos);
      CHECK(message.find("root:") == std::string::npos); // nothing of /etc/passwd
    }
  }
  try {
    parse_file(k_fixtures / "hostile" / "not_junit.xml");
    FAIL("accepted");
  } catch (const rl::util::InputError& e) {
    CHECK(e.diagnostics().at(0).message.find("not a JUnit XML file: the root element is <svg>") == 0);
    CHECK(e.diagnostics().at(0).location.line > 0);
  }
  CHECK_THROWS_AS(parse_file(k_fixtures / "hostile" / "truncated.xml"), rl::util::InputError);
}

TEST_CASE("test identities follow pytest node ids and classname::name", "[evidence][junit]")
{
  std::vector<rl::evidence::TestCaseRecord> cases;
  parse_file(k_fixtures / "pytest" / "m01_smoke.xml", &cases);
  REQUIRE(cases.size() == 8);
  for (const auto& c : cases) {
    CHECK(c.identity().rfind("test/test_import_smoke_static.py::", 0) == 0);
  }
  std::vector<rl::evidence::TestCaseRecord> x2;
  parse_file(k_fixtures / "pytest" / "xunit2.xml", &x2);
  std::vector<rl::evidence::TestCaseRecord> x1;
  parse_file(k_fixtures / "pytest" / "xunit1.xml", &x1);
  REQUIRE(x1.size() == x2.size());
  for (std::size_t i = 0; i < x1.size(); ++i) {
    CHECK(x1[i].identity() == x2[i].identity()); // xunit2 has no file attribute
  }
}

TEST_CASE("identities of Python, other and classless test cases", "[evidence][junit]")
{
  rl::evidence::TestCaseRecord c;
  c.suite = "pytest";
  c.name = "test_x";
  c.file = "test/sub/test_m.py";
  c.classname = "test.sub.test_m.TestA.Inner";
  CHECK(c.identity() == "test/sub/test_m.py::TestA::Inner::test_x");
  c.classname = "test.sub.test_m";
  CHECK(c.identity() == "test/sub/test_m.py::test_x"); // a module-level test
  c.classname = "test.sub.test_mX.TestA";              // not this module
  CHECK(c.identity() == "test/sub/test_m.py::test_x");
  c.classname = "other.TestA";
  CHECK(c.identity() == "test/sub/test_m.py::test_x");
  c.file = "src/x.cpp";
  c.classname = "MathTest";
  CHECK(c.identity() == "MathTest::test_x");
  c.classname.clear();
  CHECK(c.identity() == "pytest::test_x");
  std::string reused = "previous content";
  c.identity_into(reused);
  CHECK(reused == "pytest::test_x");
}

TEST_CASE("the streaming and in-memory parsers read a document alike", "[evidence][junit]")
{
  const std::string xml = R"(<testsuites><testsuite name="outer" file="o.py"><testsuite name="inner">
    <testcase classname="k" name="a" time="1,5" status="notrun" result="x"><failure message="boom">text</failure></testcase>
    <testcase name="b" classname="k" time="  2"/>
    <testcase classname="k" name="c" file="f.py" time="-1"/>
  </testsuite><testcase name="d" classname="k"><error>details</error></testcase></testsuite></testsuites>)";
  auto check = [](const std::vector<rl::evidence::TestCaseRecord>& cases) {
    REQUIRE(cases.size() == 4);
    CHECK(cases[0].name == "a");
    CHECK(cases[0].suite == "outer/inner");
    CHECK(cases[0].file == "o.py");
    CHECK(*cases[0].duration == Approx(1.5));
    CHECK(cases[0].outcome == rl::model::ResultStatus::failed);
    CHECK(cases[0].message == "boom");
    // The next case starts afresh.
    CHECK(cases[1].outcome == rl::model::ResultStatus::passed);
    CHECK(cases[1].message.empty());
    CHECK(*cases[1].duration == Approx(2.0));
    CHECK(cases[2].file == "f.py");
    CHECK_FALSE(cases[2].duration);
    CHECK(cases[3].suite == "outer");
    CHECK(cases[3].outcome == rl::model::ResultStatus::error);
    CHECK(cases[3].message == "details");
  };
  std::vector<rl::evidence::TestCaseRecord> streamed;
  std::istringstream in(xml);
  rl::evidence::parse_junit(in, "t.xml", [&](const auto& c) { streamed.push_back(c); });
  check(streamed);
  std::vector<rl::evidence::TestCaseRecord> buffered;
  rl::evidence::parse_junit_buffer(xml, "t.xml", [&](const auto& c) { buffered.push_back(c); });
  check(buffered);
}

TEST_CASE("times are parsed tolerantly", "[evidence][junit]")
{
  std::istringstream in(R"(<testsuites><testsuite name="s" timestamp="2026-02-08T07:30:00+02:00">
    <testcase name="a" classname="c" time="0,160"/>
    <testcase name="b" classname="c" time="1E-07"/>
    <testcase name="c" classname="c" time=""/>
    <testcase name="d" classname="c" result="suppressed"/>
    <testcase name="e" classname="c" status="disabled"/>
    <testcase name="f" classname="c"><flakyFailure message="m"/></testcase>
    <testcase name="g" classname="c"><skipped type="pytest.xfail" message="x"/></testcase>
  </testsuite></testsuites>)");
  std::vector<rl::evidence::TestCaseRecord> cases;
  const auto info = rl::evidence::parse_junit(in, "t.xml", [&](const auto& c) { cases.push_back(c); });
  REQUIRE(cases.size() == 7);
  CHECK(*cases[0].duration == Approx(0.16));
  CHECK(*cases[1].duration == Approx(1e-7));
  CHECK_FALSE(cases[2].duration);
  CHECK(cases[3].outcome == rl::model::ResultStatus::skipped);
  CHECK(cases[4].outcome == rl::model::ResultStatus::skipped);
  CHECK(cases[5].outcome == rl::model::ResultStatus::flaky);
  CHECK(cases[6].outcome == rl::model::ResultStatus::expected_failure);
  REQUIRE(info.taken_at);
  CHECK(info.taken_at->text() == "2026-02-08T05:30:00Z");
  CHECK(info.totals.passed == 4);
  CHECK(info.totals.skipped == 3);
}

TEST_CASE("GitHub run documents: REST and gh forms", "[evidence][ci]")
{
  const auto rest = rl::evidence::parse_github_document(
    R"({"id": 21794131738, "run_attempt": 1, "name": "Refactor Smoke Test",
        "path": ".github/workflows/refactor-smoke.yml", "head_sha": "41daf4ea527",
        "head_branch": "m01", "event": "pull_request", "status": "completed",
        "conclusion": "success", "created_at": "2026-02-08T07:50:00Z",
        "updated_at": "2026-02-08T07:51:04Z",
        "html_url": "https://github.com/m-cahill/pytorch/actions/runs/21794131738",
        "repository": {"full_name": "m-cahill/pytorch"}})",
    "run.json",
    "");
  REQUIRE(rest.runs.size() == 1);
  CHECK(rest.runs[0].run_id == 21794131738);
  CHECK(rest.runs[0].repository == "m-cahill/pytorch");
  CHECK(rest.runs[0].conclusion == rl::model::CiConclusion::success);
  const auto gh = rl::evidence::parse_github_document(
    R"({"databaseId": 21794076924, "attempt": 1, "workflowName": "Refactor Smoke Test",
        "headSha": "2615c7c593f", "headBranch": "m01", "status": "completed",
        "conclusion": "failure", "createdAt": "2026-02-08T07:30:00Z", "updatedAt": "2026-02-08T07:30:24Z",
        "url": "https://github.com/m-cahill/pytorch/actions/runs/21794076924",
        "jobs": [{"databaseId": 1, "name": "Static Import Graph Check", "status": "completed",
                  "conclusion": "failure", "startedAt": "2026-02-08T07:30:01Z",
                  "completedAt": "2026-02-08T07:30:24Z", "steps": []}]})",
    "gh.json",
    "");
  REQUIRE(gh.runs.size() == 1);
  CHECK(gh.runs[0].repository == "m-cahill/pytorch");
  CHECK(gh.runs[0].jobs.at(0).conclusion == rl::model::CiConclusion::failure);
  CHECK_THROWS_AS(rl::evidence::parse_github_document("{\"id\": ", "bad.json", ""), rl::util::InputError);
}
