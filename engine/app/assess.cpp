#include "app/assess.hpp"

#include "app/git.hpp"
#include "app/outputs.hpp"

#include "store/evidence_repo.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>

namespace rl::app {

model::Timestamp
current_time()
{
  using namespace std::chrono;
  sys_seconds now = floor<seconds>(system_clock::now());
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr && *epoch != '\0') {
    // Whole seconds, digits only, up to 9999-12-31T23:59:59Z: every time the
    // ledger writes has four-digit years, so that times sort as text.
    constexpr long long k_last_second = 253402300799;
    long long value = 0;
    bool valid = true;
    for (const char* p = epoch; *p != '\0' && valid; ++p) {
      valid = *p >= '0' && *p <= '9' && value <= (k_last_second - (*p - '0')) / 10;
      value = valid ? value * 10 + (*p - '0') : value;
    }
    if (!valid) {
      throw util::UsageError(fmt::format("SOURCE_DATE_EPOCH must be a whole number of seconds from 0 to {} "
                                         "(9999-12-31T23:59:59Z), not '{}'",
                                         k_last_second,
                                         epoch));
    }
    now = sys_seconds(seconds(value));
  }
  return model::Timestamp(now);
}

model::Timestamp
time_option(const std::string& at, const model::Timestamp& now, const std::string& program_start)
{
  if (at.empty()) {
    return now;
  }
  const std::optional<model::Timestamp> parsed = model::Timestamp::parse(at);
  if (!parsed) {
    throw util::UsageError(fmt::format("--at '{}' is not a time: write e.g. 2026-02-08T07:30:00Z", at));
  }
  if (*parsed > now) {
    throw util::UsageError(
      fmt::format("--at {} is in the future (now is {}): --at records when something already happened",
                  parsed->text(),
                  now.text()));
  }
  if (!program_start.empty()) {
    if (const auto start = model::Timestamp::parse(program_start + "T00:00:00Z"); start && *parsed < *start) {
      throw util::UsageError(fmt::format("--at {} is before the program started (program.yaml start: {}): give the "
                                         "time it happened",
                                         parsed->text(),
                                         program_start));
    }
  }
  return *parsed;
}

Assessment
assess(SQLite::Database& db, const model::Definitions& definitions, const std::filesystem::path& root)
{
  rules::EvidenceIndex evidence;
  for (const std::vector<std::string>& selectors : rules::selections_of(definitions)) {
    evidence.tests.emplace(rules::selection_key(selectors), store::select_tests(db, selectors));
  }
  evidence.ci_runs = store::ci_runs(db);
  for (model::MetricEvidence& m : store::latest_metrics(db)) {
    std::string name = m.name;
    evidence.metrics.emplace(std::move(name), std::move(m));
  }
  if (rules::uses_commit_distance(definitions)) {
    for (const std::string& commit : rules::evidence_commits(evidence)) {
      evidence.commits_behind.emplace(commit, commits_behind_head(root, commit, ledger_own_paths(definitions.program)));
    }
  }
  const rules::Policy policy{current_time()};
  Assessment out;
  for (const model::Invariant& inv : definitions.invariants) {
    model::Evaluation e = rules::evaluate(inv, evidence, policy);
    out.statuses.emplace(inv.id, e.status);
    out.evaluations.emplace(inv.id, std::move(e));
  }
  return out;
}

} // namespace rl::app
