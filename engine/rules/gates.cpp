#include "rules/gates.hpp"

#include "model/commit.hpp"
#include "rules/evaluate.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace rl::rules {

namespace {

using model::GateOutcome;
using model::GateResult;

constexpr std::size_t k_max_listed = 20; // offending files / matches listed per gate

bool
glob_from(std::string_view p, std::size_t pi, std::string_view s, std::size_t si)
{
  while (pi < p.size()) {
    const char c = p[pi];
    if (c == '*') {
      const bool double_star = pi + 1 < p.size() && p[pi + 1] == '*';
      if (double_star) {
        std::size_t next = pi + 2;
        // "**/" also matches no folder at all.
        if (next < p.size() && p[next] == '/') {
          if (glob_from(p, next + 1, s, si)) {
            return true;
          }
        }
        for (std::size_t k = si; k <= s.size(); ++k) {
          if (glob_from(p, next, s, k)) {
            return true;
          }
        }
        return false;
      }
      for (std::size_t k = si; k <= s.size(); ++k) {
        if (glob_from(p, pi + 1, s, k)) {
          return true;
        }
        if (k < s.size() && s[k] == '/') {
          break;
        }
      }
      return false;
    }
    if (si >= s.size()) {
      return false;
    }
    if (c == '?') {
      if (s[si] == '/') {
        return false;
      }
    } else if (c == '[') {
      const std::size_t close = p.find(']', pi + 2);
      if (close == std::string_view::npos) {
        if (s[si] != '[') {
          return false;
        }
      } else {
        bool negate = p[pi + 1] == '!' || p[pi + 1] == '^';
        bool found = false;
        for (std::size_t k = pi + 1 + (negate ? 1 : 0); k < close; ++k) {
          if (k + 2 < close && p[k + 1] == '-') {
            found = found || (s[si] >= p[k] && s[si] <= p[k + 2]);
            k += 2;
          } else {
            found = found || s[si] == p[k];
          }
        }
        if (found == negate || s[si] == '/') {
          return false;
        }
        pi = close + 1;
        ++si;
        continue;
      }
    } else if (c != s[si]) {
      return false;
    }
    ++pi;
    ++si;
  }
  return si == s.size();
}

GateResult
passed(std::string gate, std::string reason, std::vector<std::string> evidence = {})
{
  return {std::move(gate), GateOutcome::passed, std::move(reason), "", std::move(evidence)};
}

GateResult
failed(std::string gate, std::string reason, std::string action, std::vector<std::string> evidence = {})
{
  return {std::move(gate), GateOutcome::failed, std::move(reason), std::move(action), std::move(evidence)};
}

bool
matches_any(const std::vector<std::string>& patterns, const std::string& path)
{
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return path_glob_match(p, path); });
}

GateResult
dependencies_gate(const model::Definitions& d, const model::Milestone& m)
{
  std::vector<std::string> open;
  for (const model::Ref& dep : m.depends_on) {
    const model::Milestone* dependency = model::find_milestone(d, dep.id);
    if (dependency != nullptr && dependency->status != model::MilestoneStatus::closed) {
      open.push_back(fmt::format("{} is {}", dependency->id, model::to_string(dependency->status)));
    }
  }
  if (!open.empty()) {
    return failed(
      "dependencies",
      fmt::format("{} of {} dependencies not closed: {}", open.size(), m.depends_on.size(), fmt::join(open, ", ")),
      "close them first (refactor-ledger close ID), or correct depends_on",
      open);
  }
  return passed("dependencies",
                m.depends_on.empty() ? "no dependencies" : fmt::format("{} dependencies closed", m.depends_on.size()));
}

GateResult
deliverables_gate(const model::Milestone& m, const GateFacts& f)
{
  std::vector<std::string> with_path;
  for (const model::Deliverable& dl : m.deliverables) {
    if (!dl.path.empty()) {
      with_path.push_back(dl.path);
    }
  }
  if (with_path.empty()) {
    return passed("deliverables",
                  m.deliverables.empty()
                    ? "no deliverables declared"
                    : fmt::format("{} deliverables, none with a path to check", m.deliverables.size()));
  }
  if (!f.git_problem.empty()) {
    return failed("deliverables", f.git_problem, "run close inside the governed repository's git checkout");
  }
  std::vector<std::string> found;
  std::vector<std::string> missing;
  for (const std::string& path : with_path) {
    const auto hit = std::find_if(f.files_at_commit.begin(), f.files_at_commit.end(), [&](const auto& file) {
      return path_glob_match(path, file);
    });
    if (hit == f.files_at_commit.end()) {
      missing.push_back(path);
    } else {
      found.push_back(*hit == path ? path : fmt::format("{} ({})", path, *hit));
    }
  }
  const std::string commit = model::short_commit(f.commit);
  if (!missing.empty()) {
    return failed("deliverables",
                  fmt::format("{} of {} deliverable paths missing at {}: {}",
                              missing.size(),
                              with_path.size(),
                              commit,
                              fmt::join(missing, ", ")),
                  "commit the missing deliverables, or correct their paths in the milestone's YAML",
                  missing);
  }
  return passed("deliverables", fmt::format("{} deliverable paths exist at {}", found.size(), commit), found);
}

