#include "loader/loader.hpp"
#include "rules/program_metrics.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

namespace {

rl::model::Definitions
load(const std::vector<rl::loader::SourceText>& sources)
{
  rl::util::DiagnosticSink sink;
  auto d = rl::loader::load_definitions(sources, sink);
  REQUIRE(rl::test::formatted(sink).empty());
  return d;
}

} // namespace

TEST_CASE("progress, next milestone, current phase and remaining effort are computed", "[rules]")
{
  const auto m = rl::rules::compute_metrics(load(rl::test::minimal_program()));
  CHECK(m.milestone_closed == 1);
  CHECK(m.milestone_total == 2);
  CHECK(m.percent_complete == 50);
  CHECK(m.next_milestone == "M01");
  CHECK(m.current_phase == 1);
  CHECK(m.remaining_effort == 4);
  CHECK(m.last_closed_milestone == "M00");
  CHECK(m.document_version == 1);
  CHECK(m.invariants_by_priority[0] == 1);
  CHECK(m.p0_strong_percent == 0);
}

TEST_CASE("a milestone whose dependencies are open is not next", "[rules]")
{
  const auto sources = rl::test::minimal_program_yaml(); // no closeout record: M00 is planned
  const auto m = rl::rules::compute_metrics(load(sources));
  CHECK(m.next_milestone == "M00");
  CHECK(m.current_phase == 0);
  CHECK(m.remaining_effort == 14);
  CHECK_FALSE(m.last_closed_milestone);
}

TEST_CASE("deferrals to a closed milestone are overdue", "[rules]")
{
  auto sources = rl::test::minimal_program();
  sources.push_back({"milestones/deferrals.yaml", R"(deferrals:
  - {id: D01, what: Pin actions, discovered_in: M00, deferred_to: M00}
  - {id: D02, what: SBOM, discovered_in: M00, deferred_to: M01}
  - {id: D03, what: Done, discovered_in: M00, deferred_to: M00, status: resolved}
)"});
  const auto m = rl::rules::compute_metrics(load(sources));
  CHECK(m.open_deferrals == 2);
  CHECK(m.overdue_deferrals == 1);
  CHECK(m.deferrals[0].overdue);
  CHECK(m.deferrals[0].slipped == 1);
  CHECK_FALSE(m.deferrals[1].overdue);
}

TEST_CASE("milestone ids compress into ranges in program order", "[rules]")
{
  const std::vector<std::string> all{"M00", "M01", "M02", "M03", "M06", "M06-A", "M07"};
  CHECK(rl::model::compress_ids({"M00", "M01", "M02"}, all) == "M00-M02");
  CHECK(rl::model::compress_ids({"M00", "M02", "M03"}, all) == "M00, M02-M03");
  CHECK(rl::model::compress_ids({"M06", "M06-A", "M07"}, all) == "M06-M07");
  CHECK(rl::model::compress_ids({"M01"}, all) == "M01");
  CHECK(rl::model::compress_ids({}, all).empty());
}

TEST_CASE("ids sort naturally", "[model]")
{
  CHECK(rl::model::natural_less("M06", "M06-A"));
  CHECK(rl::model::natural_less("M06-A", "M07"));
  CHECK(rl::model::natural_less("M99", "M100"));
  CHECK(rl::model::natural_less("INV-999", "INV-1000"));
  CHECK_FALSE(rl::model::natural_less("M07", "M06-A"));
}

TEST_CASE("every enum value round-trips through its text form", "[model]")
{
  using rl::model::Priority;
  for (const auto& [value, name] : rl::model::EnumTraits<rl::model::MilestoneStatus>::k_names) {
    CHECK(rl::model::parse_enum<rl::model::MilestoneStatus>(name) == value);
    CHECK(rl::model::to_string(value) == name);
  }
  CHECK(rl::model::parse_enum<Priority>("P4") == std::nullopt);
  CHECK(rl::model::allowed_values<Priority>() == "P0, P1, P2, P3");
}

TEST_CASE("MilestoneOrder compresses like compress_ids and indexes links once", "[rules]")
{
  const rl::model::MilestoneOrder order({"M00", "M01", "M02", "M03", "M05"});
  CHECK(order.compress({"M00", "M01", "M02", "M05"}) == "M00-M02, M05");
  CHECK(order.compress({"M01", "M99"}) == "M01, M99");

  rl::util::DiagnosticSink sink;
  const auto d = rl::loader::load_definitions(rl::test::minimal_program(), sink);
  const auto links = rl::rules::links_by_invariant(d);
  REQUIRE(links.contains("INV-001"));
  CHECK(links.at("INV-001").size() == 1);
  CHECK(links.at("INV-001")[0].milestone == "M01");
  CHECK(links.at("INV-001")[0].role == rl::model::InvariantRole::protected_);
  CHECK_FALSE(links.contains("INV-002"));
}
