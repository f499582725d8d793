#include "rules/evaluate.hpp"

#include "model/commit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>

namespace rl::rules {

namespace {

using model::InvariantStatus;
using Kind = model::RuleNode::Kind;

// Lower is worse: the order in which `all` combines its children.
int
rank(InvariantStatus s)
{
  switch (s) {
  case InvariantStatus::failing:
    return 0;
  case InvariantStatus::stale:
    return 1;
  case InvariantStatus::unverified:
    return 2;
  case InvariantStatus::waived:
    return 3;
  case InvariantStatus::verified:
    return 4;
  }
  return 2;
}

class Evaluator
{
public:
  Evaluator(const model::Invariant& inv, const EvidenceIndex& evidence, const Policy& policy)
    : m_inv(inv)
    , m_evidence(evidence)
    , m_policy(policy)
  {
  }

  model::ConditionResult evaluate(const model::RuleNode& rule)
  {
    switch (rule.kind) {
    case Kind::all:
    case Kind::any:
      return combine(rule);
    case Kind::tests:
      return tests(rule);
    case Kind::ci:
      return ci(rule);
    case Kind::metric:
      return metric(rule);
    }
    return {};
  }

private:
  // Fresh evidence may still be stale: too old for max_age_days, or taken
  // before the invariant's statement last changed.
  std::optional<std::string> staleness(const model::EvidenceStamp& stamp) const
  {
    if (m_inv.verify && m_inv.verify->max_age_days) {
      const auto age = (m_policy.now.day() - stamp.taken_at.day()).count();
      if (age > *m_inv.verify->max_age_days) {
        return fmt::format("evidence is {} days old (taken {}); the rule allows {}",
                           age,
                           stamp.taken_at.date(),
                           *m_inv.verify->max_age_days);
      }
    }
    if (m_inv.verify && m_inv.verify->max_commits_behind) {
      const auto it = m_evidence.commits_behind.find(stamp.commit);
      const std::optional<int> behind = it == m_evidence.commits_behind.end() ? std::nullopt : it->second;
      if (stamp.commit.empty() || !behind) {
        return fmt::format("evidence commit {} is not in the history of HEAD",
                           stamp.commit.empty() ? "(unknown)" : stamp.commit);
      }
      if (*behind > *m_inv.verify->max_commits_behind) {
        return fmt::format(
          "evidence is {} commits behind HEAD; the rule allows {}", *behind, *m_inv.verify->max_commits_behind);
      }
    }
    if (!m_inv.statement_changed.empty() && stamp.taken_at.date() < m_inv.statement_changed) {
      return fmt::format(
        "evidence taken {} predates the statement change of {}", stamp.taken_at.date(), m_inv.statement_changed);
    }
    return std::nullopt;
  }

  // A condition whose evidence agrees is verified, or stale when that
  // evidence is too old.
  void hold_if_fresh(model::ConditionResult& r, const model::EvidenceStamp& stamp) const
  {
    if (auto stale = staleness(stamp)) {
      r.status = InvariantStatus::stale;
      r.details.push_back(*stale);
    } else {
      r.status = InvariantStatus::verified;
    }
  }

  model::ConditionResult combine(const model::RuleNode& rule)
  {
    model::ConditionResult r;
    const bool all = rule.kind == Kind::all;
    r.description = all ? "all of" : "any of";
    int best = -1;
    int worst = 99;
    for (const model::RuleNode& child : rule.children) {
      r.children.push_back(evaluate(child));
      best = std::max(best, rank(r.children.back().status));
      worst = std::min(worst, rank(r.children.back().status));
    }
    const int chosen = all ? worst : best;
    for (InvariantStatus s :
         {InvariantStatus::failing, InvariantStatus::stale, InvariantStatus::unverified, InvariantStatus::verified}) {
      if (rank(s) == chosen) {
        r.status = s;
      }
    }
    return r;
  }

