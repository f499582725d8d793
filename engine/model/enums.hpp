#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace rl::model {

enum class Priority { p0, p1, p2, p3 };
enum class Coverage { strong, partial, weak, missing };
enum class MilestoneStatus { planned, in_progress, closed, deferred, cancelled };
enum class ChangeClass {
  documentation_only,
  verification_only,
  mechanical_refactor,
  behavioral_change,
  ci_change,
};
enum class RiskStatus { active, mitigated, resolved, accepted };
enum class DeferralStatus { open, resolved, dropped };
// A milestone's pull request: still open (e.g. pending upstream), merged, or
// closed without merging.
enum class PullRequestState { open, merged, closed };
// An event of a deferral's life (its `history:` in deferrals.yaml).
enum class DeferralEventKind { opened, retargeted, resolved, dropped, reopened };
enum class VerificationMethod { static_, dynamic, integration, numerical, snapshot, policy, benchmark };
enum class CiConclusion {
  success,
  failure,
  cancelled,
  skipped,
  timed_out,
  neutral,
  action_required,
  stale,
  startup_failure,
};
enum class ScoreKind { numeric, label };
enum class InvariantRole { introduced, protected_, verified };
// Computed by the rule engine from evidence (see DOMAIN.md "Invariant status").
enum class InvariantStatus { verified, failing, stale, unverified, waived };
// What a piece of stored evidence is (evidence.kind): what `ingest` read it
// from (junit, github-run -> ci_run, coverage, sarif) or `record metric`.
enum class EvidenceKind { junit, ci_run, coverage, sarif, metric };
// How a command prints its result (report/emit.hpp): for people, or as data.
// table is for people, json and csv are data; github (workflow commands that
// annotate files) and sarif (SARIF 2.1.0, for code scanning) are for CI.
enum class OutputFormat { table, json, csv, github, sarif };
// An event of a milestone's closeout history (see model/closeout.hpp).
enum class CloseoutEventKind { close, adopt, reopen };
// A gate's result at a closeout. `waived` and `not_applicable` come from the
// milestone's `gates: waive:` and `gates: not_applicable:` entries: the gate
// does not block the close, and the documents say who decided it and why.
enum class GateOutcome { passed, failed, waived, not_applicable };
// The outcome of one test case, as every JUnit dialect is mapped onto it. The
// numbers are what test_result.status stores (schema/0002_evidence.sql).
enum class ResultStatus : int {
  passed = 0,
  failed = 1,
  error = 2,
  skipped = 3,
  expected_failure = 4,
  flaky = 5, // passed on retry
};

// The one table per enum that maps values to their text form. The text forms
// are what YAML files, the database CHECK constraints and JSON output use.
template<typename E>
struct EnumTraits;

#define RL_ENUM_TRAITS(Enum, Label, ...)                                                                               \
  template<>                                                                                                           \
  struct EnumTraits<Enum>                                                                                              \
  {                                                                                                                    \
    static constexpr std::string_view k_label = Label;                                                                 \
    static constexpr auto k_names = std::to_array<std::pair<Enum, std::string_view>>({__VA_ARGS__});                   \
  }

RL_ENUM_TRAITS(Priority,
               "priority",
               {Priority::p0, "P0"},
               {Priority::p1, "P1"},
               {Priority::p2, "P2"},
               {Priority::p3, "P3"});
RL_ENUM_TRAITS(Coverage,
               "coverage",
               {Coverage::strong, "strong"},
               {Coverage::partial, "partial"},
               {Coverage::weak, "weak"},
               {Coverage::missing, "missing"});
RL_ENUM_TRAITS(MilestoneStatus,
               "milestone status",
               {MilestoneStatus::planned, "planned"},
               {MilestoneStatus::in_progress, "in_progress"},
               {MilestoneStatus::closed, "closed"},
               {MilestoneStatus::deferred, "deferred"},
               {MilestoneStatus::cancelled, "cancelled"});
RL_ENUM_TRAITS(ChangeClass,
               "change class",
               {ChangeClass::documentation_only, "documentation-only"},
               {ChangeClass::verification_only, "verification-only"},
               {ChangeClass::mechanical_refactor, "mechanical-refactor"},
               {ChangeClass::behavioral_change, "behavioral-change"},
               {ChangeClass::ci_change, "ci-change"});
RL_ENUM_TRAITS(RiskStatus,
               "risk status",
               {RiskStatus::active, "active"},
               {RiskStatus::mitigated, "mitigated"},
               {RiskStatus::resolved, "resolved"},
               {RiskStatus::accepted, "accepted"});
RL_ENUM_TRAITS(DeferralStatus,
               "deferral status",
               {DeferralStatus::open, "open"},
               {DeferralStatus::resolved, "resolved"},
               {DeferralStatus::dropped, "dropped"});
RL_ENUM_TRAITS(PullRequestState,
               "pull request state",
               {PullRequestState::open, "open"},
               {PullRequestState::merged, "merged"},
               {PullRequestState::closed, "closed"});
