#include "loader/loader.hpp"
#include "model/placeholders.hpp"
#include "report/living_log.hpp"
#include "report/markdown.hpp"
#include "report/records.hpp"
#include "rules/program_metrics.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

TEST_CASE("numbers are formatted without locale", "[report]")
{
  CHECK(rl::report::format_number(2372) == "2,372");
  CHECK(rl::report::format_number(21254) == "21,254");
  CHECK(rl::report::format_number(0) == "0");
  CHECK(rl::report::format_number(2.5) == "2.5");
  CHECK(rl::report::format_number(-1) == "-1");
  CHECK(rl::report::format_number(1234567.25) == "1,234,567.25");
}

TEST_CASE("table cells are escaped", "[report]")
{
  CHECK(rl::report::escape_cell("a|b\nc") == "a\\|b c");
}

TEST_CASE("records render as table, csv and json", "[report]")
{
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  rows.push_back({{"id", "M00"}, {"next", false}, {"deps", nlohmann::ordered_json::array()}});
  rows.push_back({{"id", "M01"}, {"next", true}, {"deps", {"M00", "x,y"}}});
  using rl::report::OutputFormat;
  CHECK(rl::report::format_records(rows, {"id", "next", "deps"}, OutputFormat::table)
        == "ID   NEXT   DEPS\nM00  false  \nM01  true   M00, x,y\n");
  CHECK(rl::report::format_records(rows, {"id", "deps"}, OutputFormat::csv)
        == "id,deps\r\nM00,\r\nM01,\"M00, x,y\"\r\n");
  CHECK(nlohmann::ordered_json::parse(rl::report::format_records(rows, {"id"}, OutputFormat::json)) == rows);
}

TEST_CASE("the living log is deterministic and computed", "[report]")
{
  rl::util::DiagnosticSink sink;
  const auto d = rl::loader::load_definitions(rl::test::minimal_program(), sink);
  REQUIRE_FALSE(sink.has_errors());
  const auto metrics = rl::rules::compute_metrics(d);
  const std::string log = rl::report::render_living_log(d, metrics);
  CHECK(log == rl::report::render_living_log(d, metrics));
  CHECK(log.find("**Program Progress:** 1/2 milestones complete (50%)") != std::string::npos);
  CHECK(log.find("#### M01 — Smoke test 🔵 NEXT") != std::string::npos);
  CHECK(log.find("**Current Phase:** Phase 1: Hardening — 0/1 milestones complete; next: M01") != std::string::npos);
  CHECK(log.find("**Estimated Remaining:** 4 hours (M01; 1 open milestone)") != std::string::npos);
  CHECK(log.find("| 2026-01-10 | M00 | 6/10 | N/A |") != std::string::npos);
  CHECK(log.find("xychart-beta") != std::string::npos);
  CHECK(log.find("| INV-001 | Imports work | P0 | 🟡 Partial | Add smoke test (M01) |") != std::string::npos);
  CHECK(log.ends_with("**End of REFACTOR.md**\n"));
}

TEST_CASE("placeholders expand to computed counts", "[report]")
{
  rl::util::DiagnosticSink sink;
  const auto d = rl::loader::load_definitions(rl::test::minimal_program(), sink);
  CHECK(rl::model::expand_placeholders("{{invariant_count}} invariants, {{milestone_count}} "
                                       "milestones, {{risk_count}} risks, {{phase_count}} phases",
                                       rl::model::placeholder_values(d))
        == "2 invariants, 2 milestones, 1 risks, 2 phases");
}

TEST_CASE("a backslash before {{ writes a literal {{ and unknown names stay as written", "[report][placeholders]")
{
  const rl::model::Placeholders values{{"invariant_count", "24"}};
  CHECK(rl::model::expand_placeholders("runs-on: $\\{{ matrix.os }}", values) == "runs-on: ${{ matrix.os }}");
  CHECK(rl::model::expand_placeholders("\\{{invariant_count}} is {{invariant_count}}", values)
        == "{{invariant_count}} is 24");
  CHECK(rl::model::expand_placeholders("{{invariant_count}} of {{invariant_count}}", values) == "24 of 24");
  CHECK(rl::model::expand_placeholders("open {{ only", values) == "open {{ only");
  CHECK(rl::model::expand_placeholders("{{unknown}}", values) == "{{unknown}}");
}

TEST_CASE("RecordStream writes records one at a time as format_records writes the list", "[report][records]")
{
  using rl::report::OutputFormat;
  const nlohmann::ordered_json records = nlohmann::ordered_json::parse(R"([
    {"id": "INV-001", "name": "a, \"quoted\" name", "n": 3, "tags": ["x", "y"], "extra": {"k": [1, 2]}},
    {"id": "INV-002", "name": "wider than the header, with é", "n": 2.5, "tags": [], "extra": null},
    {"id": "INV-003", "name": "ctrl \u001b[31m", "n": null, "tags": ["z"]}
  ])");
  const std::vector<std::string> columns = {"id", "name", "n", "tags"};
  for (const OutputFormat format : {OutputFormat::table, OutputFormat::json, OutputFormat::csv}) {
    for (const std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) {
      nlohmann::ordered_json some = nlohmann::ordered_json::array();
      for (std::size_t i = 0; i < count; ++i) {
        some.push_back(records[i]);
      }
      std::string streamed;
      std::size_t pieces = 0;
      rl::report::RecordStream stream(columns, format, [&](std::string_view text) {
        streamed.append(text);
        ++pieces;
      });
      for (const auto& record : some) {
        stream.measure(record);
      }
      for (const auto& record : some) {
        stream.write(record);
      }
      stream.finish();
      CAPTURE(static_cast<int>(format), count);
      CHECK(streamed == rl::report::format_records(some, columns, format));
      CHECK(pieces >= count); // at least one piece per record: nothing waits for the end
    }
  }
  // JSON is the array's own dump(2), nested values included.
  std::string json;
  rl::report::RecordStream stream(columns, OutputFormat::json, [&](std::string_view text) { json.append(text); });
  for (const auto& record : records) {
    stream.write(record);
  }
  stream.finish();
  CHECK(json == records.dump(2) + "\n");
}