GateResult
invariants_gate(const model::Milestone& m, bool allow_waived, const GateFacts& f)
{
  std::vector<std::string> ids;
  for (const model::InvariantLink& link : m.invariants) {
    if (std::find(ids.begin(), ids.end(), link.invariant.id) == ids.end()) {
      ids.push_back(link.invariant.id);
    }
  }
  if (ids.empty()) {
    return passed("invariants", "no invariants in scope");
  }
  std::vector<std::string> good;
  std::vector<std::string> bad;
  for (const std::string& id : ids) {
    const auto it = f.statuses.find(id);
    const model::InvariantStatus status = it == f.statuses.end() ? model::InvariantStatus::unverified : it->second;
    const bool ok =
      status == model::InvariantStatus::verified || (allow_waived && status == model::InvariantStatus::waived);
    std::string line = fmt::format("{} {}", id, model::to_string(status));
    const auto reasons = f.reasons.find(id);
    if (reasons != f.reasons.end() && !reasons->second.empty()) {
      line += ": " + reasons->second.front();
    }
    (ok ? good : bad).push_back(line);
  }
  if (!bad.empty()) {
    return failed(
      "invariants",
      fmt::format(
        "{} of {} invariants in scope not verified{}", bad.size(), ids.size(), allow_waived ? " or waived" : ""),
      "ingest evidence that satisfies their verify: rules (see refactor-ledger why ID)",
      bad);
  }
  return passed("invariants",
                fmt::format("{} invariants in scope {}", ids.size(), allow_waived ? "verified or waived" : "verified"),
                good);
}

GateResult
ci_gate(const std::string& workflow, const GateFacts& f)
{
  const std::string gate = "ci:" + workflow;
  if (f.commit.empty()) {
    return failed(gate, f.git_problem, "run close inside the governed repository's git checkout");
  }
  const std::string commit = model::short_commit(f.commit);
  for (const model::CiRunEvidence& run : f.ci_runs) {
    const std::string& sha = run.stamp.commit;
    const bool at_commit = !sha.empty() && (f.commit.rfind(sha, 0) == 0 || sha.rfind(f.commit, 0) == 0);
    if (!at_commit || !workflow_matches(workflow, run)) {
      continue;
    }
    const std::string line = fmt::format("run {} attempt {} ({}): {}",
                                         run.run_id,
                                         run.attempt,
                                         run.workflow_name,
                                         run.conclusion ? to_string(*run.conclusion) : run.status);
    if (run.conclusion == model::CiConclusion::success) {
      return passed(gate, fmt::format("latest run at {} concluded success", commit), {line, run.url});
    }
    return failed(
      gate,
      fmt::format("latest run at {} concluded {}", commit, run.conclusion ? to_string(*run.conclusion) : run.status),
      "fix the workflow, re-run it, and ingest the new run (refactor-ledger ingest github-run)",
      {line, run.url});
  }
  return failed(gate,
                fmt::format("no run of {} at {} has been ingested", workflow, commit),
                "ingest the run of the closing commit: refactor-ledger ingest github-run RUN.json");
}

GateResult
scope_gate(const model::Milestone& m, const GateFacts& f)
{
  if (!f.git_problem.empty()) {
    return failed("scope", f.git_problem, "run close inside the governed repository's git checkout");
  }
  if (f.base_commit.empty()) {
    return failed("scope", f.base_problem, fmt::format("set base_commit: in {} or pass --base REV", m.origin.path));
  }
  if (m.scope_paths.empty()) {
    return failed("scope",
                  "the milestone declares no scope.paths to check the diff against",
                  fmt::format("list the paths it may touch under scope.paths in {}, or set "
                              "gates: {{scope: false}}",
                              m.origin.path));
  }
  // Git-ignored files never count; vendored and generated ones only when
  // scope.paths names them.
  const auto listed_in = [](const std::vector<std::string>& files, const std::string& file) {
    return std::find(files.begin(), files.end(), file) != files.end();
  };
  std::vector<std::string> counted;
  for (const std::string& file : f.changed_files) {
    if (!listed_in(f.ignored_files, file) && (!listed_in(f.vendored_files, file) || matches_any(m.scope_paths, file))) {
      counted.push_back(file);
    }
  }
  const std::size_t skipped = f.changed_files.size() - counted.size();
  const std::string not_counted =
    skipped == 0 ? std::string() : fmt::format(" ({} git-ignored or vendored not counted)", skipped);
  std::vector<std::string> outside;
  for (const std::string& file : counted) {
    if (!matches_any(m.scope_paths, file) && !matches_any(f.always_in_scope, file)) {
      outside.push_back(file);
    }
  }
  const std::string range = fmt::format("{}..{}", model::short_commit(f.base_commit), model::short_commit(f.commit));
  if (!outside.empty()) {
    std::vector<std::string> listed(
      outside.begin(), outside.begin() + static_cast<std::ptrdiff_t>(std::min(outside.size(), k_max_listed)));
    if (outside.size() > k_max_listed) {
      listed.push_back(fmt::format("… and {} more", outside.size() - k_max_listed));
    }
    return failed(
      "scope",
      fmt::format(
        "{} of {} files changed in {} fall outside scope.paths{}", outside.size(), counted.size(), range, not_counted),
      "revert those changes, or widen scope.paths (a scope change is a decision to record)",
      listed);
  }
  return passed("scope",
                fmt::format("{} files changed in {}, all inside scope.paths{}", counted.size(), range, not_counted));
}

