#include "rules/evaluate.hpp"

#include <catch2/catch.hpp>

using rl::model::InvariantStatus;

namespace {

rl::model::Invariant
inv050()
{
  rl::model::Invariant inv;
  inv.id = "INV-050";
  rl::model::RuleNode tests;
  tests.kind = rl::model::RuleNode::Kind::tests;
  tests.selectors = {"test/test_x.py::*"};
  tests.min = 2;
  rl::model::RuleNode metric;
  metric.kind = rl::model::RuleNode::Kind::metric;
  metric.metric = "unresolved_imports";
  metric.op = "==";
  metric.value = 0;
  rl::model::RuleNode all;
  all.kind = rl::model::RuleNode::Kind::all;
  all.children = {tests, metric};
  inv.verify = rl::model::VerifyRules{all, std::nullopt, std::nullopt};
  return inv;
}

rl::rules::EvidenceIndex
evidence(rl::model::ResultStatus second, double unresolved, const std::string& taken)
{
  rl::rules::EvidenceIndex e;
  const rl::model::EvidenceStamp stamp{1, "pytest", "41daf4e", *rl::model::Timestamp::parse(taken)};
  rl::model::TestSelection sel;
  sel.per_selector = {{"test/test_x.py::*", 2}};
  sel.matched = 2;
  sel.passed = 1;
  sel.runs = {stamp};
  const bool bad = second == rl::model::ResultStatus::failed || second == rl::model::ResultStatus::error;
  const bool not_run = second == rl::model::ResultStatus::skipped;
  if (second == rl::model::ResultStatus::passed) {
    sel.passed = 2;
  } else {
    (bad ? sel.bad : sel.not_run) = 1;
    sel.offenders = {{"test/test_x.py::test_b", second, "boom", stamp}};
  }
  (void)not_run;
  e.tests[rl::rules::selection_key({"test/test_x.py::*"})] = sel;
  e.metrics["unresolved_imports"] = {"unresolved_imports", unresolved, stamp};
  return e;
}

const rl::rules::Policy k_policy{*rl::model::Timestamp::parse("2026-03-01T00:00:00Z")};

} // namespace

TEST_CASE("passing tests and a metric in bounds verify the invariant", "[rules][evaluate]")
{
  const auto e =
    rl::rules::evaluate(inv050(), evidence(rl::model::ResultStatus::passed, 0, "2026-02-08T07:51:04Z"), k_policy);
  CHECK(e.status == InvariantStatus::verified);
  REQUIRE(e.tree);
  CHECK(e.tree->children.size() == 2);
}

TEST_CASE("a failed, errored or skipped selected test lowers the status", "[rules][evaluate]")
{
  const auto failed =
    rl::rules::evaluate(inv050(), evidence(rl::model::ResultStatus::failed, 0, "2026-02-08T00:00:00Z"), k_policy);
  CHECK(failed.status == InvariantStatus::failing);
  CHECK(failed.reasons.at(0).find("failed: test/test_x.py::test_b — boom") != std::string::npos);
  const auto error =
    rl::rules::evaluate(inv050(), evidence(rl::model::ResultStatus::error, 0, "2026-02-08T00:00:00Z"), k_policy);
  CHECK(error.status == InvariantStatus::failing);
  const auto skipped =
    rl::rules::evaluate(inv050(), evidence(rl::model::ResultStatus::skipped, 0, "2026-02-08T00:00:00Z"), k_policy);
  CHECK(skipped.status == InvariantStatus::failing); // only 1 of the 2 required passed
  const auto metric =
    rl::rules::evaluate(inv050(), evidence(rl::model::ResultStatus::passed, 3, "2026-02-08T00:00:00Z"), k_policy);
  CHECK(metric.status == InvariantStatus::failing);
}

