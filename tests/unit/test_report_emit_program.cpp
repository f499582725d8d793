// report::emit for the program's results: every format a result allows shows
// the same records, and JSON carries the documented fields.
#include "report/emit_program.hpp"
#include "support/emit_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

namespace {

using rl::model::OutputFormat;
using rl::test::emitted;

// The first cell of each line after the header (table: up to a space; csv: up to a comma).
std::vector<std::string>
first_cells(const std::string& text, char separator)
{
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line); // header
  while (std::getline(in, line)) {
    out.push_back(line.substr(0, line.find(separator)));
  }
  return out;
}

rl::model::RiskList
risks()
{
  rl::model::RiskList list;
  for (const char* id : {"I01", "I02", "I10"}) {
    rl::model::Risk r;
    r.id = id;
    r.title = std::string("Risk ") + id;
    r.priority = rl::model::Priority::p1;
    r.status = rl::model::RiskStatus::active;
    r.origin = {"milestones/risks.yaml", 3, 1};
    list.risks.push_back(r);
  }
  return list;
}

} // namespace

TEST_CASE("a list shows the same records as a table, CSV and JSON", "[report][emit]")
{
  const rl::model::RiskList list = risks();
  const std::vector<std::string> ids{"I01", "I02", "I10"};
  CHECK(first_cells(emitted(list, OutputFormat::table), ' ') == ids);
  CHECK(first_cells(emitted(list, OutputFormat::csv), ',') == ids);
  const auto json = nlohmann::json::parse(emitted(list, OutputFormat::json));
  REQUIRE(json.size() == 3);
  std::vector<std::string> json_ids;
  for (const auto& r : json) {
    json_ids.push_back(r.at("id"));
    CHECK(r.at("priority") == "P1");
    CHECK(r.at("source") == "milestones/risks.yaml:3");
  }
  CHECK(json_ids == ids);
}

TEST_CASE("every result type allows table and JSON, validate also github, render table and github", "[report][emit]")
{
  using rl::report::k_formats;
  const auto allows = [](auto formats, OutputFormat f) {
    return std::find(formats.begin(), formats.end(), f) != formats.end();
  };
  CHECK(allows(k_formats<rl::model::RiskList>, OutputFormat::csv));
  CHECK(allows(k_formats<rl::model::StatusResult>, OutputFormat::json));
  CHECK(allows(k_formats<rl::model::QueryRows>, OutputFormat::csv));
  CHECK(allows(k_formats<rl::model::ValidateResult>, OutputFormat::json));
  CHECK(allows(k_formats<rl::model::ValidateResult>, OutputFormat::github));
  CHECK_FALSE(allows(k_formats<rl::model::ValidateResult>, OutputFormat::csv));
  CHECK_FALSE(allows(k_formats<rl::model::ValidateResult>, OutputFormat::sarif));
  CHECK_FALSE(allows(k_formats<rl::model::RenderResult>, OutputFormat::json));
  CHECK(allows(k_formats<rl::model::RenderResult>, OutputFormat::github));
  CHECK_FALSE(allows(k_formats<rl::model::RiskList>, OutputFormat::github));
  CHECK_FALSE(allows(k_formats<rl::model::StatusResult>, OutputFormat::sarif));
}

TEST_CASE("status shows the same figures for people and as JSON", "[report][emit]")
{
  rl::model::StatusResult s;
  s.program = "P";
  s.repository = "o/r";
  s.metrics.milestone_closed = 1;
  s.metrics.milestone_total = 4;
  s.metrics.percent_complete = 25;
  s.metrics.next_milestone = "M02";
  s.next_milestone_title = "Second";
  s.metrics.invariant_total = 3;
  s.metrics.invariants_by_priority = {2, 1, 0, 0};
  const std::string table = emitted(s, OutputFormat::table);
  CHECK(table.find("progress:        1/4 milestones complete (25%)") != std::string::npos);
  CHECK(table.find("next milestone:  M02 — Second") != std::string::npos);
  CHECK(table.find("invariants:      3 (2 P0, 1 P1)") != std::string::npos);
  const auto json = nlohmann::json::parse(emitted(s, OutputFormat::json));
  CHECK(json.at("progress").at("percent") == 25);
  CHECK(json.at("next_milestone") == "M02");
  CHECK(json.at("invariants").at("by_priority").at("P0") == 2);
  const std::string csv = emitted(s, OutputFormat::csv);
  CHECK(csv.find("progress.percent,25") != std::string::npos);
  CHECK(csv.find("invariants.by_priority.P0,2") != std::string::npos);
}

TEST_CASE("query rows print alike in every format, BLOBs as X'HEX'", "[report][emit]")
{
  const auto rows = [] {
    rl::model::QueryRows r;
    r.columns = {"id", "data"};
    r.rows.push_back({std::int64_t{7}, rl::model::Blob{std::string("\x01\xab", 2)}});
    r.rows.push_back({std::int64_t{8}, std::string("a\x1b[31mb")});
    return r;
  };
  rl::report::StringSink json_sink;
  rl::report::emit(rows(), OutputFormat::json, json_sink);
  const auto json = nlohmann::json::parse(json_sink.out_text);
  CHECK(json[0].at("data") == "X'01AB'");
  CHECK(json[1].at("data") == "a\x1b[31mb"); // JSON escapes it itself
  rl::report::StringSink csv_sink;
  rl::report::emit(rows(), OutputFormat::csv, csv_sink);
  CHECK(csv_sink.out_text == "id,data\r\n7,X'01AB'\r\n8,a\\x1b[31mb\r\n");
  rl::report::StringSink table_sink;
  rl::report::emit(rows(), OutputFormat::table, table_sink);
  CHECK(first_cells(table_sink.out_text, ' ') == std::vector<std::string>{"7", "8"});
  CHECK(table_sink.out_text.find('\x1b') == std::string::npos);
}

TEST_CASE("render's report names each file's state, a stale one also on stderr", "[report][emit]")
{
  rl::model::RenderResult r;
  r.files.push_back({"REFACTOR.md", rl::model::RenderedFileState::State::written, false, "", 0, ""});
  r.files.push_back({"docs/a.md", rl::model::RenderedFileState::State::up_to_date, false, "", 0, ""});
  r.files.push_back({"docs/b.md", rl::model::RenderedFileState::State::stale, true, "+new\n", 0, ""});
  rl::report::StringSink sink;
  rl::report::emit(r, OutputFormat::table, sink);
  CHECK(sink.out_text == "wrote REFACTOR.md\ndocs/a.md is up to date\n+new\n");
  CHECK(sink.err_text == "docs/b.md: missing; run `refactor-ledger render` and commit the result\n");
}