TEST_CASE("records with invalid UTF-8 print as JSON with U+FFFD, never an exception", "[report][records][hostile]")
{
  using rl::report::OutputFormat;
  // Text that reached the ledger unchecked (a command line in the audit log,
  // an option's value) may not be UTF-8.
  nlohmann::ordered_json records = nlohmann::ordered_json::array();
  records.push_back({{"id", "a"}, {"command", "record --source s\xff"}, {"nested", {{"k", "v\xfe"}}}});
  const std::vector<std::string> columns{"id", "command", "nested"};
  std::string json;
  REQUIRE_NOTHROW(json = rl::report::format_records(records, columns, OutputFormat::json));
  CHECK(nlohmann::json::parse(json)[0]["command"] == "record --source s\xEF\xBF\xBD");
  std::string csv;
  REQUIRE_NOTHROW(csv = rl::report::format_records(records, columns, OutputFormat::csv));
  CHECK(csv.find("v\xEF\xBF\xBD") != std::string::npos); // the nested object's JSON text
  REQUIRE_NOTHROW(rl::report::format_records(records, columns, OutputFormat::table));
}

TEST_CASE("table columns align by display width: wide characters take two cells, combining marks none",
          "[report][records]")
{
  const nlohmann::ordered_json records = nlohmann::ordered_json::parse(R"([
    {"name": "日本語テスト", "n": 1},
    {"name": "e\u0301te\u0301", "n": 2},
    {"name": "ascii", "n": 3}
  ])");
  CHECK(rl::report::format_records(records, {"name", "n"}, rl::report::OutputFormat::table)
        == "NAME          N\n"
           "日本語テスト  1\n"
           "e\u0301te\u0301           2\n"
           "ascii         3\n");
}

TEST_CASE("score dimensions keep their own scales, a footnote each, and trend rows follow program order",
          "[report][scores]")
{
  auto sources = rl::test::minimal_program();
  auto& program = sources[0].text;
  program.replace(program.find("  - {id: quality, name: Quality, target: 8}"),
                  43,
                  "  - {id: quality, name: Quality, target: 8, footnote: Reviewer's judgement}\n"
                  "  - {id: scorecard, name: Scorecard, max: 100}");
  sources[2].text += "  score: {date: 2026-01-05, values: {quality: 7, scorecard: 72, velocity: High}}\n";
  rl::util::DiagnosticSink sink;
  const auto d = rl::loader::load_definitions(sources, sink);
  INFO((sink.has_errors() ? rl::test::formatted(sink).front() : std::string()));
  REQUIRE_FALSE(sink.has_errors());
  const std::string log = rl::report::render_living_log(d, rl::rules::compute_metrics(d, {}));
  CHECK(log.find("| Date | Milestone | Quality[^quality] | Scorecard | Velocity |") != std::string::npos);
  CHECK(log.find("[^quality]: Reviewer's judgement\n") != std::string::npos);
  // M01's row (dated before M00's) comes after it: program order, not date order.
  const auto m00 = log.find("| 2026-01-10 | ");
  const auto m01 = log.find("| 2026-01-05 | M01 | 7/10 (+1) | 72/100 | High |");
  REQUIRE(m00 != std::string::npos);
  REQUIRE(m01 != std::string::npos);
  CHECK(m00 < m01);
}

TEST_CASE("a closed milestone's deliverables render as done unless the YAML says done: false", "[report][deliverables]")
{
  auto sources = rl::test::minimal_program_yaml();
  const std::string deliverables = "  deliverables:\n    - {text: Absent}\n    - {text: Marked, done: true}\n"
                                   "    - {text: Not delivered, done: false}\n";
  sources[1].text += deliverables; // M00, closed by the record below
  sources[2].text += deliverables; // M01, planned
  sources.push_back(rl::test::adopted_record(sources, "M00", "2026-01-10"));
  rl::util::DiagnosticSink sink;
  const auto d = rl::loader::load_definitions(sources, sink);
  REQUIRE_FALSE(sink.has_errors());
  const std::string log = rl::report::render_living_log(d, rl::rules::compute_metrics(d));
  const std::size_t m00 = log.find("#### M00");
  const std::size_t m01 = log.find("#### M01");
  REQUIRE(m00 != std::string::npos);
  REQUIRE(m01 != std::string::npos);
  REQUIRE(m00 < m01);
  const std::string closed = log.substr(m00, m01 - m00);
  const std::string open = log.substr(m01);
  CHECK(closed.find("- ✅ Absent\n") != std::string::npos);
  CHECK(closed.find("- ✅ Marked\n") != std::string::npos);
  CHECK(closed.find("- ⬜ Not delivered\n") != std::string::npos);
  CHECK(open.find("- ⬜ Absent\n") != std::string::npos);
  CHECK(open.find("- ✅ Marked\n") != std::string::npos);
  CHECK(open.find("- ⬜ Not delivered\n") != std::string::npos);
}