TEST_CASE("no evidence is unverified and a selector that matches nothing is reported", "[rules][evaluate]")
{
  const auto e = rl::rules::evaluate(inv050(), {}, k_policy);
  CHECK(e.status == InvariantStatus::unverified);
  CHECK(e.reasons.at(0).find("no test results were looked up") != std::string::npos);
  rl::rules::EvidenceIndex empty;
  rl::model::TestSelection none;
  none.per_selector = {{"test/test_x.py::*", 0}};
  empty.tests[rl::rules::selection_key({"test/test_x.py::*"})] = none;
  CHECK(rl::rules::evaluate(inv050(), empty, k_policy)
          .reasons.at(0)
          .find("selector 'test/test_x.py::*' matched no test results")
        != std::string::npos);
}

TEST_CASE("old evidence is stale: max age, or taken before the statement changed", "[rules][evaluate]")
{
  auto inv = inv050();
  inv.verify->max_age_days = 14;
  const auto old =
    rl::rules::evaluate(inv, evidence(rl::model::ResultStatus::passed, 0, "2026-02-08T00:00:00Z"), k_policy);
  CHECK(old.status == InvariantStatus::stale);
  CHECK(old.reasons.at(0).find("evidence is 21 days old (taken 2026-02-08); the rule allows 14") != std::string::npos);
  auto changed = inv050();
  changed.statement_changed = "2026-02-20";
  const auto before =
    rl::rules::evaluate(changed, evidence(rl::model::ResultStatus::passed, 0, "2026-02-08T00:00:00Z"), k_policy);
  CHECK(before.status == InvariantStatus::stale);
}

TEST_CASE("waivers: applied, expired, unneeded", "[rules][evaluate]")
{
  auto inv = inv050();
  inv.waiver = rl::model::Waiver{"alice", "CI down", "2026-03-15"};
  const auto waived = rl::rules::evaluate(inv, {}, k_policy);
  CHECK(waived.status == InvariantStatus::waived);
  CHECK(waived.reasons.at(0) == "waived by alice until 2026-03-15: CI down (would be unverified without it)");
  inv.waiver->expires = "2026-02-28";
  const auto expired = rl::rules::evaluate(inv, {}, k_policy);
  CHECK(expired.status == InvariantStatus::unverified);
  CHECK(expired.waiver_expired);
  inv.waiver->expires = "2026-12-31";
  const auto unneeded =
    rl::rules::evaluate(inv, evidence(rl::model::ResultStatus::passed, 0, "2026-02-08T00:00:00Z"), k_policy);
  CHECK(unneeded.status == InvariantStatus::verified);
  CHECK(unneeded.waiver_unneeded);
}

TEST_CASE("glob matching has SQLite GLOB semantics", "[rules]")
{
  CHECK(rl::rules::glob_match("test/test_x.py::*", "test/test_x.py::TestA::test_b[1]"));
  CHECK(rl::rules::glob_match("*smoke*", "refactor-smoke.yml"));
  CHECK(rl::rules::glob_match("a?c", "abc"));
  CHECK(rl::rules::glob_match("[ab]x", "bx"));
  CHECK_FALSE(rl::rules::glob_match("test/*.py", "test/x.cpp"));
  CHECK_FALSE(rl::rules::glob_match("Abc", "abc"));
}

TEST_CASE("evidence too many commits behind HEAD, or off its history, is stale", "[rules][evaluate]")
{
  auto inv = inv050();
  inv.verify->max_commits_behind = 5;
  auto e = evidence(rl::model::ResultStatus::passed, 0, "2026-02-08T00:00:00Z");
  e.commits_behind["41daf4e"] = 3;
  CHECK(rl::rules::evaluate(inv, e, k_policy).status == InvariantStatus::verified);
  e.commits_behind["41daf4e"] = 9;
  const auto behind = rl::rules::evaluate(inv, e, k_policy);
  CHECK(behind.status == InvariantStatus::stale);
  CHECK(behind.reasons.at(0).find("evidence is 9 commits behind HEAD; the rule allows 5") != std::string::npos);
  e.commits_behind["41daf4e"] = std::nullopt;
  CHECK(
    rl::rules::evaluate(inv, e, k_policy).reasons.at(0).find("evidence commit 41daf4e is not in the history of HEAD")
    != std::string::npos);
  CHECK(rl::rules::evidence_commits(e) == std::vector<std::string>{"41daf4e"});
}
