// report::emit for the closeout results, built by hand: each allowed format
// shows the same ids and values, JSON has the documented fields, and the
// format sets (k_formats) are what the command line offers.
#include "report/emit_closeout.hpp"
#include "support/emit_support.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

namespace {

using rl::model::GateOutcome;
using rl::model::OutputFormat;
using json = nlohmann::ordered_json;
using rl::test::emit_captured;
using rl::test::formats_of;

std::vector<std::string>
lines(const std::string& text)
{
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    out.push_back(line);
  }
  return out;
}

bool
contains(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

rl::model::MilestoneGates
m02_gates()
{
  return {"M02",
          "5c466421405953afe3b905f960d366c4bd8124c9",
          {{"dependencies", GateOutcome::passed, "2 dependencies closed", "", {}},
           {"approval:closeout",
            GateOutcome::failed,
            "no 'closeout' approval recorded",
            "refactor-ledger approve M02 closeout --by NAME",
            {"approvals required: closeout", "none recorded"}}},
          {}};
}

rl::model::AuditEntry
entry(std::string id, std::string action, std::string milestone, std::string summary)
{
  return {std::move(id),
          "2026-05-28T20:26:40Z",
          "alice",
          std::move(action),
          std::move(milestone),
          "refactor-ledger close M02 --by alice",
          "5c466421405953afe3b905f960d366c4bd8124c9",
          std::move(summary)};
}

const std::vector<OutputFormat> k_table_json{OutputFormat::table, OutputFormat::json};

} // namespace

TEST_CASE("approve, reopen and recover offer table and json, log the data formats and close also github",
          "[report][emit]")
{
  CHECK(formats_of<rl::model::CloseResult>()
        == std::vector<OutputFormat>{OutputFormat::table, OutputFormat::json, OutputFormat::csv, OutputFormat::github});
  CHECK(formats_of<rl::model::ApproveResult>() == k_table_json);
  CHECK(formats_of<rl::model::ReopenResult>() == k_table_json);
  CHECK(formats_of<rl::model::RecoverResult>() == k_table_json);
  CHECK(formats_of<rl::model::LogResult>()
        == std::vector<OutputFormat>{OutputFormat::table, OutputFormat::json, OutputFormat::csv});
}

TEST_CASE("a dry-run close shows the same gates as a table and as a JSON array", "[report][emit]")
{
  rl::model::CloseResult r;
  r.outcome = rl::model::CloseOutcome::would_refuse;
  r.milestones = {"M02"};
  r.evaluated = {m02_gates()};

  const std::string table = emit_captured(r, OutputFormat::table).out_text;
  const std::vector<std::string> rows = lines(table);
  REQUIRE(rows.size() >= 4);
  CHECK(rows[0] == "M02 gates at 5c4664214059:");
  CHECK(rows[1].rfind("GATE", 0) == 0);
  CHECK(rows[2].rfind("dependencies ", 0) == 0);
  CHECK(contains(rows[2], "pass"));
  CHECK(rows[3].rfind("approval:closeout ", 0) == 0);
  CHECK(contains(rows[3], "FAIL"));
  CHECK(contains(table,
                 "\napproval:closeout: no 'closeout' approval recorded\n  - approvals required: closeout\n"
                 "  - none recorded\n  what to do: refactor-ledger approve M02 closeout --by NAME\n"));
  CHECK(rows.back() == "M02: 1 of 2 gates passed; close would refuse");

  const rl::report::StringSink json_sink = emit_captured(r, OutputFormat::json);
  CHECK(json_sink.err_text.empty());
  const json j = json::parse(json_sink.out_text);
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 2);
  for (std::size_t i = 0; i < j.size(); ++i) {
    const rl::model::GateResult& g = r.evaluated.front().gates[i];
    CHECK(j[i]["gate"] == g.gate);
    CHECK(j[i]["result"] == (g.outcome == GateOutcome::passed ? "pass" : "FAIL"));
    CHECK(j[i]["reason"] == g.reason);
    CHECK(j[i]["action"] == g.action);
    CHECK(j[i]["evidence"] == json(g.evidence));
  }
}

TEST_CASE("a refused close says so on the error stream in every format, after its gates", "[report][emit]")
{
  rl::model::CloseResult r;
  r.outcome = rl::model::CloseOutcome::refused;
  r.milestones = {"M02"};
  r.evaluated = {m02_gates()};
  for (const OutputFormat format : k_table_json) {
    const rl::report::StringSink sink = emit_captured(r, format);
    CHECK(sink.err_text == "refactor-ledger: M02 not closed: 1 of 2 gates failed (above); nothing was changed\n");
    CHECK(contains(sink.out_text, "approval:closeout"));
    CHECK_FALSE(contains(sink.out_text, "close would"));
  }
  CHECK(json::parse(emit_captured(r, OutputFormat::json).out_text).size() == 2);
}