GateResult
pattern_gate(const model::PatternGate& p, const PatternMatches* matches, const GateFacts& f)
{
  const std::string gate = pattern_gate_name(p);
  if (!f.git_problem.empty() || matches == nullptr) {
    return failed(gate,
                  f.git_problem.empty() ? "pattern not searched" : f.git_problem,
                  "run close inside the governed repository's git checkout");
  }
  if (matches->count > 0) {
    return failed(
      gate,
      fmt::format(
        "/{}/ matches {} lines in {}{}", p.pattern, matches->count, p.files, p.note.empty() ? "" : " (" + p.note + ")"),
      "remove every match (they are listed), then commit",
      matches->lines);
  }
  return passed(gate,
                fmt::format("/{}/ matches nothing in {} at {}", p.pattern, p.files, model::short_commit(f.commit)));
}

GateResult
metric_gate(const model::MetricGate& g, const GateFacts& f)
{
  const std::string gate = "metric:" + g.metric;
  const std::string wanted = fmt::format("{} {} {}", g.metric, g.op, format_value(g.value));
  if (f.commit.empty()) {
    return failed(gate, f.git_problem, "run close inside the governed repository's git checkout");
  }
  const auto it = std::find_if(
    f.metrics_at_commit.begin(), f.metrics_at_commit.end(), [&](const auto& m) { return m.name == g.metric; });
  if (it == f.metrics_at_commit.end()) {
    return failed(gate,
                  fmt::format("no value of {} recorded at {}", g.metric, model::short_commit(f.commit)),
                  fmt::format("record it at the closing commit: refactor-ledger record metric {} VALUE "
                              "--commit {}",
                              g.metric,
                              model::short_commit(f.commit)));
  }
  const std::string line = fmt::format("{} = {} ({})", g.metric, format_value(it->value), stamp_text(it->stamp));
  if (!compare(g.op, it->value, g.value)) {
    return failed(gate,
                  fmt::format("{} = {}, wanted {}", g.metric, format_value(it->value), wanted),
                  "fix what the metric measures and record it again",
                  {line});
  }
  return passed(gate, wanted + " holds", {line});
}

GateResult
approval_gate(const std::string& name, const model::Milestone& m, const GateFacts& f)
{
  const std::string gate = "approval:" + name;
  const model::Approval* latest = nullptr;
  for (const model::Approval& a : f.approvals) {
    if (a.name == name) {
      latest = &a;
    }
  }
  if (latest == nullptr) {
    return failed(gate,
                  fmt::format("no '{}' approval recorded", name),
                  fmt::format("refactor-ledger approve {} {} --by NAME [--note TEXT]", m.id, name));
  }
  return passed(gate,
                fmt::format("approved by {} at {}", latest->by, latest->at),
                {fmt::format("{} at {}{}", latest->by, latest->at, latest->note.empty() ? "" : ": " + latest->note)});
}

GateResult
deferrals_gate(const model::Definitions& d, const model::Milestone& m)
{
  std::vector<std::string> blockers;
  for (const model::Deferral& x : d.deferrals) {
    if (x.status == model::DeferralStatus::open && x.blocker && (!x.deferred_to || x.deferred_to->id == m.id)) {
      blockers.push_back(fmt::format("{} ({}): {}", x.id, x.origin.path, x.what));
    }
  }
  if (!blockers.empty()) {
    return failed("deferrals",
                  fmt::format("{} open blocker deferrals target {}", blockers.size(), m.id),
                  "resolve them (status: resolved in the deferrals file) or move deferred_to to a later "
                  "milestone",
                  blockers);
  }
  return passed("deferrals", "no open blocker deferral targets it");
}

} // namespace

