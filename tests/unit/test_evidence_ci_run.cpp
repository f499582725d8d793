// GitHub Actions documents: what valid documents (tests/fixtures/github,
// written from GitHub's REST documentation and gh's --json fields) yield, and
// that hostile ones (tests/fixtures/hostile/evidence) are refused as invalid
// input (util::InputError, exit 3) naming the file and where, never with
// another exception.
#include "evidence/ci_run.hpp"
#include "evidence/json_access.hpp"
#include "unit/evidence_test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <limits>

namespace {

using rl::test::check_hostile_fixtures;
using rl::test::first_line;
using rl::test::input_error;
using rl::test::k_fixtures;
using rl::test::LimitGuard;
using rl::test::slurp;

rl::evidence::CiDocument
parse_fixture(const std::string& relative, const std::string& repository = "")
{
  return rl::evidence::parse_github_document(slurp(k_fixtures / relative), relative, repository);
}

} // namespace

TEST_CASE("a REST workflow run is read field by field", "[evidence][ci_run]")
{
  const auto doc = parse_fixture("github/run_rest.json");
  REQUIRE(doc.runs.size() == 1);
  CHECK(doc.job_lists.empty());
  const auto& run = doc.runs.front();
  CHECK(run.run_id == 30433642);
  CHECK(run.attempt == 2);
  CHECK(run.repository == "octo-org/octo-repo");
  CHECK(run.workflow_name == "Build");
  CHECK(run.workflow_path == ".github/workflows/build.yml"); // "@main" cut
  CHECK(run.head_sha == "acb5820ced9479c074f688cc328bf03f341a511d");
  CHECK(run.head_branch == "master");
  CHECK(run.event == "push");
  CHECK(run.status == "completed");
  CHECK_FALSE(run.conclusion.has_value()); // null
  CHECK(run.created_at->text() == "2020-01-22T19:33:08Z");
  CHECK(run.url == "https://github.com/octo-org/octo-repo/actions/runs/30433642");
  CHECK_FALSE(run.has_jobs);
}

TEST_CASE("a run list holds every run with ids up to INT64_MAX and times in UTC", "[evidence][ci_run]")
{
  const auto doc = parse_fixture("github/runs_list.json");
  REQUIRE(doc.runs.size() == 2);
  CHECK(doc.runs[0].run_id == 30433642);
  CHECK(doc.runs[0].conclusion == rl::model::CiConclusion::success);
  CHECK(doc.runs[1].run_id == std::numeric_limits<std::int64_t>::max());
  CHECK(doc.runs[1].attempt == 3);
  CHECK(doc.runs[1].repository == "octo-org/octo-repo"); // from html_url
  CHECK(doc.runs[1].created_at->text() == "2020-01-23T07:00:00Z");
  CHECK(doc.runs[1].updated_at->text() == "2020-01-23T07:01:00Z");
}

TEST_CASE("a REST jobs document names its run through run_url", "[evidence][ci_run]")
{
  const auto doc = parse_fixture("github/jobs_rest.json");
  CHECK(doc.runs.empty());
  REQUIRE(doc.job_lists.size() == 1);
  const auto& list = doc.job_lists.front();
  CHECK(list.run_id == 30433642);
  CHECK(list.attempt == 2);
  // run_url is the API's ".../repos/o/r/actions/runs/N"
  CHECK(list.repository == "octo-org/octo-repo");
  REQUIRE(list.jobs.size() == 2);
  CHECK(list.jobs[0].id == 399444496);
  CHECK(list.jobs[0].name == "build");
  CHECK(list.jobs[0].conclusion == rl::model::CiConclusion::success);
  CHECK(nlohmann::json::parse(list.jobs[0].steps_json).size() == 2);
  CHECK(list.jobs[1].conclusion == rl::model::CiConclusion::failure);
  CHECK_FALSE(list.jobs[1].completed_at); // null
  CHECK(list.jobs[1].steps_json == "[]");
}

TEST_CASE("gh run view --json output is read with its jobs and steps", "[evidence][ci_run]")
{
  const auto doc = parse_fixture("github/gh_run_view.json");
  REQUIRE(doc.runs.size() == 1);
  const auto& run = doc.runs.front();
  CHECK(run.run_id == 21794076924);
  CHECK(run.attempt == 1);
  CHECK(run.repository == "m-cahill/pytorch");
  CHECK(run.workflow_name == "Refactor Smoke Test");
  CHECK(run.conclusion == rl::model::CiConclusion::failure);
  REQUIRE(run.has_jobs);
  REQUIRE(run.jobs.size() == 1);
  CHECK(run.jobs[0].id == 62881234567);
  const auto steps = nlohmann::json::parse(run.jobs[0].steps_json);
  REQUIRE(steps.size() == 2);
  CHECK(steps[1]["number"] == 2);
  CHECK(steps[1]["conclusion"] == "failure");
}