TEST_CASE("a close shows the closing commit and the files written as a table and as a JSON object", "[report][emit]")
{
  rl::model::CloseResult r;
  r.outcome = rl::model::CloseOutcome::closed;
  r.milestones = {"M02"};
  r.evaluated = {m02_gates()};
  r.evaluated.front().gates.pop_back();
  r.date = "2026-05-28";
  r.commit = "5c466421405953afe3b905f960d366c4bd8124c9";
  r.written = {"milestones/M02.closeout.json", "REFACTOR.md"};

  const std::string table = emit_captured(r, OutputFormat::table).out_text;
  CHECK(contains(table,
                 "closed M02 (2026-05-28, commit 5c4664214059)\n"
                 "  wrote milestones/M02.closeout.json\n  wrote REFACTOR.md\n"));
  CHECK(table.rfind("M02 gates at 5c4664214059:\n", 0) == 0);

  const json j = json::parse(emit_captured(r, OutputFormat::json).out_text);
  REQUIRE(j.is_object()); // the gates are not repeated: they all passed
  CHECK(j["milestones"] == json({"M02"}));
  CHECK(j["result"] == "closed");
  CHECK(j["date"] == r.date);
  CHECK(j["commit"] == r.commit);
  CHECK(j["written"] == json(r.written));

  r.outcome = rl::model::CloseOutcome::adopted;
  r.milestones = {"M00", "M01"};
  r.evaluated.clear();
  r.commit = "abcdef1";
  CHECK(emit_captured(r, OutputFormat::table)
          .out_text.rfind("closed M00, M01 (2026-05-28, commit abcdef1); adopted without gate evaluation\n", 0)
        == 0);
  const json adopted = json::parse(emit_captured(r, OutputFormat::json).out_text);
  CHECK(adopted["result"] == "adopted");
  CHECK(adopted["milestones"] == json({"M00", "M01"}));
}

TEST_CASE("an approval shows the same fields as a line and as JSON", "[report][emit]")
{
  const rl::model::ApproveResult a{"M02", "closeout", "alice", "go \xff ahead", "2026-05-28T20:26:40Z"};
  CHECK(emit_captured(a, OutputFormat::table).out_text == "approved M02 closeout by alice at 2026-05-28T20:26:40Z\n");
  const json j = json::parse(emit_captured(a, OutputFormat::json).out_text);
  CHECK(j
        == json{{"milestone", "M02"},
                {"approval", "closeout"},
                {"by", "alice"},
                {"note", "go \xEF\xBF\xBD ahead"}, // invalid UTF-8 becomes U+FFFD
                {"at", "2026-05-28T20:26:40Z"}});
}

TEST_CASE("a reopen shows the milestone and the files written as a table and as JSON", "[report][emit]")
{
  const rl::model::ReopenResult r{"M02", "title must change", {"milestones/M02.closeout.json", "REFACTOR.md"}};
  CHECK(emit_captured(r, OutputFormat::table).out_text
        == "reopened M02: its definition may change; close it again with `refactor-ledger close M02`\n"
           "  wrote milestones/M02.closeout.json\n  wrote REFACTOR.md\n");
  const json j = json::parse(emit_captured(r, OutputFormat::json).out_text);
  CHECK(j
        == json{{"milestone", "M02"}, {"result", "reopened"}, {"reason", "title must change"}, {"written", r.written}});
}