RL_ENUM_TRAITS(DeferralEventKind,
               "deferral event",
               {DeferralEventKind::opened, "opened"},
               {DeferralEventKind::retargeted, "retargeted"},
               {DeferralEventKind::resolved, "resolved"},
               {DeferralEventKind::dropped, "dropped"},
               {DeferralEventKind::reopened, "reopened"});
RL_ENUM_TRAITS(VerificationMethod,
               "verification method",
               {VerificationMethod::static_, "static"},
               {VerificationMethod::dynamic, "dynamic"},
               {VerificationMethod::integration, "integration"},
               {VerificationMethod::numerical, "numerical"},
               {VerificationMethod::snapshot, "snapshot"},
               {VerificationMethod::policy, "policy"},
               {VerificationMethod::benchmark, "benchmark"});
RL_ENUM_TRAITS(CiConclusion,
               "CI conclusion",
               {CiConclusion::success, "success"},
               {CiConclusion::failure, "failure"},
               {CiConclusion::cancelled, "cancelled"},
               {CiConclusion::skipped, "skipped"},
               {CiConclusion::timed_out, "timed_out"},
               {CiConclusion::neutral, "neutral"},
               {CiConclusion::action_required, "action_required"},
               {CiConclusion::stale, "stale"},
               {CiConclusion::startup_failure, "startup_failure"});
RL_ENUM_TRAITS(ScoreKind, "score kind", {ScoreKind::numeric, "numeric"}, {ScoreKind::label, "label"});
RL_ENUM_TRAITS(InvariantRole,
               "invariant role",
               {InvariantRole::introduced, "introduced"},
               {InvariantRole::protected_, "protected"},
               {InvariantRole::verified, "verified"});
RL_ENUM_TRAITS(InvariantStatus,
               "invariant status",
               {InvariantStatus::verified, "verified"},
               {InvariantStatus::failing, "failing"},
               {InvariantStatus::stale, "stale"},
               {InvariantStatus::unverified, "unverified"},
               {InvariantStatus::waived, "waived"});
RL_ENUM_TRAITS(OutputFormat,
               "output format",
               {OutputFormat::table, "table"},
               {OutputFormat::json, "json"},
               {OutputFormat::csv, "csv"},
               {OutputFormat::github, "github"},
               {OutputFormat::sarif, "sarif"});
RL_ENUM_TRAITS(CloseoutEventKind,
               "closeout event",
               {CloseoutEventKind::close, "close"},
               {CloseoutEventKind::adopt, "adopt"},
               {CloseoutEventKind::reopen, "reopen"});
RL_ENUM_TRAITS(GateOutcome,
               "gate result",
               {GateOutcome::passed, "passed"},
               {GateOutcome::failed, "failed"},
               {GateOutcome::waived, "waived"},
               {GateOutcome::not_applicable, "not_applicable"});

RL_ENUM_TRAITS(ResultStatus,
               "test result status",
               {ResultStatus::passed, "passed"},
               {ResultStatus::failed, "failed"},
               {ResultStatus::error, "error"},
               {ResultStatus::skipped, "skipped"},
               {ResultStatus::expected_failure, "expected_failure"},
               {ResultStatus::flaky, "flaky"});

RL_ENUM_TRAITS(EvidenceKind,
               "evidence kind",
               {EvidenceKind::junit, "junit"},
               {EvidenceKind::ci_run, "ci_run"},
               {EvidenceKind::coverage, "coverage"},
               {EvidenceKind::sarif, "sarif"},
               {EvidenceKind::metric, "metric"});

#undef RL_ENUM_TRAITS

template<typename E>
constexpr std::string_view
to_string(const E value)
{
  for (const auto& [candidate, name] : EnumTraits<E>::k_names) {
    if (candidate == value) {
      return name;
    }
  }
  return "?"; // unreachable for values inside the enum
}

// std::nullopt for text that names no value (the caller decides whether that
// is a user error or a corrupt database).
template<typename E>
constexpr std::optional<E>
parse_enum(const std::string_view text)
{
  for (const auto& [value, name] : EnumTraits<E>::k_names) {
    if (name == text) {
      return value;
    }
  }
  return std::nullopt;
}

// "a, b, c": for "allowed values" help lines.
template<typename E>
std::string
allowed_values()
{
  std::string out;
  for (const auto& [value, name] : EnumTraits<E>::k_names) {
    if (!out.empty()) {
      out += ", ";
    }
    out += name;
  }
  return out;
}

template<typename E>
constexpr std::size_t
enum_count()
{
  return EnumTraits<E>::k_names.size();
}

template<typename E>
constexpr std::size_t
enum_index(const E value)
{
  for (std::size_t i = 0; i < EnumTraits<E>::k_names.size(); ++i) {
    if (EnumTraits<E>::k_names[i].first == value) {
      return i;
    }
  }
  return 0;
}

} // namespace rl::model