  model::ConditionResult tests(const model::RuleNode& rule)
  {
    model::ConditionResult r;
    std::string selectors;
    for (const std::string& s : rule.selectors) {
      selectors += (selectors.empty() ? "" : ", ") + s;
    }
    r.description = fmt::format("tests {} (at least {} passing)", selectors, rule.min);
    const auto it = m_evidence.tests.find(selection_key(rule.selectors));
    if (it == m_evidence.tests.end()) {
      r.status = InvariantStatus::unverified;
      r.details.emplace_back("no test results were looked up for this rule");
      return r;
    }
    const model::TestSelection& sel = it->second;
    for (const auto& [selector, count] : sel.per_selector) {
      if (count == 0) {
        r.details.push_back(fmt::format("selector '{}' matched no test results", selector));
      }
    }
    if (sel.matched == 0) {
      r.status = InvariantStatus::unverified;
      return r;
    }
    r.details.push_back(fmt::format(
      "{} tests matched: {} passed, {} failed or errored, {} not run", sel.matched, sel.passed, sel.bad, sel.not_run));
    for (const model::EvidenceStamp& run : sel.runs) {
      r.details.push_back("evidence: " + stamp_text(run));
    }
    for (const model::TestEvidence& t : sel.offenders) {
      const bool bad = t.status == model::ResultStatus::failed || t.status == model::ResultStatus::error;
      if (bad) {
        r.details.push_back(fmt::format("{} {}{}",
                                        t.status == model::ResultStatus::error ? "errored:" : "failed:",
                                        t.identity,
                                        t.message.empty() ? "" : " — " + first_line(t.message)));
      } else {
        r.details.push_back(fmt::format("not run ({}): {}", model::to_string(t.status), t.identity));
      }
    }
    if (sel.bad > 0) {
      r.status = InvariantStatus::failing;
    } else if (sel.passed < rule.min) {
      r.status = InvariantStatus::failing;
      r.details.push_back(fmt::format("only {} selected tests passed; the rule requires {}", sel.passed, rule.min));
    } else {
      hold_if_fresh(r, sel.runs.front());
    }
    return r;
  }

  static std::string first_line(const std::string& text)
  {
    const std::size_t nl = text.find('\n');
    std::string line = text.substr(0, nl);
    return line.size() > 160 ? line.substr(0, 160) + "…" : line;
  }

  model::ConditionResult ci(const model::RuleNode& rule)
  {
    model::ConditionResult r;
    r.description = fmt::format("CI workflow {}{}{} concluded {}",
                                rule.workflow,
                                rule.job.empty() ? "" : ", job " + rule.job,
                                rule.branch.empty() ? "" : ", branch " + rule.branch,
                                to_string(rule.conclusion));
    const model::CiRunEvidence* latest = nullptr;
    for (const model::CiRunEvidence& run : m_evidence.ci_runs) {
      if (workflow_matches(rule.workflow, run) && (rule.branch.empty() || glob_match(rule.branch, run.head_branch))) {
        latest = &run; // runs are newest first
        break;
      }
    }
    if (latest == nullptr) {
      r.status = InvariantStatus::unverified;
      r.details.emplace_back("no run of this workflow has been ingested");
      return r;
    }
    std::optional<model::CiConclusion> conclusion = latest->conclusion;
    std::string what = fmt::format("run {} attempt {}", latest->run_id, latest->attempt);
    if (!rule.job.empty()) {
      const auto job = std::find_if(latest->jobs.begin(), latest->jobs.end(), [&](const model::CiJobEvidence& j) {
        return glob_match(rule.job, j.name);
      });
      if (job == latest->jobs.end()) {
        r.status = InvariantStatus::unverified;
        r.details.push_back(fmt::format("{} has no job matching '{}'", what, rule.job));
        return r;
      }
      conclusion = job->conclusion;
      what += ", job " + job->name;
    }
    r.details.push_back(fmt::format(
      "latest: {} ({}): {}", what, stamp_text(latest->stamp), conclusion ? to_string(*conclusion) : latest->status));
    if (!conclusion) {
      r.status = InvariantStatus::unverified;
      r.details.emplace_back("the run has not completed");
    } else if (conclusion != rule.conclusion) {
      r.status = InvariantStatus::failing;
    } else {
      hold_if_fresh(r, latest->stamp);
    }
    return r;
  }