bool
path_glob_match(std::string_view pattern, std::string_view path)
{
  if (glob_from(pattern, 0, path, 0)) {
    return true;
  }
  // A plain folder name covers everything below it.
  if (pattern.find_first_of("*?[") == std::string_view::npos && !pattern.empty()) {
    std::string folder(pattern);
    if (folder.back() != '/') {
      folder += '/';
    }
    return path.substr(0, folder.size()) == folder;
  }
  return false;
}

namespace {

std::string
gate_names(const std::vector<GateResult>& gates)
{
  std::string names;
  for (const GateResult& r : gates) {
    names += (names.empty() ? "" : ", ") + r.gate;
  }
  return names.empty() ? std::string("none") : names;
}

// The milestone's `not_applicable` and `waive` entries, applied to the
// evaluated gates (see evaluate_gates).
void
apply_decisions(const model::EffectiveGates& g, const GateFacts& f, std::vector<GateResult>& out)
{
  const std::string known = gate_names(out);
  std::vector<GateResult> unknown;
  for (const model::GateExemption& x : g.not_applicable) {
    const auto it = std::find_if(out.begin(), out.end(), [&](const GateResult& r) { return r.gate == x.gate; });
    if (it == out.end()) { // (a known one already has its result: evaluate_gates)
      unknown.push_back(failed("not_applicable:" + x.gate,
                               fmt::format("no gate named '{}' to declare not applicable", x.gate),
                               fmt::format("name one of this milestone's gates: {}", known)));
    }
  }
  for (const model::GateWaiver& w : g.waive) {
    const auto it = std::find_if(out.begin(), out.end(), [&](const GateResult& r) { return r.gate == w.gate; });
    if (it == out.end()) {
      unknown.push_back(failed("waive:" + w.gate,
                               fmt::format("no gate named '{}' to waive", w.gate),
                               fmt::format("name one of this milestone's gates: {}", known)));
      continue;
    }
    const std::string until = w.until.empty() ? "" : fmt::format(" (until {})", w.until);
    if (it->outcome == GateOutcome::passed) {
      it->evidence.push_back(fmt::format("waiver by {}{} not needed: the gate passed", w.by, until));
      continue;
    }
    if (it->outcome != GateOutcome::failed) {
      continue;
    }
    if (!w.until.empty() && !f.date.empty() && w.until < f.date) {
      it->reason += fmt::format(" (the waiver by {} lapsed on {})", w.by, w.until);
      it->action += fmt::format("; or renew the waiver in the milestone's gates: waive: (until is {})", w.until);
      continue;
    }
    it->evidence.insert(it->evidence.begin(), "the gate found: " + it->reason);
    it->outcome = GateOutcome::waived;
    it->reason = fmt::format("waived by {}{}: {}", w.by, until, w.reason);
    it->action.clear();
  }
  out.insert(out.end(), unknown.begin(), unknown.end());
}

} // namespace

std::string
pattern_gate_name(const model::PatternGate& gate)
{
  return fmt::format("pattern:{}", gate.files);
}

std::vector<GateResult>
evaluate_gates(const model::Definitions& d,
               const model::Milestone& m,
               const model::EffectiveGates& g,
               const GateFacts& f)
{
  std::vector<GateResult> out;
  // A gate declared not applicable is not evaluated (its facts were not gathered).
  auto add = [&](const std::string& name, auto evaluate) {
    if (const model::GateExemption* x = g.exemption(name)) {
      out.push_back({name, GateOutcome::not_applicable, "not applicable: " + x->reason, "", {}});
    } else {
      out.push_back(evaluate());
    }
  };
  if (g.dependencies) {
    add("dependencies", [&] { return dependencies_gate(d, m); });
  }
  if (g.deliverables) {
    add("deliverables", [&] { return deliverables_gate(m, f); });
  }
  if (g.invariants) {
    add("invariants", [&] { return invariants_gate(m, g.allow_waived, f); });
  }
  for (const std::string& workflow : g.ci) {
    add("ci:" + workflow, [&] { return ci_gate(workflow, f); });
  }
  if (g.scope) {
    add("scope", [&] { return scope_gate(m, f); });
  }
  for (std::size_t i = 0; i < g.pattern_absent.size(); ++i) {
    add(pattern_gate_name(g.pattern_absent[i]),
        [&] { return pattern_gate(g.pattern_absent[i], i < f.patterns.size() ? &f.patterns[i] : nullptr, f); });
  }
  for (const model::MetricGate& metric : g.metrics) {
    add("metric:" + metric.metric, [&] { return metric_gate(metric, f); });
  }
  for (const std::string& name : g.approvals) {
    add("approval:" + name, [&] { return approval_gate(name, m, f); });
  }
  if (g.blocker_deferrals) {
    add("deferrals", [&] { return deferrals_gate(d, m); });
  }
  apply_decisions(g, f, out);
  return out;
}

} // namespace rl::rules
