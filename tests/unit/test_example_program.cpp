// The shipped example program (invariants/, milestones/ at the repository root)
// holds the PyTorch refactoring program's facts. These tests pin the figures
// the acceptance criteria name.
#include "loader/loader.hpp"
#include "rules/program_metrics.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

const rl::model::Definitions&
example()
{
  static const rl::model::Definitions definitions = [] {
    const std::filesystem::path root = RL_SOURCE_DIR;
    std::vector<rl::loader::SourceText> sources;
    for (const char* folder : {"milestones", "invariants"}) {
      for (const auto& entry : std::filesystem::directory_iterator(root / folder)) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() == ".yaml" || name.ends_with(".closeout.json")) {
          std::ifstream in(entry.path());
          std::ostringstream text;
          text << in.rdbuf();
          sources.push_back({std::string(folder) + "/" + entry.path().filename().string(), text.str()});
        }
      }
    }
    rl::util::DiagnosticSink sink;
    auto d = rl::loader::load_definitions(sources, sink);
    if (sink.has_errors()) {
      FAIL(rl::test::formatted(sink).front());
    }
    return d;
  }();
  return definitions;
}

} // namespace

TEST_CASE("the example catalog holds the 24 invariants with their priorities", "[example]")
{
  const auto& d = example();
  REQUIRE(d.invariants.size() == 24);
  const auto m = rl::rules::compute_metrics(d);
  CHECK(m.invariants_by_priority == std::array<int, 4>{11, 5, 7, 1});
  CHECK(m.p0_strong_percent == 55); // the seed claimed 70%
  CHECK(d.invariants.front().id == "INV-001");
  CHECK(d.invariants.back().id == "INV-081");
}

TEST_CASE("the example has M00-M22 with M00 and M01 closed and M02 next", "[example]")
{
  const auto& d = example();
  REQUIRE(d.milestones.size() == 23);
  CHECK(d.milestones.front().id == "M00");
  CHECK(d.milestones.back().id == "M22");
  // Closed through their closeout records, which carry the M00 score row.
  const auto& m00 = d.milestones.front();
  REQUIRE(m00.closeout);
  CHECK(m00.closeout->date == "2026-02-08");
  REQUIRE(m00.score);
  CHECK(m00.score->label == "M00 (Baseline)");
  CHECK(m00.score->values.size() == 5);
  const auto m = rl::rules::compute_metrics(d);
  CHECK(m.milestone_closed == 2);
  CHECK(m.milestone_total == 23); // the seed said 2/22
  CHECK(m.next_milestone == "M02");
  CHECK(m.current_phase == 0);
  CHECK(m.remaining_effort == 150); // M02-M19; the seed said ~200
  CHECK(m.deferred_effort == 56);   // M20-M22
  double m01_to_m19 = 0;
  for (const auto& ms : d.milestones) {
    if (ms.id >= "M01" && ms.id <= "M19") {
      m01_to_m19 += ms.effort_estimate.value_or(0);
    }
  }
  CHECK(m01_to_m19 == 154); // the phase map said ~172
}

TEST_CASE("the example's M01 closeout facts are data", "[example]")
{
  const auto& d = example();
  const auto& m01 = d.milestones[1];
  REQUIRE(m01.id == "M01");
  REQUIRE(m01.merge);
  CHECK(m01.merge->pr == 1);
  CHECK(m01.merge->commit == "d72fd100459");
  REQUIRE(m01.ci_runs.size() == 3);
  CHECK(m01.ci_runs[0].id == 21794076924);
  CHECK(m01.ci_runs[2].conclusion == rl::model::CiConclusion::success);
  const auto verified = std::find_if(m01.invariants.begin(), m01.invariants.end(), [](const auto& l) {
    return l.role == rl::model::InvariantRole::verified;
  });
  REQUIRE(verified != m01.invariants.end());
  CHECK(verified->invariant.id == "INV-050");
  CHECK(verified->metrics
        == std::vector<rl::model::MetricValue>{
          {"files_scanned", 2372}, {"imports_analyzed", 21254}, {"unresolved_imports", 0}});
}

TEST_CASE("the example has risks I01-I07", "[example]")
{
  const auto& d = example();
  REQUIRE(d.risks.size() == 7);
  for (std::size_t i = 0; i < 7; ++i) {
    CHECK(d.risks[i].id == "I0" + std::to_string(i + 1));
  }
  CHECK(d.risks[1].status == rl::model::RiskStatus::resolved);
}

TEST_CASE("no computed placeholder reaches a rendered file of the shipped example", "[example][placeholders]")
{
  const std::filesystem::path root = RL_SOURCE_DIR;
  std::vector<std::filesystem::path> rendered{root / "REFACTOR.md", root / "milestones/toolcalls.md"};
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root / "milestones/closeouts")) {
    if (entry.is_regular_file()) {
      rendered.push_back(entry.path());
    }
  }
  REQUIRE(rendered.size() >= 6);
  for (const std::filesystem::path& file : rendered) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    INFO(file.string());
    REQUIRE_FALSE(text.str().empty());
    CHECK(text.str().find("{{") == std::string::npos);
  }
}