  model::ConditionResult metric(const model::RuleNode& rule)
  {
    model::ConditionResult r;
    r.description = fmt::format("metric {} {} {}", rule.metric, rule.op, format_value(rule.value));
    const auto it = m_evidence.metrics.find(rule.metric);
    if (it == m_evidence.metrics.end()) {
      r.status = InvariantStatus::unverified;
      r.details.push_back(fmt::format("no value of '{}' has been recorded", rule.metric));
      return r;
    }
    const double v = it->second.value;
    r.details.push_back(
      fmt::format("latest: {} = {} ({})", rule.metric, format_value(v), stamp_text(it->second.stamp)));
    const bool holds = compare(rule.op, v, rule.value);
    if (!holds) {
      r.status = InvariantStatus::failing;
    } else {
      hold_if_fresh(r, it->second.stamp);
    }
    return r;
  }

  const model::Invariant& m_inv;
  const EvidenceIndex& m_evidence;
  const Policy& m_policy;
};

void
collect(const model::RuleNode& rule, std::map<std::string, std::vector<std::string>>& out)
{
  if (rule.kind == Kind::tests) {
    out.emplace(selection_key(rule.selectors), rule.selectors);
  }
  for (const model::RuleNode& c : rule.children) {
    collect(c, out);
  }
}

// The first leaf reason that explains `status`, for one-line summaries.
void
summarize(const model::ConditionResult& r, InvariantStatus status, std::vector<std::string>& out)
{
  if (r.children.empty()) {
    if (r.status == status) {
      std::string line = r.description;
      for (const std::string& d : r.details) {
        line += "; " + d;
      }
      out.push_back(line);
    }
    return;
  }
  for (const model::ConditionResult& c : r.children) {
    summarize(c, status, out);
  }
}

} // namespace

std::vector<std::string>
evidence_commits(const EvidenceIndex& evidence)
{
  std::set<std::string> out;
  for (const auto& [key, selection] : evidence.tests) {
    for (const model::EvidenceStamp& s : selection.runs) {
      out.insert(s.commit);
    }
  }
  for (const model::CiRunEvidence& r : evidence.ci_runs) {
    out.insert(r.stamp.commit);
  }
  for (const auto& [name, m] : evidence.metrics) {
    out.insert(m.stamp.commit);
  }
  out.erase(std::string());
  return {out.begin(), out.end()};
}

bool
uses_commit_distance(const model::Definitions& definitions)
{
  return std::any_of(definitions.invariants.begin(), definitions.invariants.end(), [](const model::Invariant& inv) {
    return inv.verify && inv.verify->max_commits_behind;
  });
}

std::string
selection_key(const std::vector<std::string>& selectors)
{
  std::string key;
  for (const std::string& s : selectors) {
    key += (key.empty() ? "" : "\n") + s;
  }
  return key;
}

std::vector<std::vector<std::string>>
selections_of(const model::Definitions& definitions)
{
  std::map<std::string, std::vector<std::string>> out;
  for (const model::Invariant& inv : definitions.invariants) {
    if (inv.verify) {
      collect(inv.verify->root, out);
    }
  }
  std::vector<std::vector<std::string>> result;
  result.reserve(out.size());
  for (auto& [key, selectors] : out) {
    result.push_back(std::move(selectors));
  }
  return result;
}

model::Evaluation
evaluate(const model::Invariant& invariant, const EvidenceIndex& evidence, const Policy& policy)
{
  model::Evaluation e;
  if (invariant.verify) {
    Evaluator evaluator(invariant, evidence, policy);
    e.tree = evaluator.evaluate(invariant.verify->root);
    e.status = e.tree->status;
    summarize(*e.tree, e.status, e.reasons);
  } else {
    e.status = InvariantStatus::unverified;
    e.reasons.emplace_back("no verification rules (add 'verify:' to the invariant)");
  }
  if (invariant.waiver) {
    const model::Waiver& w = *invariant.waiver;
    if (policy.now.date() > w.expires) {
      e.waiver_expired = true;
      e.reasons.push_back(
        fmt::format("waiver by {} expired on {} and no longer applies: {}", w.owner, w.expires, w.reason));
    } else if (e.status == InvariantStatus::verified) {
      e.waiver_unneeded = true;
      e.reasons.push_back(
        fmt::format("waiver by {} (until {}) is unneeded: the rules hold without it", w.owner, w.expires));
    } else {
      e.reasons.insert(e.reasons.begin(),
                       fmt::format("waived by {} until {}: {} (would be {} without it)",
                                   w.owner,
                                   w.expires,
                                   w.reason,
                                   model::to_string(e.status)));
      e.status = InvariantStatus::waived;
    }
  }
  return e;
}

bool
glob_match(std::string_view pattern, std::string_view text)
{
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '[') {
      const std::size_t close = pattern.find(']', p + 1);
      if (close != std::string_view::npos) {
        bool negate = p + 1 < close && pattern[p + 1] == '^';
        bool hit = false;
        for (std::size_t i = p + (negate ? 2 : 1); i < close; ++i) {
          if (i + 2 < close && pattern[i + 1] == '-') {
            hit = hit || (text[t] >= pattern[i] && text[t] <= pattern[i + 2]);
            i += 2;
          } else {
            hit = hit || text[t] == pattern[i];
          }
        }
        if (hit != negate) {
          p = close + 1;
          ++t;
          continue;
        }
      }
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
      continue;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
      continue;
    }
    if (star == std::string_view::npos) {
      return false;
    }
    p = star + 1;
    t = ++mark;
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

namespace {

model::ConditionSnapshot
condition_snapshot(const model::ConditionResult& r)
{
  model::ConditionSnapshot c{r.description, std::string(model::to_string(r.status)), r.details, {}};
  for (const model::ConditionResult& child : r.children) {
    c.children.push_back(condition_snapshot(child));
  }
  return c;
}

model::ConditionResult
condition_from(const model::ConditionSnapshot& c)
{
  model::ConditionResult r;
  r.description = c.description;
  r.status = model::parse_enum<model::InvariantStatus>(c.status).value_or(model::InvariantStatus::unverified);
  r.details = c.details;
  for (const model::ConditionSnapshot& child : c.children) {
    r.children.push_back(condition_from(child));
  }
  return r;
}

} // namespace

model::InvariantAtClose
snapshot_of(const std::string& invariant_id, const model::Evaluation& e)
{
  model::InvariantAtClose s;
  s.id = invariant_id;
  s.status = std::string(model::to_string(e.status));
  s.reasons = e.reasons;
  s.waiver_expired = e.waiver_expired;
  s.waiver_unneeded = e.waiver_unneeded;
  if (e.tree) {
    s.tree = condition_snapshot(*e.tree);
  }
  return s;
}

model::Evaluation
evaluation_from(const model::InvariantAtClose& s)
{
  model::Evaluation e;
  e.status = model::parse_enum<model::InvariantStatus>(s.status).value_or(model::InvariantStatus::unverified);
  e.reasons = s.reasons;
  e.waiver_expired = s.waiver_expired;
  e.waiver_unneeded = s.waiver_unneeded;
  if (s.tree) {
    e.tree = condition_from(*s.tree);
  }
  return e;
}

std::string
stamp_text(const model::EvidenceStamp& s)
{
  return fmt::format(
    "{}, commit {}, taken {}", s.source, s.commit.empty() ? "unknown" : model::short_commit(s.commit), s.taken_at);
}

std::string
format_value(double v)
{
  if (v == static_cast<double>(static_cast<long long>(v))) {
    return std::to_string(static_cast<long long>(v));
  }
  return fmt::format("{}", v);
}

bool
compare(std::string_view op, double lhs, double rhs)
{
  if (op == "==") {
    return lhs == rhs;
  }
  if (op == "!=") {
    return lhs != rhs;
  }
  if (op == "<") {
    return lhs < rhs;
  }
  if (op == "<=") {
    return lhs <= rhs;
  }
  if (op == ">") {
    return lhs > rhs;
  }
  if (op == ">=") {
    return lhs >= rhs;
  }
  return false;
}

bool
workflow_matches(std::string_view pattern, const model::CiRunEvidence& run)
{
  const std::string file = run.workflow_path.substr(run.workflow_path.rfind('/') + 1);
  return glob_match(pattern, run.workflow_name) || glob_match(pattern, run.workflow_path) || glob_match(pattern, file);
}

} // namespace rl::rules