TEST_CASE("hostile GitHub documents are invalid input naming the file and where", "[evidence][ci_run][hostile]")
{
  const std::vector<std::pair<std::string, std::string>> cases{
    {"run_id_1e400.json",
     "run_id_1e400.json:2:9: error: the number 1e400 at byte 10 is out of range (beyond the largest "
     "floating-point number)"},
    {"run_id_30_digits.json",
     "run_id_30_digits.json: error: at /id: expected a whole number, found 1.2345678901234568e+29 (a fraction, "
     "an exponent, or more digits than a 64-bit number holds)"},
    {"run_id_uint64_max.json",
     "run_id_uint64_max.json: error: at /id: the number 18446744073709551615 is too large (more than "
     "9223372036854775807)"},
    {"runs_list_uint64_max.json",
     "runs_list_uint64_max.json: error: at /workflow_runs/3/id: the number 18446744073709551615 is too large "
     "(more than 9223372036854775807)"},
    {"jobs_run_id_uint64_max.json",
     "jobs_run_id_uint64_max.json: error: at /jobs/0/run_id: the number 18446744073709551615 is too large (more "
     "than 9223372036854775807)"},
    {"run_id_negative.json", "run_id_negative.json: error: at /id: the number -5 is out of range (less than 0)"},
    {"run_id_fraction.json",
     "run_id_fraction.json: error: at /id: expected a whole number, found 30433642.5 (a fraction, an exponent, "
     "or more digits than a 64-bit number holds)"},
    {"run_id_string.json", "run_id_string.json: error: at /id: expected a whole number, found the string \"30433642\""},
    {"run_attempt_zero.json",
     "run_attempt_zero.json: error: at /run_attempt: the number 0 is out of range (less than 1)"},
    {"run_conclusion_number.json",
     "run_conclusion_number.json: error: at /conclusion: expected a string, found the number 0"},
    {"run_conclusion_unknown.json",
     "run_conclusion_unknown.json: error: at /conclusion: unknown CI conclusion 'green'"},
    {"run_repository_string.json",
     "run_repository_string.json: error: at /repository: expected an object, found the string "
     "\"octo-org/octo-repo\""},
    {"run_jobs_object.json", "run_jobs_object.json: error: at /jobs: expected an array, found an object"},
    {"run_step_number_float.json",
     "run_step_number_float.json: error: at /jobs/0/steps/0/number: expected a whole number, found 1000.0 (a "
     "fraction, an exponent, or more digits than a 64-bit number holds)"},
    {"run_invalid_utf8.json",
     "run_invalid_utf8.json:3:15: error: invalid JSON at byte 34: syntax error while parsing value - invalid "
     "string: ill-formed UTF-8 byte; last read: '\"Bu\\xC3('"},
    {"run_lone_surrogate.json",
     "run_lone_surrogate.json:1:33: error: invalid JSON at byte 32: syntax error while parsing value - invalid "
     "string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; last read: '\"\\ud800\"'"},
    {"run_deep_300.json",
     "run_deep_300.json:1:437: error: JSON arrays and objects nested deeper than the limit 'depth' "
     "(256), at byte 436"},
  };
  check_hostile_fixtures(cases, [](const std::string& text, const std::string& name) {
    rl::evidence::parse_github_document(text, name, "octo-org/octo-repo");
  });
}

TEST_CASE("JSON limits: depth and token-bytes are refused with the limit's name", "[evidence][ci_run][hostile]")
{
  const std::string run = R"({"id": 1, "created_at": "2020-01-22T19:33:08Z", "repository": {"full_name": "o/r"})";
  SECTION("depth: at the limit is fine, one more level is refused")
  {
    const LimitGuard guard("depth=3");
    CHECK_NOTHROW(rl::evidence::parse_github_document(run + R"(, "x": [[1]]})", "ok.json", ""));
    const std::string error =
      input_error([&] { rl::evidence::parse_github_document(run + R"(, "x": [[[1]]]})", "deep.json", ""); });
    CHECK(error
          == "deep.json:1:92: error: JSON arrays and objects nested deeper than the limit 'depth' (3), "
             "at byte 91\n  help: the limit 'depth' is 3; if this input is trusted, raise it with `refactor-ledger "
             "--limit depth=N ...` (README, 'Input limits')");
  }
  SECTION("token-bytes: a string value and a key")
  {
    const LimitGuard guard("token-bytes=20"); // created_at has 20
    CHECK_NOTHROW(rl::evidence::parse_github_document(run + R"(, "name": "twenty bytes........"})", "ok.json", ""));
    CHECK(first_line(input_error([&] {
            rl::evidence::parse_github_document(run + R"(, "name": "twenty-one bytes....."})", "long.json", "");
          }))
          == "long.json: error: at /name: a string of 21 bytes, more than the limit 'token-bytes' (20 bytes)");
    CHECK(first_line(input_error([&] {
            rl::evidence::parse_github_document(run + R"(, "jobs": [{"twenty-one bytes ~/..": 1}]})", "key.json", "");
          }))
          == "key.json: error: at /jobs/0/twenty-one bytes ~0~1..: a key of 21 bytes, more than the limit "
             "'token-bytes' (20 bytes)");
  }
}