TEST_CASE("the audit log shows the same entries as a table, JSON records and CSV rows", "[report][emit]")
{
  const rl::model::LogResult log{{entry("0123456789abcdef", "approve", "M02", "closeout approved by alice"),
                                  entry("fedcba9876543210", "close", "M02", "M02 closed, \"all\" gates passed")}};

  const json j = json::parse(emit_captured(log, OutputFormat::json).out_text);
  REQUIRE(j.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    const rl::model::AuditEntry& e = log.entries[i];
    CHECK(j[i]
          == json{{"id", e.id},
                  {"at", e.at},
                  {"user", e.user},
                  {"action", e.action},
                  {"milestone", e.milestone},
                  {"command", e.command},
                  {"commit", e.commit},
                  {"summary", e.summary}});
  }

  const std::vector<std::string> csv = lines(emit_captured(log, OutputFormat::csv).out_text);
  REQUIRE(csv.size() == 3);
  CHECK(csv[0] == "id,at,user,action,milestone,command,commit,summary\r");
  CHECK(csv[1].rfind("0123456789abcdef,2026-05-28T20:26:40Z,alice,approve,M02,", 0) == 0);
  CHECK(contains(csv[2], ",\"M02 closed, \"\"all\"\" gates passed\"\r"));

  const std::vector<std::string> table = lines(emit_captured(log, OutputFormat::table).out_text);
  REQUIRE(table.size() == 3);
  CHECK(table[0].rfind("AT", 0) == 0);
  CHECK_FALSE(contains(table[0], "ID"));
  CHECK_FALSE(contains(table[0], "COMMAND"));
  CHECK(contains(table[1], "approve"));
  CHECK(contains(table[2], "M02 closed, \"all\" gates passed"));
  CHECK_FALSE(contains(table[1], "0123456789abcdef"));

  CHECK(json::parse(emit_captured(rl::model::LogResult{}, OutputFormat::json).out_text) == json::array());
}

TEST_CASE("recover shows the same last action, completion and open gates as text and as JSON", "[report][emit]")
{
  rl::model::RecoverResult r;
  r.last_action = entry("0123456789abcdef", "approve", "M02", "closeout approved by alice");
  r.progress = {2, 23, 9, 1, false};
  r.next = rl::model::RecoverResult::NextAction{"M02", "Populate REFACTOR.md", {m02_gates().gates.back()}};

  CHECK(emit_captured(r, OutputFormat::table).out_text
        == "Last recorded action: 2026-05-28T20:26:40Z approve by alice (M02): closeout approved by alice\n"
           "Completion: 2/23 milestones closed (9%); current phase 1\n"
           "Next planned action: M02 — Populate REFACTOR.md; 1 gates still open:\n"
           "  - approval:closeout: no 'closeout' approval recorded\n"
           "    what to do: refactor-ledger approve M02 closeout --by NAME\n");
  const json j = json::parse(emit_captured(r, OutputFormat::json).out_text);
  CHECK(j["last_action"]
        == json{{"at", "2026-05-28T20:26:40Z"},
                {"user", "alice"},
                {"action", "approve"},
                {"milestone", "M02"},
                {"summary", "closeout approved by alice"}});
  CHECK(j["progress"] == json{{"closed", 2}, {"total", 23}, {"percent", 9}, {"current_phase", 1}, {"complete", false}});
  CHECK(j["next"]["milestone"] == "M02");
  CHECK(j["next"]["title"] == "Populate REFACTOR.md");
  REQUIRE(j["next"]["open_gates"].size() == 1);
  CHECK(j["next"]["open_gates"][0]["gate"] == "approval:closeout");
  CHECK(j["next"]["open_gates"][0]["result"] == "FAIL");

  r.next->open_gates.clear();
  CHECK(
    contains(emit_captured(r, OutputFormat::table).out_text,
             "Next planned action: close M02 — Populate REFACTOR.md; every gate passes (refactor-ledger close M02)\n"));

  const rl::model::RecoverResult done{std::nullopt, {23, 23, 100, std::nullopt, true}, std::nullopt};
  CHECK(emit_captured(done, OutputFormat::table).out_text
        == "Last recorded action: none\nCompletion: 23/23 milestones closed (100%)\n"
           "Next planned action: none; the program is complete\n");
  const json dj = json::parse(emit_captured(done, OutputFormat::json).out_text);
  CHECK(dj["last_action"].is_null());
  CHECK(dj["progress"]["current_phase"].is_null());
  CHECK(dj["progress"]["complete"] == true);
  CHECK(dj["next"].is_null());
}

TEST_CASE("a close as CSV is its gate table, or what it wrote as field,value rows", "[report][emit]")
{
  rl::model::CloseResult closed;
  closed.outcome = rl::model::CloseOutcome::closed;
  closed.milestones = {"M02"};
  closed.date = "2026-03-01";
  closed.commit = "0123456789abcdef0123";
  closed.written = {"REFACTOR.md", "docs/M02_summary.md"};
  const std::string csv = emit_captured(closed, OutputFormat::csv).out_text;
  CHECK(csv.rfind("field,value\r\n", 0) == 0);
  CHECK(contains(csv, "result,closed\r\n"));
  CHECK(contains(csv, "commit,0123456789abcdef0123\r\n"));
  CHECK(contains(csv, "written,\"REFACTOR.md, docs/M02_summary.md\"\r\n"));
}