TEST_CASE("a very long URL or time is handled without recursion", "[evidence][ci_run][hostile]")
{
  // std::regex recurses per character: a 1 MB URL overflowed the stack.
  const std::string digits(1 << 20, '7');
  const std::string doc =
    R"({"id": 1, "created_at": "2020-01-22T19:33:08Z", "html_url": "https://github.com/o/r/actions/runs/)" + digits
    + "\"}";
  const auto parsed = rl::evidence::parse_github_document(doc, "long_url.json", "");
  REQUIRE(parsed.runs.size() == 1);
  CHECK(parsed.runs[0].repository == "o/r");
  const std::string time =
    R"({"id": 1, "created_at": "2020-01-22T19:33:08.)" + digits + R"(Z", "repository": {"full_name": "o/r"}})";
  CHECK(first_line(input_error([&] { rl::evidence::parse_github_document(time, "long_time.json", ""); }))
        == "long_time.json: error: at /created_at: a time of 1048597 bytes "
           "('2020-01-22T19:33:08.77777777777777777777...')");
}

TEST_CASE("every field of a run given a value of any other type is an InputError or accepted",
          "[evidence][ci_run][hostile]")
{
  const nlohmann::json base = nlohmann::json::parse(slurp(k_fixtures / "github/gh_run_view.json"));
  const std::vector<nlohmann::json> values{nlohmann::json("text"),
                                           nlohmann::json(-1),
                                           nlohmann::json(18446744073709551615ULL),
                                           nlohmann::json(1.5),
                                           nlohmann::json(1e300),
                                           nlohmann::json::object(),
                                           nlohmann::json::array(),
                                           nlohmann::json(true),
                                           nlohmann::json(nullptr),
                                           nlohmann::json::array({nlohmann::json::object()})};
  // Every value inside the document, replaced by each value in turn: a field
  // the reader reads must refuse any other kind of value (null is "absent";
  // another string may be fine); the one it does not read (a job's url) may
  // hold anything.
  const nlohmann::json flat = base.flatten();
  int refused = 0;
  for (auto it = flat.begin(); it != flat.end(); ++it) {
    for (const auto& value : values) {
      nlohmann::json doc = base;
      doc[nlohmann::json::json_pointer(it.key())] = value;
      CAPTURE(it.key(), value.dump());
      const std::string error = input_error([&] { rl::evidence::parse_github_document(doc.dump(), "x.json", ""); });
      const bool may_accept =
        value.is_null() || (value.is_string() && it.value().is_string()) || it.key() == "/jobs/0/url";
      if (!may_accept) {
        CHECK(error != "(accepted)");
        CHECK(error.find("x.json: error: at " + it.key() + ": ") == 0);
      }
      refused += error != "(accepted)";
    }
  }
  CHECK(refused > 100);
  // The same, one level up: whole arrays and objects replaced.
  for (const char* pointer : {"", "/jobs", "/jobs/0", "/jobs/0/steps", "/jobs/0/steps/0"}) {
    for (const auto& value : values) {
      nlohmann::json doc = base;
      doc[nlohmann::json::json_pointer(pointer)] = value;
      CAPTURE(pointer, value.dump());
      input_error([&] { rl::evidence::parse_github_document(doc.dump(), "x.json", ""); });
    }
  }
}

TEST_CASE("JsonNode names JSON Pointers with ~0 and ~1 escapes", "[evidence][ci_run]")
{
  const nlohmann::json doc = nlohmann::json::parse(R"({"a/b": {"c~d": [1, "x"]}})");
  const rl::evidence::JsonNode root(doc, "", "p.json");
  const auto inner = root.object_member("a/b");
  REQUIRE(inner);
  const auto list = inner->array_member("c~d");
  REQUIRE(list);
  REQUIRE(list->size() == 2);
  CHECK((*list)[1].pointer() == "/a~1b/c~0d/1");
  CHECK(first_line(input_error([&] { (*list)[1].require_object("a thing"); }))
        == "p.json: error: at /a~1b/c~0d/1: expected a thing (a JSON object), found the string \"x\"");
  CHECK(first_line(input_error([&] { root.elements("runs"); }))
        == "p.json: error: at the document root: expected an array of runs, found an object");
}
